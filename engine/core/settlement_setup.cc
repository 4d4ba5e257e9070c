#include "engine/core/settlement_setup.h"

namespace vbp {

void ResolveContracts(const std::map<ContractId, Contract>& records, const RuleRegistry& registry,
                      const rules::RuleSet* force,
                      std::vector<std::unique_ptr<ResolvedContract>>* resolved,
                      std::vector<Reject>* rejects, KindCounts* counts) {
  for (const auto& [id, c] : records) {
    auto rc = ResolveContract(c, registry, force);
    if (!rc.ok()) {
      --counts->applied;
      ++counts->rejected;
      rejects->push_back(ContractReject(c, rc.status()));
      continue;
    }
    resolved->push_back(std::make_unique<ResolvedContract>(std::move(rc).value()));
  }
}

Date DefaultAsOf(const std::optional<Date>& flag, const std::optional<Date>& max_paid,
                 const std::vector<YearPlan>& plans) {
  if (flag) return *flag;
  if (max_paid) return *max_paid;
  return Date::LastOfYear(plans.empty() ? 2000 : plans.back().year);
}

}  // namespace vbp
