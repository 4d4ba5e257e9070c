#pragma once
// What every batch evaluation of a snapshot does before members are evaluated (vbp settle,
// reconcile, explain and what-if): resolve the contract records and choose the as-of. One
// place, so that the paths cannot drift apart.

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "domain/date.h"
#include "domain/records.h"
#include "domain/reject.h"
#include "engine/core/claim_versions.h"
#include "engine/core/contract_plan.h"
#include "engine/core/rule_registry.h"

namespace vbp {

// Resolves every contract record against its rule set (or `force`, when set). The usable ones
// are appended to `resolved`; each unusable one becomes a reject and moves from applied to
// rejected in `counts`.
void ResolveContracts(const std::map<ContractId, Contract>& records, const RuleRegistry& registry,
                      const rules::RuleSet* force,
                      std::vector<std::unique_ptr<ResolvedContract>>* resolved,
                      std::vector<Reject>* rejects, KindCounts* counts);

// The as-of of a settlement (rules/README.md): the flag, else the data's watermark (the latest
// paid date among the claim records read), else the last day of the latest planned year.
Date DefaultAsOf(const std::optional<Date>& flag, const std::optional<Date>& max_paid,
                 const std::vector<YearPlan>& plans);

}  // namespace vbp
