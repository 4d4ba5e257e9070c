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

}  // namespace vbp::rules::hcc
