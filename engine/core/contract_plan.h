#pragma once
// From contract records to an evaluation plan: each contract resolved against its rule set
// (defaults + overrides), grouped by performance year into comparison units (SPEC §3.3), and
// within a year by member-level parameters so that members are evaluated once per distinct
// set of member-level rules.

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/reject.h"
#include "engine/core/rule_registry.h"
#include "rules/core/parameters.h"
#include "rules/core/reference.h"

namespace vbp {

struct ResolvedContract {
  Contract record;
  const rules::RuleSet* rule_set = nullptr;
  rules::Parameters params;
  nlohmann::json merged_parameters;
  std::string parameters_hash;   // "sha256:" of the merged parameters' canonical JSON
  std::string member_level_key;  // rule hash + member-level parameters (grouping key)
  // Set when the rule set documents another performance year than the contract's
  // (rules::RuleSet::YearWarning); BuildYearPlans puts it in the year's warnings, which every
  // verb reports.
  std::optional<std::string> year_warning;
};

// Resolves a contract record; an unknown rule set or a bad parameter is a Reject naming it.
// `force_rule_set`, when set, replaces the contract's own rule_set (what-if runs).
Result<ResolvedContract> ResolveContract(const Contract& c, const RuleRegistry& registry,
                                         const rules::RuleSet* force_rule_set = nullptr);
Reject ContractReject(const Contract& c, const Status& why);

struct EvaluationGroup {
  std::string key;
  const rules::Parameters* params = nullptr;
  std::vector<const ResolvedContract*> contracts;  // sorted by contract_id
  bool Has(const ContractId& id) const;
};

struct YearPlan {
  int year = 0;
  rules::UnitMap units;
  std::vector<EvaluationGroup> groups;  // sorted by key
  // TIN conflicts between contracts, then rule sets documented for another performance year
  // (in contract_id order).
  std::vector<std::string> warnings;
};

// Plans sorted by year. `contracts` must outlive the plans.
std::vector<YearPlan> BuildYearPlans(
    const std::vector<std::unique_ptr<ResolvedContract>>& contracts);

}  // namespace vbp
