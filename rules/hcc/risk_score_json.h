#pragma once
// The explain form of a risk score: RiskScoreResult as JSON, every figure exact. Decimals are
// strings: the exact decimal when it terminates ("1.14"), else "p/q" ("119113183/120488500").

#include <nlohmann/json.hpp>
#include <string>

#include "rules/hcc/risk_score.h"

namespace vbp::rules::hcc {

// Exact text of a rational: terminating decimal, else "p/q".
std::string ExactText(const Rational& r);

nlohmann::json RiskScoreToJson(const RiskScoreResult& r);

// Risk-model parameters from a rule set or contract: DefaultRiskModelParams(payment_year)
// overridden key by key. Decimals are strings, as everywhere in rule sets:
// {"weights": {"V24": "0.33", "V28": "0.67"}, "normalization": {"V24": "1.153", "V28": "1.045"},
//  "coding_adjustment": "0", "round_decimals": 3 | null, "collection": "prospective" |
//  "concurrent", "collection_period": ["2024-01-01", "2024-12-31"], "cpt_list_year": 2024,
//  "medicaid_dual_status": "full" | "partial"}
// Errors name `origin` and the key; the result is validated (ValidateRiskModelParams).
Result<RiskModelParams> ParseRiskModelParams(const nlohmann::json& j, int payment_year,
                                             const std::string& origin);

}  // namespace vbp::rules::hcc
