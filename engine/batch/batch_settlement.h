#pragma once
// Offline settlement over a complete set of records (`vbp settle`, what-if, tests).
//
// Records are added in arrival order (version semantics and upserts depend on it only for
// same-key conflicts, as SPEC §2 says); Settle() then evaluates every member once per year
// and member-level rule group, on `threads` threads, and settles every contract. Output does
// not depend on thread count or on the order of records with distinct keys.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/reject.h"
#include "engine/core/claim_arena.h"
#include "engine/core/claim_versions.h"
#include "engine/core/contract_plan.h"
#include "engine/core/rule_registry.h"
#include "rules/core/settlement.h"

namespace vbp {

inline constexpr size_t kCodeWarningExamplesMax = 5;

struct SettleOptions {
  // Claims paid after this day do not count. Default: the latest paid_date among the claim
  // records read (the data's own watermark), so a run never depends on the wall clock.
  std::optional<Date> as_of;
  int threads = 2;
  // When set, every contract is evaluated under this rule set instead of its own (what-if).
  const rules::RuleSet* force_rule_set = nullptr;
  // Receives one JSON line per member evaluation, in (year, group, member_id) order.
  std::function<void(std::string_view line)> member_sink;
};

struct ContractResult {
  const ResolvedContract* contract = nullptr;
  rules::ContractAggregate aggregate;
  rules::StatementFigures figures;
  std::vector<Tin> tins;  // the TINs that count for it (after conflicts)
};

struct SettlementResult {
  Date as_of;
  std::vector<ContractResult> contracts;  // sorted by (performance_year, contract_id)
  std::vector<std::string> warnings;
  std::vector<std::string> unknown_npis;  // rendering NPIs on primary-care lines, not on roster
  // Descriptive codes of unexpected shape in the claim records read (SPEC §6), by field, with
  // the first kCodeWarningExamplesMax of each (source and JSON path).
  struct CodeWarningExample {
    SourcePos source;
    std::string path;
    std::string value;
  };
  std::array<int64_t, kCodeFieldCount> code_warnings{};
  std::array<std::vector<CodeWarningExample>, kCodeFieldCount> code_warning_examples;
  int64_t members_evaluated = 0;
  int64_t claim_lines_evaluated = 0;  // lines of effective claims seen by the calculation
};

class BatchSettlement {
 public:
  explicit BatchSettlement(const RuleRegistry* registry);
  ~BatchSettlement();
  BatchSettlement(const BatchSettlement&) = delete;
  BatchSettlement& operator=(const BatchSettlement&) = delete;

  void AddClaim(const Claim& c);
  void AddMember(Member m);
  void AddProvider(const Provider& p);
  void AddContract(Contract c);
  // A record that failed decoding; `kind` is the kind its source implies.
  void AddReject(Reject r, RecordKind kind);

  // Settles every contract. Call once, after all records are added.
  Result<SettlementResult> Settle(const SettleOptions& options);

  const RunCounts& counts() const { return counts_; }
  // Every reject so far (decode failures, same-version conflicts, unusable contracts), in
  // arrival order.
  const std::vector<Reject>& rejects() const { return rejects_; }
  const ClaimArena& arena() const { return arena_; }

 private:
  // Settle's steps (batch_settlement.cc): what one settlement shares between them, and one
  // thread's slice of the members.
  struct Run;
  struct Slice;
  void ResolveContracts(const SettleOptions& options, Run* run);
  void IndexMembers(Run* run) const;
  void EvaluateSlice(const Run& run, Slice* s) const;
  void EvaluatePass(const Run& run, size_t plan, size_t group, Slice* s) const;
  void AddUnevaluatedNotes(const Run& run, std::vector<rules::ContractAggregate>* totals) const;

  const RuleRegistry* registry_;
  ClaimArena arena_;
  ClaimIndex ledger_{&arena_};  // claim_id -> effective version in the arena
  rules::StringMap<Member> members_;
  rules::ProviderRoster roster_;
  std::map<ContractId, Contract> contracts_;
  std::vector<std::unique_ptr<ResolvedContract>> resolved_;
  std::vector<Reject> rejects_;
  // Rejected and superseded claim records by member_id ("" when unreadable): data quality.
  std::map<std::string, rules::RecordNotes, std::less<>> notes_;
  RunCounts counts_;
  std::optional<Date> max_paid_;
  std::array<int64_t, kCodeFieldCount> code_warnings_{};
  std::array<std::vector<SettlementResult::CodeWarningExample>, kCodeFieldCount> code_examples_;
  bool settled_ = false;
};

}  // namespace vbp
