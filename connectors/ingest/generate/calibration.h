#pragma once
// Contract design and benchmark calibration.
//
// Each contract has a role (clearly above its MSR, savings below its MSR, two-sided with
// shared losses) and a target savings rate drawn from the seed. Its fixed terms (MSR, MLR,
// sharing and quality, PMPM fee tiers) are chosen up front; after every member has been
// generated, the benchmark is set from the expected expenditure of the members the
// methodology attributes to the contract:
//
//   baseline_risk[type] = the attributed members' mean PY risk score of the type (4 decimals),
//                         so that the risk ratio is ~1;
//   benchmark_pbpy[type] = s × base[type], where base[type] is the expected truncated spend
//                         per person-year of the type over all contracts (the structure by
//                         type) and s makes benchmark_total = expenditure / (1 - target).
//
// The statement the reference methodology would produce from these figures is computed
// with rules::SettleContract and reported as the contract's expected outcome.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "connectors/ingest/generate/expected_outcome.h"
#include "rules/core/parameters.h"

namespace vbp::generate {

struct PmpmTierCents {
  int32_t min_risk_e4 = 0;
  int64_t pmpm_cents = 0;
};

struct ContractTerms {
  std::vector<PmpmTierCents> pmpm_tiers;  // increasing min_risk_e4, first at 0
  int64_t pmpm_unscored_cents = 0;
  // Fixed overrides, as JSON text fragments in key order ("\"msr\":\"0.02\"", ...).
  std::vector<std::pair<std::string, std::string>> fixed;
  int64_t PmpmFor(int32_t risk_e4) const;
};

// The fixed terms of each contract of `w` (by role).
std::vector<ContractTerms> DesignTerms(const World& w);

struct CalibratedContract {
  std::string record;               // the contracts.ndjson line
  nlohmann::ordered_json manifest;  // design target and expected statement figures
};

// Sets each contract's benchmark from the tallies and writes its record. `rule_set` is the
// rule set the contracts name; every record's parameters are resolved against it (a failure
// is a defect here and returned as an Internal status).
Result<std::vector<CalibratedContract>> CalibrateContracts(
    const World& w, const std::vector<ContractTerms>& terms,
    const std::vector<ContractTally>& tallies, const ExpectationRules& rules,
    const rules::RuleSet& rule_set);

}  // namespace vbp::generate
