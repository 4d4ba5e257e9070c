#include "engine/audit/audit_book.h"

#include <algorithm>

#include "engine/core/settlement_setup.h"
#include "engine/state/binary_codec.h"
#include "engine/state/state_keys.h"

namespace vbp::audit {

AuditBook::AuditBook() = default;
AuditBook::~AuditBook() = default;

void AuditBook::AddClaim(const Claim& c) {
  VBP_CHECK(!finished_);
  // The engine rejected it (StreamingEngine::ApplyInput): no effect, as-of untouched.
  if (ClaimArena::Unstorable(c)) return;
  ++claims_read_;
  auto f = ledger_.find(c.claim_id.str());
  const ClaimHead* current = f == ledger_.end() ? nullptr : &f->second.head;
  const VersionDecision d = DecideVersion(current, c.version, c.content_hash);
  if (d == VersionDecision::kConflict) return;
  if (!max_paid_ || c.paid_date > *max_paid_) max_paid_ = c.paid_date;
  if (d != VersionDecision::kApply) return;
  Entry e{arena_.Add(c), {c.version, c.frequency, c.content_hash}, c.member_id.str()};
  if (f == ledger_.end()) {
    ledger_.emplace(c.claim_id.str(), std::move(e));
  } else {
    f->second = std::move(e);
  }
}

void AuditBook::AddMember(Member m) {
  VBP_CHECK(!finished_);
  std::string id = m.member_id.str();
  members_.insert_or_assign(std::move(id), std::move(m));
}

void AuditBook::AddProvider(const Provider& p) {
  VBP_CHECK(!finished_);
  roster_.Upsert(p);
}

void AuditBook::AddContract(Contract c) {
  VBP_CHECK(!finished_);
  ContractId id = c.contract_id;
  contracts_.insert_or_assign(std::move(id), std::move(c));
}

void AuditBook::Finish() {
  VBP_CHECK(!finished_);
  finished_ = true;
  // The ledger iterates by claim_id, so each member's list is in claim_id order.
  for (const auto& [claim_id, e] : ledger_) {
    if (e.head.frequency == Frequency::kVoid) continue;
    by_member_[e.member_id].push_back(e.index);
  }
  for (const auto& [id, m] : members_) member_ids_.push_back(id);
  for (const auto& [id, list] : by_member_) {
    if (!members_.count(id)) member_ids_.push_back(id);
  }
  std::sort(member_ids_.begin(), member_ids_.end());
}

const Member* AuditBook::FindMember(std::string_view id) const {
  auto f = members_.find(id);
  return f == members_.end() ? nullptr : &f->second;
}

std::vector<rules::ClaimView> AuditBook::ClaimsOf(std::string_view member_id) const {
  VBP_CHECK(finished_);
  std::vector<rules::ClaimView> out;
  auto f = by_member_.find(member_id);
  if (f == by_member_.end()) return out;
  out.reserve(f->second.size());
  for (uint32_t i : f->second) out.push_back(arena_.View(i));
  return out;
}

Status LoadStateRecords(const StateStore& state, AuditBook* book) {
  Status err;
  auto fail = [&err](const Status& st) {
    err = st;
    return false;
  };
  VBP_RETURN_IF_ERROR(state.Scan(Space::kMembers, "", [&](std::string_view, std::string_view v) {
    auto m = binary::DecodeMember(v);
    if (!m.ok()) return fail(m.status());
    book->AddMember(std::move(m).value());
    return true;
  }));
  VBP_RETURN_IF_ERROR(err);
  std::vector<Contract> contracts;
  VBP_RETURN_IF_ERROR(binary::ScanReference(
      state, [&](Provider p) { book->AddProvider(p); },
      [&](Contract c) { contracts.push_back(std::move(c)); }));
  for (auto& c : contracts) book->AddContract(std::move(c));
  VBP_RETURN_IF_ERROR(state.Scan(Space::kClaims, "", [&](std::string_view, std::string_view v) {
    auto c = binary::DecodeClaim(v);
    if (!c.ok()) return fail(c.status());
    book->AddClaim(*c);
    return true;
  }));
  VBP_RETURN_IF_ERROR(err);
  // The engine's counters hold each partition's latest paid date of every version it read.
  std::optional<Date> max_paid;
  VBP_RETURN_IF_ERROR(state.Scan(Space::kCounters, "", [&](std::string_view k, std::string_view v) {
    if (k == state_keys::kReferenceCounters) return true;
    RunCounts unused;
    std::optional<Date> d;
    if (!binary::DecodeCounts(v, &unused, &d)) {
      return fail(Status::DataLoss("counters: corrupt value"));
    }
    if (d && (!max_paid || *d > *max_paid)) max_paid = d;
    return true;
  }));
  VBP_RETURN_IF_ERROR(err);
  if (max_paid) book->set_max_paid(max_paid);
  return Status::Ok();
}

Result<std::unique_ptr<Evaluation>> Evaluation::Plan(const AuditBook& book,
                                                     const RuleRegistry& registry,
                                                     const SideSpec& spec) {
  std::unique_ptr<Evaluation> ev(new Evaluation());
  ev->book_ = &book;
  for (const auto& [id, record] : book.contracts()) {
    Contract c = record;
    if (!spec.overrides.empty()) {
      auto params = nlohmann::json::parse(
          c.parameters_json.empty() ? std::string("{}") : c.parameters_json, nullptr, false);
      if (params.is_discarded() || !params.is_object()) params = nlohmann::json::object();
      for (auto it = spec.overrides.begin(); it != spec.overrides.end(); ++it) {
        params[it.key()] = it.value();
      }
      c.parameters_json = params.dump();
    }
    auto rc = ResolveContract(c, registry, spec.force_rule_set);
    if (!rc.ok()) {
      ev->unresolved_.push_back({id, rc.status().message()});
      continue;
    }
    ev->resolved_.push_back(std::make_unique<ResolvedContract>(std::move(rc).value()));
  }
  ev->plans_ = BuildYearPlans(ev->resolved_);
  ev->as_of_ = DefaultAsOf(spec.as_of, book.max_paid(), ev->plans_);
  for (size_t p = 0; p < ev->plans_.size(); ++p) {
    for (size_t g = 0; g < ev->plans_[p].groups.size(); ++g) {
      for (const ResolvedContract* c : ev->plans_[p].groups[g].contracts) {
        SideContract sc;
        sc.contract = c;
        sc.plan = p;
        sc.group = g;
        sc.tins = ev->plans_[p].units.TinsOf(c->record.contract_id);
        ev->contracts_.push_back(std::move(sc));
      }
    }
  }
  std::sort(ev->contracts_.begin(), ev->contracts_.end(),
            [](const SideContract& a, const SideContract& b) {
              if (a.contract->record.performance_year != b.contract->record.performance_year) {
                return a.contract->record.performance_year < b.contract->record.performance_year;
              }
              return a.contract->record.contract_id < b.contract->record.contract_id;
            });
  return ev;
}

Result<std::unique_ptr<Evaluation>> Evaluation::Run(
    const AuditBook& book, const RuleRegistry& registry, const SideSpec& spec,
    const std::function<void(const std::string&)>& progress) {
  auto planned = Plan(book, registry, spec);
  if (!planned.ok()) return planned.status();
  std::unique_ptr<Evaluation> ev = std::move(planned).value();
  // contracts_ position of each (plan, group, contract).
  std::map<std::pair<int, std::string>, size_t> slot;
  for (size_t i = 0; i < ev->contracts_.size(); ++i) {
    const auto& c = ev->contracts_[i].contract->record;
    slot[{c.performance_year, c.contract_id.str()}] = i;
  }
  const auto& ids = book.member_ids();
  int last_pct = -1;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string& id = ids[i];
    const std::vector<rules::ClaimView> views = book.ClaimsOf(id);
    const Member* record = book.FindMember(id);
    for (size_t p = 0; p < ev->plans_.size(); ++p) {
      const YearPlan& plan = ev->plans_[p];
      for (size_t g = 0; g < plan.groups.size(); ++g) {
        const EvaluationGroup& group = plan.groups[g];
        rules::EvaluationContext ctx{plan.year, group.params, &plan.units, &book.roster(),
                                     ev->as_of_};
        rules::MemberOutcome out = rules::EvaluateMember(MemberId(id), record, views, ctx);
        const bool counts = out.contract && group.Has(*out.contract);
        if (counts) {
          ev->contracts_[slot.at({plan.year, out.contract->str()})].aggregate.Apply(out, +1);
        }
        auto key = std::make_pair(id, plan.year);
        auto f = ev->members_.find(key);
        if (f == ev->members_.end()) {
          ev->members_.emplace(key, MemberYear{plan.year, g, std::move(out)});
        } else if (counts) {
          f->second = MemberYear{plan.year, g, std::move(out)};
        }
      }
    }
    const int pct = static_cast<int>((i + 1) * 100 / ids.size());
    if (progress && pct / 5 != last_pct / 5) {
      progress("side " + spec.label + ": evaluated " + std::to_string(i + 1) + "/" +
               std::to_string(ids.size()) + " members (" + std::to_string(pct) + "%)");
      last_pct = pct;
    }
  }
  for (SideContract& sc : ev->contracts_) {
    const ResolvedContract* c = sc.contract;
    rules::ContractIdentity identity{c->record.contract_id, c->record.performance_year,
                                     c->rule_set->id(),     c->rule_set->hash(),
                                     c->parameters_hash,    ev->as_of_};
    sc.figures = rules::SettleContract(identity, sc.aggregate, c->params);
  }
  return ev;
}

const SideContract* Evaluation::Find(const ContractId& id) const {
  for (const auto& c : contracts_) {
    if (c.contract->record.contract_id == id) return &c;
  }
  return nullptr;
}

rules::MemberOutcome Evaluation::EvaluateOne(std::string_view member_id, size_t plan, size_t group,
                                             rules::MemberTrace* trace) const {
  const YearPlan& p = plans_.at(plan);
  const EvaluationGroup& g = p.groups.at(group);
  rules::EvaluationContext ctx{p.year, g.params, &p.units, &book_->roster(), as_of_};
  const std::vector<rules::ClaimView> views = book_->ClaimsOf(member_id);
  return rules::EvaluateMember(MemberId(std::string(member_id)), book_->FindMember(member_id),
                               views, ctx, std::nullopt, trace);
}

std::vector<std::string> Evaluation::GroupContracts(size_t plan, size_t group) const {
  std::vector<std::string> out;
  for (const auto* c : plans_.at(plan).groups.at(group).contracts) {
    out.push_back(c->record.contract_id.str());
  }
  return out;
}

}  // namespace vbp::audit
