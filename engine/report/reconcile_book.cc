#include "engine/report/reconcile_book.h"

#include <algorithm>
#include <thread>
#include <tuple>

#include "engine/core/settlement_setup.h"

namespace vbp {

ReconcileBook::ReconcileBook(const RuleRegistry* registry) : registry_(registry) {}
ReconcileBook::~ReconcileBook() = default;

void ReconcileBook::AddClaim(const Claim& c) {
  VBP_CHECK(!finished_);
  // Left out as a record that failed decoding is (`vbp settle` rejects it).
  if (ClaimArena::Unstorable(c)) return;
  auto [it, inserted] = claims_.try_emplace(c.claim_id.str());
  ClaimSlot& slot = it->second;
  const VersionDecision decision =
      DecideVersion(inserted ? nullptr : &slot.head, c.version, c.content_hash);
  ClaimVersionSummary v;
  v.version = c.version;
  v.frequency = c.frequency;
  if (c.frequency != Frequency::kVoid) v.paid_date = c.paid_date;
  for (const auto& l : c.lines) v.paid += l.paid;
  v.lines = static_cast<int32_t>(c.lines.size());
  v.source = c.source;
  v.decision = decision;
  // The same counts and watermark rule as BatchSettlement.
  CountClaimVersion(c, decision, !inserted, &counts_, &max_paid_);
  slot.history.claim_id = c.claim_id.str();
  slot.history.versions.push_back(std::move(v));
  if (decision != VersionDecision::kApply) return;
  slot.head = {c.version, c.frequency, c.content_hash};
  slot.history.effective = slot.history.versions.size() - 1;
  slot.history.member_id = c.member_id.str();
  if (!c.billing_tin.empty()) slot.history.billing_tin = c.billing_tin.str();
  // Voids are stored too (their member is interned); only non-voids are evaluated.
  if (c.frequency == Frequency::kVoid) {
    slot.arena_index = -1;
    arena_.members().Intern(c.member_id.str());
  } else {
    slot.arena_index = static_cast<int64_t>(arena_.Add(c));
  }
}

void ReconcileBook::AddMember(Member m) {
  VBP_CHECK(!finished_);
  ++counts_.members.read;
  arena_.members().Intern(m.member_id.str());
  auto [it, inserted] = member_records_.try_emplace(m.member_id.str());
  if (inserted) {
    ++counts_.members.applied;
  } else {
    ++counts_.members.superseded;
  }
  it->second = std::move(m);
}

void ReconcileBook::AddProvider(const Provider& p) {
  VBP_CHECK(!finished_);
  ++counts_.providers.read;
  if (roster_.Upsert(p)) {
    ++counts_.providers.superseded;
  } else {
    ++counts_.providers.applied;
  }
}

void ReconcileBook::AddContract(Contract c) {
  VBP_CHECK(!finished_);
  ++counts_.contracts.read;
  auto [it, inserted] = contract_records_.try_emplace(c.contract_id);
  if (inserted) {
    ++counts_.contracts.applied;
  } else {
    ++counts_.contracts.superseded;
  }
  it->second = std::move(c);
}

const BookContract* ReconcileBook::FindContract(const ContractId& id) const {
  auto f = std::lower_bound(contracts_.begin(), contracts_.end(), id,
                            [](const BookContract& c, const ContractId& k) { return c.id < k; });
  return f != contracts_.end() && f->id == id ? &*f : nullptr;
}

bool ReconcileBook::KnowsMember(std::string_view member_id) const {
  return arena_.members().Find(member_id) >= 0;
}

const ClaimHistory* ReconcileBook::FindClaim(std::string_view claim_id) const {
  auto f = claims_.find(claim_id);
  return f == claims_.end() ? nullptr : &f->second.history;
}

void ReconcileBook::ViewsOf(uint32_t member_index, std::vector<rules::ClaimView>* views) const {
  views->clear();
  for (uint32_t idx : member_claims_[member_index]) views->push_back(arena_.View(idx));
}

rules::EvaluationContext ReconcileBook::ContextOf(const BookContract& c) const {
  const YearPlan& plan = plans_[c.plan];
  return rules::EvaluationContext{plan.year, plan.groups[c.group].params, &plan.units, &roster_,
                                  c.as_of};
}

namespace {

RosterEntry RosterEntryOf(const rules::MemberOutcome& o) {
  RosterEntry e;
  e.member_id = o.member_id;
  e.step = o.step;
  e.decided_by = o.decided_by;
  e.eligible_months = o.eligible_months;
  e.months = o.months;
  e.expenditure = o.ExpenditureTotal();
  e.expenditure_truncated = o.TruncatedTotal();
  e.risk_score = o.risk_score;
  e.pmpm_total = o.pmpm_total;
  return e;
}

}  // namespace

// Contracts resolved as the settlement resolves them, one BookContract per (plan, group,
// contract) with its as-of, sorted by contract_id.
void ReconcileBook::ResolveContracts(const FinishOptions& options) {
  vbp::ResolveContracts(contract_records_, *registry_, nullptr, &resolved_, &contract_rejects_,
                        &counts_.contracts);
  plans_ = BuildYearPlans(resolved_);
  for (const auto& p : plans_) {
    warnings_.insert(warnings_.end(), p.warnings.begin(), p.warnings.end());
  }
  const Date default_as_of = DefaultAsOf(options.as_of, max_paid_, plans_);
  for (size_t p = 0; p < plans_.size(); ++p) {
    for (size_t g = 0; g < plans_[p].groups.size(); ++g) {
      for (const ResolvedContract* rc : plans_[p].groups[g].contracts) {
        BookContract bc;
        bc.resolved = rc;
        bc.id = rc->record.contract_id;
        bc.year = plans_[p].year;
        bc.tins = plans_[p].units.TinsOf(bc.id);
        auto f = options.as_of_by_contract.find(bc.id);
        bc.as_of = f != options.as_of_by_contract.end() ? f->second : default_as_of;
        bc.plan = p;
        bc.group = g;
        contracts_.push_back(std::move(bc));
      }
    }
  }
  std::sort(contracts_.begin(), contracts_.end(),
            [](const BookContract& a, const BookContract& b) { return a.id < b.id; });
}

// Effective non-void claims by member, each member's list ordered by claim_id (the claims_ map
// is ordered, so appending in map order keeps it). Returns the members in member_id order.
std::vector<uint32_t> ReconcileBook::IndexMemberClaims() {
  const Interner& ids = arena_.members();
  member_claims_.assign(ids.size(), {});
  member_histories_.assign(ids.size(), {});
  for (const auto& [claim_id, slot] : claims_) {
    if (slot.history.member_id.empty()) continue;  // only conflicting versions ever arrived
    const int64_t m = ids.Find(slot.history.member_id);
    VBP_CHECK(m >= 0);
    member_histories_[static_cast<size_t>(m)].push_back(&slot.history);
    if (slot.arena_index >= 0) {
      member_claims_[static_cast<size_t>(m)].push_back(static_cast<uint32_t>(slot.arena_index));
    }
  }
  std::vector<uint32_t> order(ids.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&ids](uint32_t a, uint32_t b) { return ids.Get(a) < ids.Get(b); });
  return order;
}

// One evaluation pass (plan, group, as-of) feeds the rosters and aggregates of its contracts.
// Members are split into contiguous slices of the ordered list, one per thread, and merged
// back in order, so the result does not depend on the thread count.
void ReconcileBook::EvaluatePass(const std::vector<size_t>& contracts_of_pass,
                                 const std::vector<uint32_t>& order, size_t threads) {
  const rules::EvaluationContext ctx = ContextOf(contracts_[contracts_of_pass.front()]);
  struct SliceOut {
    std::vector<std::vector<RosterEntry>> rosters;
    std::vector<rules::ContractAggregate> aggregates;
  };
  std::vector<SliceOut> out(threads);
  auto run = [&](size_t t) {
    SliceOut& s = out[t];
    s.rosters.resize(contracts_of_pass.size());
    s.aggregates.resize(contracts_of_pass.size());
    std::vector<rules::ClaimView> views;
    const size_t begin = order.size() * t / threads;
    const size_t end = order.size() * (t + 1) / threads;
    for (size_t i = begin; i < end; ++i) {
      const uint32_t m = order[i];
      ViewsOf(m, &views);
      const std::string& member_id = arena_.members().Get(m);
      auto rec = member_records_.find(member_id);
      const Member* record = rec == member_records_.end() ? nullptr : &rec->second;
      rules::MemberOutcome o = rules::EvaluateMember(MemberId(member_id), record, views, ctx);
      if (!o.contract) continue;
      for (size_t j = 0; j < contracts_of_pass.size(); ++j) {
        if (contracts_[contracts_of_pass[j]].id != *o.contract) continue;
        s.aggregates[j].Apply(o, +1);
        s.rosters[j].push_back(RosterEntryOf(o));
        break;
      }
    }
  };
  if (threads == 1) {
    run(0);
  } else {
    std::vector<std::thread> pool;
    for (size_t t = 0; t < threads; ++t) pool.emplace_back(run, t);
    for (auto& th : pool) th.join();
  }
  for (size_t j = 0; j < contracts_of_pass.size(); ++j) {
    BookContract& c = contracts_[contracts_of_pass[j]];
    for (auto& s : out) {
      c.aggregate.Merge(s.aggregates[j]);
      for (auto& e : s.rosters[j]) c.roster.push_back(std::move(e));
    }
  }
}

Status ReconcileBook::Finish(const FinishOptions& options) {
  VBP_CHECK(!finished_);
  finished_ = true;
  ResolveContracts(options);
  const std::vector<uint32_t> order = IndexMemberClaims();
  // (plan, group, as-of days) -> indexes into contracts_
  using PassKey = std::tuple<size_t, size_t, int32_t>;
  std::map<PassKey, std::vector<size_t>> passes;
  for (size_t k = 0; k < contracts_.size(); ++k) {
    passes[{contracts_[k].plan, contracts_[k].group, contracts_[k].as_of.days()}].push_back(k);
  }
  const size_t threads = static_cast<size_t>(std::max(1, options.threads));
  for (const auto& pass : passes) EvaluatePass(pass.second, order, threads);
  for (BookContract& c : contracts_) {
    const ResolvedContract* rc = c.resolved;
    rules::ContractIdentity id{
        c.id, c.year, rc->rule_set->id(), rc->rule_set->hash(), rc->parameters_hash, c.as_of};
    c.figures = rules::SettleContract(id, c.aggregate, rc->params);
  }
  VBP_CHECK(counts_.Balanced());
  return Status::Ok();
}

MemberExplanation ReconcileBook::Explain(const BookContract& contract,
                                         const MemberId& member) const {
  VBP_CHECK(finished_);
  MemberExplanation e;
  const int64_t m = arena_.members().Find(member.str());
  auto rec = member_records_.find(member.str());
  e.has_record = rec != member_records_.end();
  e.known = m >= 0;
  const rules::EvaluationContext ctx = ContextOf(contract);
  std::vector<rules::ClaimView> views;
  std::lock_guard<std::mutex> lock(explain_mu_);
  if (m >= 0) {
    ViewsOf(static_cast<uint32_t>(m), &views);
    e.claims = member_histories_[static_cast<size_t>(m)];
  }
  e.outcome = rules::EvaluateMember(member, e.has_record ? &rec->second : nullptr, views, ctx,
                                    std::nullopt, &e.trace);
  return e;
}

}  // namespace vbp
