#include "engine/batch/batch_settlement.h"

#include <algorithm>
#include <thread>

#include "engine/core/settlement_setup.h"
#include "engine/core/statement_json.h"

namespace vbp {

BatchSettlement::BatchSettlement(const RuleRegistry* registry) : registry_(registry) {}
BatchSettlement::~BatchSettlement() = default;

void BatchSettlement::AddClaim(const Claim& c) {
  // A claim the arena cannot hold is rejected like a record that failed decoding: read and
  // rejected, no lines counted, the as-of watermark untouched.
  if (auto problem = ClaimArena::Unstorable(c)) {
    AddReject(UnstorableReject(c, std::move(*problem)), RecordKind::kClaim);
    return;
  }
  const uint32_t current_index = ledger_.Find(c.claim_id.str());
  const ClaimHead* current =
      current_index == ClaimArena::kNone ? nullptr : &arena_.head(current_index);
  const VersionDecision decision = DecideVersion(current, c.version, c.content_hash);
  CountClaimVersion(c, decision, current != nullptr, &counts_, &max_paid_);
  ForEachCodeWarning(c, [&](CodeField f, int32_t line, int32_t element, std::string_view value) {
    const auto k = static_cast<size_t>(f);
    ++code_warnings_[k];
    if (code_examples_[k].size() < kCodeWarningExamplesMax) {
      code_examples_[k].push_back(
          {c.source, CodeWarningPath(f, line, element), std::string(value)});
    }
  });
  if (decision == VersionDecision::kApply) {
    if (current != nullptr && arena_.frequency(current_index) != Frequency::kVoid) {
      // The version it replaces is superseded: noted under that version's member and TIN (a
      // void has neither, and is not noted).
      const rules::ClaimView old = arena_.View(current_index);
      NoteClaimVersion(&notes_[arena_.members().Get(arena_.member(current_index))], old.billing_tin,
                       old.from_date.year(), Int128(0), rules::RecordNoteKind::kSuperseded);
    }
    ledger_.Put(arena_.Add(c));
  } else if (decision == VersionDecision::kConflict) {
    NoteClaimVersion(&notes_[c.member_id.str()], c.billing_tin.str(), NoteYear(c), PaidMicros(c),
                     rules::RecordNoteKind::kRejected);
    rejects_.push_back(ConflictReject(c, arena_.source(current_index)));
  } else {
    NoteClaimVersion(&notes_[c.member_id.str()], c.billing_tin.str(), NoteYear(c), Int128(0),
                     rules::RecordNoteKind::kSuperseded);
  }
}

void BatchSettlement::AddMember(Member m) {
  ++counts_.members.read;
  arena_.members().Intern(m.member_id.str());
  auto [it, inserted] = members_.try_emplace(m.member_id.str());
  if (!inserted)
    ++counts_.members.superseded;
  else
    ++counts_.members.applied;
  it->second = std::move(m);
}

void BatchSettlement::AddProvider(const Provider& p) {
  ++counts_.providers.read;
  if (roster_.Upsert(p))
    ++counts_.providers.superseded;
  else
    ++counts_.providers.applied;
}

void BatchSettlement::AddContract(Contract c) {
  ++counts_.contracts.read;
  auto [it, inserted] = contracts_.try_emplace(c.contract_id);
  if (!inserted)
    ++counts_.contracts.superseded;
  else
    ++counts_.contracts.applied;
  it->second = std::move(c);
}

void BatchSettlement::AddReject(Reject r, RecordKind kind) {
  KindCounts& k = counts_.For(kind);
  ++k.read;
  ++k.rejected;
  if (kind == RecordKind::kClaim && r.claim_facts) {
    NoteRejectedClaim(&notes_[r.claim_facts->member_id], *r.claim_facts);
  }
  rejects_.push_back(std::move(r));
}

// What one settlement shares between its steps (read-only once the members are indexed).
struct BatchSettlement::Run {
  // A contract of a (plan, group) pass, in one flat list that indexes the aggregates.
  struct Slot {
    size_t plan;
    size_t group;
    const ResolvedContract* contract;
  };
  std::vector<YearPlan> plans;
  std::vector<Slot> slots;
  Date as_of;
  bool want_lines = false;
  // Effective, non-void claims bucketed by member (counting sort on interned ids), each bucket
  // ordered by claim_id: member m's claims are by_member[bucket_start[m], bucket_start[m+1]).
  std::vector<uint32_t> bucket_start;
  std::vector<uint32_t> by_member;
  std::vector<uint32_t> order;  // interned member ids ordered by member_id

  // The first slot of a pass, and the slot of `id` in it (null for a contract of another
  // group: counted in that group's pass).
  size_t FirstSlot(size_t plan, size_t group) const {
    size_t k = 0;
    while (slots[k].plan != plan || slots[k].group != group) ++k;
    return k;
  }
  std::optional<size_t> SlotOf(size_t first, const ContractId& id) const {
    for (size_t k = first; k < slots.size() && slots[k].plan == slots[first].plan &&
                           slots[k].group == slots[first].group;
         ++k) {
      if (slots[k].contract->record.contract_id == id) return k;
    }
    return std::nullopt;
  }
};

// Per-thread results of evaluating a contiguous slice of the ordered members.
struct BatchSettlement::Slice {
  size_t begin = 0;
  size_t end = 0;
  std::vector<rules::ContractAggregate> aggregates;  // indexed like Run::slots
  std::vector<std::string> pass_lines;  // member JSON lines, one buffer per (plan, group) pass
  std::vector<std::string> unknown_npis;
  int64_t lines = 0;
};

namespace {

// The contracts in result order: by performance year, then contract_id.
void SortContracts(std::vector<ContractResult>* contracts) {
  std::sort(contracts->begin(), contracts->end(),
            [](const ContractResult& a, const ContractResult& b) {
              if (a.figures.performance_year != b.figures.performance_year) {
                return a.figures.performance_year < b.figures.performance_year;
              }
              return a.figures.contract_id < b.figures.contract_id;
            });
}

}  // namespace

// Contracts resolved against their rule sets (unusable ones go to rejects), planned by year
// and group, and flattened into slots.
void BatchSettlement::ResolveContracts(const SettleOptions& options, Run* run) {
  vbp::ResolveContracts(contracts_, *registry_, options.force_rule_set, &resolved_, &rejects_,
                        &counts_.contracts);
  run->plans = BuildYearPlans(resolved_);
  for (size_t p = 0; p < run->plans.size(); ++p) {
    for (size_t g = 0; g < run->plans[p].groups.size(); ++g) {
      for (const auto* c : run->plans[p].groups[g].contracts) run->slots.push_back({p, g, c});
    }
  }
}

void BatchSettlement::IndexMembers(Run* run) const {
  const Interner& ids = arena_.members();
  const size_t member_count = ids.size();
  run->bucket_start.assign(member_count + 1, 0);
  std::vector<uint32_t> effective;
  effective.reserve(ledger_.size());
  ledger_.ForEach([&](uint32_t index) {
    if (arena_.frequency(index) == Frequency::kVoid) return;
    effective.push_back(index);
    ++run->bucket_start[arena_.member(index) + 1];
  });
  std::vector<uint32_t>& start = run->bucket_start;
  for (size_t i = 0; i < member_count; ++i) start[i + 1] += start[i];
  run->by_member.resize(effective.size());
  std::vector<uint32_t> fill(start.begin(), start.end() - 1);
  for (uint32_t idx : effective) run->by_member[fill[arena_.member(idx)]++] = idx;
  for (size_t m = 0; m < member_count; ++m) {
    std::sort(run->by_member.begin() + start[m], run->by_member.begin() + start[m + 1],
              [this](uint32_t a, uint32_t b) { return arena_.claim_id(a) < arena_.claim_id(b); });
  }
  run->order.resize(member_count);
  for (uint32_t i = 0; i < member_count; ++i) run->order[i] = i;
  std::sort(run->order.begin(), run->order.end(),
            [&ids](uint32_t a, uint32_t b) { return ids.Get(a) < ids.Get(b); });
}

// Each (plan, group) pass is a separate sweep so that member lines come out grouped.
void BatchSettlement::EvaluateSlice(const Run& run, Slice* s) const {
  for (size_t p = 0; p < run.plans.size(); ++p) {
    for (size_t g = 0; g < run.plans[p].groups.size(); ++g) EvaluatePass(run, p, g, s);
  }
}

// The slice's members under one group's parameters: their outcomes applied to the group's
// contracts, their data quality to the contracts of their TINs.
void BatchSettlement::EvaluatePass(const Run& run, size_t p, size_t g, Slice* s) const {
  const YearPlan& plan = run.plans[p];
  const EvaluationGroup& group = plan.groups[g];
  const rules::EvaluationContext ctx{plan.year, group.params, &plan.units, &roster_, run.as_of};
  std::vector<std::string> evaluated;
  for (const auto* c : group.contracts) evaluated.push_back(c->record.contract_id.str());
  const size_t first_slot = run.FirstSlot(p, g);
  std::string& lines_out = s->pass_lines.emplace_back();
  std::vector<rules::ClaimView> views;
  for (size_t i = s->begin; i < s->end; ++i) {
    const uint32_t m = run.order[i];
    views.clear();
    for (uint32_t k = run.bucket_start[m]; k < run.bucket_start[m + 1]; ++k) {
      views.push_back(arena_.View(run.by_member[k]));
      if (p == 0 && g == 0) s->lines += static_cast<int64_t>(views.back().lines.size());
    }
    const std::string& member_id = arena_.members().Get(m);
    auto mf = members_.find(member_id);
    const Member* member = mf == members_.end() ? nullptr : &mf->second;
    // Member lines carry the HCC trail and the measure results (no per-line trace).
    rules::MemberTrace trace;
    trace.record_lines = false;
    rules::MemberOutcome out = rules::EvaluateMember(
        MemberId(member_id), member, views, ctx, std::nullopt, run.want_lines ? &trace : nullptr);
    if (out.contract) {
      if (auto k = run.SlotOf(first_slot, *out.contract)) s->aggregates[*k].Apply(out, +1);
    }
    auto nf = notes_.find(member_id);
    for (const auto& [id, dq] : rules::MemberDataQuality(
             out, member, views, nf == notes_.end() ? nullptr : &nf->second, plan.units, roster_)) {
      if (auto k = run.SlotOf(first_slot, id)) s->aggregates[*k].data_quality.Merge(dq, +1);
    }
    s->unknown_npis.insert(s->unknown_npis.end(), out.unknown_npis.begin(), out.unknown_npis.end());
    if (run.want_lines) {
      lines_out += MemberOutcomeJson(out, evaluated, &trace).dump();
      lines_out += '\n';
    }
  }
}

// Records of member ids that have neither a member record nor an effective claim (or no
// readable member_id): they count toward the contracts of their billing TINs only.
void BatchSettlement::AddUnevaluatedNotes(const Run& run,
                                          std::vector<rules::ContractAggregate>* totals) const {
  for (const auto& [member_id, notes] : notes_) {
    if (arena_.members().Find(member_id) >= 0) continue;  // noted with the member's evaluation
    const rules::MemberOutcome none;
    for (size_t p = 0; p < run.plans.size(); ++p) {
      for (const auto& [id, dq] :
           rules::MemberDataQuality(none, nullptr, {}, &notes, run.plans[p].units, roster_)) {
        for (size_t k = 0; k < run.slots.size(); ++k) {
          if (run.slots[k].plan == p && run.slots[k].contract->record.contract_id == id) {
            (*totals)[k].data_quality.Merge(dq, +1);
          }
        }
      }
    }
  }
}

Result<SettlementResult> BatchSettlement::Settle(const SettleOptions& options) {
  VBP_CHECK(!settled_);
  settled_ = true;
  SettlementResult result;
  Run run;
  ResolveContracts(options, &run);
  for (const auto& p : run.plans) {
    result.warnings.insert(result.warnings.end(), p.warnings.begin(), p.warnings.end());
  }
  run.as_of = DefaultAsOf(options.as_of, max_paid_, run.plans);
  result.as_of = run.as_of;
  run.want_lines = static_cast<bool>(options.member_sink);
  IndexMembers(&run);

  // Members evaluated on `threads` threads over contiguous slices of the order.
  const size_t member_count = run.order.size();
  std::vector<Slice> slices(static_cast<size_t>(std::max(1, options.threads)));
  for (size_t t = 0; t < slices.size(); ++t) {
    slices[t].begin = member_count * t / slices.size();
    slices[t].end = member_count * (t + 1) / slices.size();
    slices[t].aggregates.resize(run.slots.size());
  }
  if (slices.size() == 1) {
    EvaluateSlice(run, &slices[0]);
  } else {
    std::vector<std::thread> pool;
    for (auto& s : slices) pool.emplace_back([this, &run, &s] { EvaluateSlice(run, &s); });
    for (auto& t : pool) t.join();
  }
  // Member lines in (plan, group, member_id) order: pass by pass, slice by slice.
  if (run.want_lines) {
    for (size_t k = 0; k < slices[0].pass_lines.size(); ++k) {
      for (const auto& s : slices) options.member_sink(s.pass_lines[k]);
    }
  }

  // Contract figures from the summed aggregates.
  std::vector<rules::ContractAggregate> totals(run.slots.size());
  for (const auto& s : slices) {
    for (size_t k = 0; k < run.slots.size(); ++k) totals[k].Merge(s.aggregates[k]);
    result.unknown_npis.insert(result.unknown_npis.end(), s.unknown_npis.begin(),
                               s.unknown_npis.end());
    result.claim_lines_evaluated += s.lines;
  }
  AddUnevaluatedNotes(run, &totals);
  result.code_warnings = code_warnings_;
  result.code_warning_examples = code_examples_;
  std::sort(result.unknown_npis.begin(), result.unknown_npis.end());
  result.unknown_npis.erase(std::unique(result.unknown_npis.begin(), result.unknown_npis.end()),
                            result.unknown_npis.end());
  result.members_evaluated = static_cast<int64_t>(member_count);
  for (size_t k = 0; k < run.slots.size(); ++k) {
    const ResolvedContract* c = run.slots[k].contract;
    ContractResult cr;
    cr.contract = c;
    cr.aggregate = totals[k];
    cr.tins = run.plans[run.slots[k].plan].units.TinsOf(c->record.contract_id);
    rules::ContractIdentity id{c->record.contract_id, c->record.performance_year, c->rule_set->id(),
                               c->rule_set->hash(),   c->parameters_hash,         run.as_of};
    cr.figures = rules::SettleContract(id, cr.aggregate, c->params);
    result.contracts.push_back(std::move(cr));
  }
  SortContracts(&result.contracts);
  VBP_CHECK(counts_.Balanced());
  return result;
}

}  // namespace vbp
