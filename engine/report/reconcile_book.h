#pragma once
// ReconcileBook: the read model behind the provider-facing verbs (`vbp serve`, `vbp
// reconcile`). It holds one consistent snapshot of the input — every claim version received
// (with the SPEC §2 decision taken on it), members, the provider roster and contracts — and
// evaluates members with the same rules::EvaluateMember the settlement runs, so a roster or an
// explanation is the calculation's own trail, never a re-implementation of it.
//
// Life cycle: Add* in arrival order (claims: version semantics depend on it for same-key
// conflicts, exactly as in BatchSettlement), then Finish() once; after that the book is
// immutable and every const method may be called from any thread.
//
// Pure: no I/O, clock or logging (loaders in connectors/api fill it).

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/reject.h"
#include "engine/core/claim_arena.h"
#include "engine/core/claim_versions.h"
#include "engine/core/contract_plan.h"
#include "engine/core/rule_registry.h"
#include "rules/core/member_evaluation.h"
#include "rules/core/settlement.h"

namespace vbp {

// One received version of a claim, summarised (the lines of the effective version are kept
// in the book's arena, those of earlier versions only as totals).
struct ClaimVersionSummary {
  int64_t version = 0;
  Frequency frequency = Frequency::kOriginal;
  std::optional<Date> paid_date;  // absent on a void that does not carry one
  Money paid;                     // Σ line paid
  int32_t lines = 0;
  SourcePos source;
  VersionDecision decision = VersionDecision::kApply;
};

// Every version received for one claim_id, in arrival order.
struct ClaimHistory {
  std::string claim_id;
  std::string member_id;    // of the effective version
  std::string billing_tin;  // of the latest applied version that names one (a void may not)
  std::vector<ClaimVersionSummary> versions;
  size_t effective = 0;  // index of the effective version in `versions`
  const ClaimVersionSummary& Effective() const { return versions[effective]; }
};

// One attributed member of a contract (a roster line).
struct RosterEntry {
  MemberId member_id;
  rules::AttributionStep step = rules::AttributionStep::kNone;
  std::string decided_by;
  int32_t eligible_months = 0;
  PerEnrollmentType<int32_t> months{};
  Money expenditure;               // paid, eligible months, by the cutoff (before truncation)
  Rational expenditure_truncated;  // SPEC §3.4, exact
  std::optional<Rational> risk_score;
  Money pmpm_total;
};

// A contract the book can evaluate (its record resolved against its rule set).
struct BookContract {
  const ResolvedContract* resolved = nullptr;
  ContractId id;
  int year = 0;
  std::vector<Tin> tins;  // the TINs that count for it this year (after conflicts)
  Date as_of;
  size_t plan = 0;                  // index into the book's year plans
  size_t group = 0;                 // index into that plan's evaluation groups
  std::vector<RosterEntry> roster;  // attributed members, by member_id
  rules::ContractAggregate aggregate;
  rules::StatementFigures figures;  // as `vbp settle` computes them for this snapshot
};

// One member evaluated for one contract's year, with every line's decision.
struct MemberExplanation {
  bool known = false;       // a member record or at least one claim version exists
  bool has_record = false;  // a member record exists
  rules::MemberOutcome outcome;
  rules::MemberTrace trace;
  std::vector<const ClaimHistory*> claims;  // every claim of the member (voids too), by id
};

class ReconcileBook {
 public:
  explicit ReconcileBook(const RuleRegistry* registry);
  ~ReconcileBook();
  ReconcileBook(const ReconcileBook&) = delete;
  ReconcileBook& operator=(const ReconcileBook&) = delete;

  void AddClaim(const Claim& c);
  void AddMember(Member m);
  void AddProvider(const Provider& p);
  void AddContract(Contract c);

  struct FinishOptions {
    // As-of of every contract. Default: the latest paid_date among the claim records read
    // (applied, duplicate and stale versions), else the end of the latest contract year —
    // the rule `vbp settle` uses.
    std::optional<Date> as_of;
    // Per contract (state directories: the as-of of its latest published revision); wins
    // over `as_of` for the contracts it names.
    std::map<ContractId, Date> as_of_by_contract;
    int threads = 2;
  };
  // Resolves contracts, evaluates every member once per (year, evaluation group, as-of) and
  // builds every contract's roster, aggregate and figures. Call once.
  Status Finish(const FinishOptions& options);

  // Usable contracts, sorted by contract_id.
  const std::vector<BookContract>& contracts() const { return contracts_; }
  const BookContract* FindContract(const ContractId& id) const;
  // Contracts that could not be resolved (unknown rule set, bad parameter).
  const std::vector<Reject>& contract_rejects() const { return contract_rejects_; }
  const std::vector<std::string>& warnings() const { return warnings_; }

  // True when the member has a record or any claim version.
  bool KnowsMember(std::string_view member_id) const;
  const ClaimHistory* FindClaim(std::string_view claim_id) const;
  // The member evaluated for the contract's year under its rules and as-of, with a trace.
  // Thread-safe (serialised: the arena's views are not safe to build concurrently).
  MemberExplanation Explain(const BookContract& contract, const MemberId& member) const;

  const RunCounts& counts() const { return counts_; }
  int64_t members() const { return static_cast<int64_t>(arena_.members().size()); }

 private:
  struct ClaimSlot {
    ClaimHistory history;
    ClaimHead head;
    int64_t arena_index = -1;  // effective version's lines; -1 for a void
  };
  // The member's effective non-void claims as views, ordered by claim_id.
  void ViewsOf(uint32_t member_index, std::vector<rules::ClaimView>* views) const;
  rules::EvaluationContext ContextOf(const BookContract& c) const;
  // Finish's steps (reconcile_book.cc).
  void ResolveContracts(const FinishOptions& options);
  std::vector<uint32_t> IndexMemberClaims();
  void EvaluatePass(const std::vector<size_t>& contracts_of_pass,
                    const std::vector<uint32_t>& order, size_t threads);

  const RuleRegistry* registry_;
  ClaimArena arena_;
  std::map<std::string, ClaimSlot, std::less<>> claims_;
  std::map<std::string, Member, std::less<>> member_records_;
  rules::ProviderRoster roster_;
  std::map<ContractId, Contract> contract_records_;
  std::vector<std::unique_ptr<ResolvedContract>> resolved_;
  std::vector<YearPlan> plans_;
  std::vector<BookContract> contracts_;
  std::vector<Reject> contract_rejects_;
  std::vector<std::string> warnings_;
  // Per interned member: its effective non-void claims (arena indexes), by claim_id.
  std::vector<std::vector<uint32_t>> member_claims_;
  std::vector<std::vector<const ClaimHistory*>> member_histories_;
  RunCounts counts_;
  std::optional<Date> max_paid_;
  bool finished_ = false;
  mutable std::mutex explain_mu_;
};

}  // namespace vbp
