#pragma once
// The explain form of quality results as JSON. Rates, points and q are exact strings: the
// exact decimal when it terminates, else "p/q".

#include <nlohmann/json.hpp>

#include "rules/quality/evaluate.h"
#include "rules/quality/scoring.h"

namespace vbp::rules::quality {

nlohmann::json MemberMeasuresToJson(const MemberMeasureResult& r);
nlohmann::json QualityScoreToJson(const QualityScore& q);

}  // namespace vbp::rules::quality
