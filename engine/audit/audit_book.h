#pragma once
// AuditBook: one consistent snapshot of the effective input (claims after SPEC §2 version
// semantics, members, provider roster, contracts) and evaluations of it under a rule set of
// one's choosing. It is the read model of `vbp explain` and `vbp whatif`: the figures it
// settles run the same rules::EvaluateMember / ContractAggregate / SettleContract as
// BatchSettlement and the streaming engine (tests/audit checks they agree with `vbp settle`),
// and every member outcome it keeps is the calculation's own trail.
//
// Filled from a data directory (the CLI decodes the files) or from a streaming state store
// (`LoadStateRecords`: the claims/members/reference families, i.e. the effective versions).
// Life cycle: Add* in arrival order, then Finish() once; after that it is immutable.
// Pure: no I/O, clock or logging.

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/claim_arena.h"
#include "engine/core/claim_versions.h"
#include "engine/core/contract_plan.h"
#include "engine/core/ports.h"
#include "engine/core/rule_registry.h"
#include "rules/core/member_evaluation.h"
#include "rules/core/settlement.h"

namespace vbp::audit {

class AuditBook {
 public:
  AuditBook();
  ~AuditBook();
  AuditBook(const AuditBook&) = delete;
  AuditBook& operator=(const AuditBook&) = delete;

  // SPEC §2: highest version wins, void removes, duplicates/stale change nothing, a
  // same-version conflict keeps the first. The latest paid_date of applied, duplicate and
  // stale versions is the default as-of (as in BatchSettlement).
  void AddClaim(const Claim& c);
  void AddMember(Member m);
  void AddProvider(const Provider& p);
  void AddContract(Contract c);
  // Indexes claims by member. Call once, after every Add.
  void Finish();

  // Every member id with a record or an effective claim, sorted.
  const std::vector<std::string>& member_ids() const { return member_ids_; }
  const Member* FindMember(std::string_view id) const;
  // The member's effective, non-void claims, by claim_id. Views into the book.
  std::vector<rules::ClaimView> ClaimsOf(std::string_view member_id) const;
  const rules::ProviderRoster& roster() const { return roster_; }
  const std::map<ContractId, Contract>& contracts() const { return contracts_; }
  std::optional<Date> max_paid() const { return max_paid_; }
  int64_t claim_versions_read() const { return claims_read_; }

  // Overrides the as-of default (a state store's own latest paid date: the streaming engine
  // notes paid dates of versions the store no longer holds).
  void set_max_paid(std::optional<Date> d) { max_paid_ = d; }

 private:
  struct Entry {
    uint32_t index = 0;
    ClaimHead head;
    std::string member_id;
  };
  ClaimArena arena_;
  std::map<std::string, Entry, std::less<>> ledger_;
  std::map<std::string, Member, std::less<>> members_;
  std::map<std::string, std::vector<uint32_t>, std::less<>> by_member_;
  std::vector<std::string> member_ids_;
  rules::ProviderRoster roster_;
  std::map<ContractId, Contract> contracts_;
  std::optional<Date> max_paid_;
  int64_t claims_read_ = 0;
  bool finished_ = false;
};

// Reads a streaming state store's effective records (claims, members, providers, contracts)
// into `book` and sets its as-of default to the store's latest paid date (counters). The
// store is only read. Call Finish() afterwards.
Status LoadStateRecords(const StateStore& state, AuditBook* book);

// How one side of an evaluation is set up.
struct SideSpec {
  // Every contract under this rule set instead of its own (what-if); null: its own.
  const rules::RuleSet* force_rule_set = nullptr;
  // Parameter overrides applied over every contract's own `parameters` (what-if --set).
  nlohmann::json overrides = nlohmann::json::object();
  // Claims paid after this day do not count. Default: the book's max_paid, else the end of
  // the latest contract year (as `vbp settle`).
  std::optional<Date> as_of;
  std::string label;  // "A", "B": for progress lines
};

// A contract's result on one side.
struct SideContract {
  const ResolvedContract* contract = nullptr;
  size_t plan = 0;
  size_t group = 0;
  std::vector<Tin> tins;
  rules::ContractAggregate aggregate;
  rules::StatementFigures figures;
};

// One member's outcome for one year: the evaluation in which it was attributed to a contract
// of the evaluating group, else that of the first group (they differ only in member-level
// parameters).
struct MemberYear {
  int year = 0;
  size_t group = 0;
  rules::MemberOutcome outcome;
};

class Evaluation {
 public:
  // Resolves the contracts for `spec`, evaluates every member once per (year, group) and
  // settles every contract. `progress` (may be empty) receives a line now and then.
  static Result<std::unique_ptr<Evaluation>> Run(
      const AuditBook& book, const RuleRegistry& registry, const SideSpec& spec,
      const std::function<void(const std::string&)>& progress = {});
  // Only resolves and plans (explain evaluates single members on demand).
  static Result<std::unique_ptr<Evaluation>> Plan(const AuditBook& book,
                                                  const RuleRegistry& registry,
                                                  const SideSpec& spec);

  Date as_of() const { return as_of_; }
  const std::vector<YearPlan>& plans() const { return plans_; }
  // Usable contracts, sorted by (year, contract_id).
  const std::vector<SideContract>& contracts() const { return contracts_; }
  const SideContract* Find(const ContractId& id) const;
  // Contracts that could not be resolved on this side, with the reason.
  const std::vector<std::pair<ContractId, std::string>>& unresolved() const { return unresolved_; }
  // Member outcomes by (member_id, year), after Run().
  const std::map<std::pair<std::string, int>, MemberYear>& members() const { return members_; }

  // Evaluates one member in one (plan, group), optionally with every line's decision.
  rules::MemberOutcome EvaluateOne(std::string_view member_id, size_t plan, size_t group,
                                   rules::MemberTrace* trace) const;
  // The contract ids of a group.
  std::vector<std::string> GroupContracts(size_t plan, size_t group) const;

 private:
  Evaluation() = default;
  const AuditBook* book_ = nullptr;
  Date as_of_;
  std::vector<std::unique_ptr<ResolvedContract>> resolved_;
  std::vector<YearPlan> plans_;
  std::vector<SideContract> contracts_;
  std::vector<std::pair<ContractId, std::string>> unresolved_;
  std::map<std::pair<std::string, int>, MemberYear> members_;
};

}  // namespace vbp::audit
