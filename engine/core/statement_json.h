#pragma once
// JSON encodings of what the engine writes: statements (SPEC §4, schemas/statement.schema.json),
// member detail lines, reject lines and run summaries. Field order is fixed and every number
// is a decimal string, so equal figures give equal bytes.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/reject.h"
#include "engine/core/claim_versions.h"
#include "rules/core/member_evaluation.h"
#include "rules/core/settlement.h"

namespace vbp {

inline constexpr int kRateDecimals = 10;

// Money rounded half-to-even to cents ("1234.50"); rates and person-years with 10 decimals.
std::string MoneyText(const Rational& exact);
std::string RateText(const Rational& exact);

// SPEC §6, the statement's `data_quality` block (schemas/statement.schema.json).
nlohmann::ordered_json DataQualityJson(const rules::DataQualityTally& q);
nlohmann::ordered_json StatementJson(const rules::StatementFigures& s, int64_t revision,
                                     const std::vector<Tin>& tins);

// One member's evaluation for one performance year and evaluation group; with a trace, also
// `risk_score_trail` (when the rules computed the score) and `quality_measures` (when the
// contracts score quality from the measures), in the form `vbp explain --member` shows.
nlohmann::ordered_json MemberOutcomeJson(const rules::MemberOutcome& m,
                                         const std::vector<std::string>& contracts_evaluated,
                                         const rules::MemberTrace* trace = nullptr);

nlohmann::ordered_json RejectJson(const Reject& r);

nlohmann::ordered_json CountsJson(const RunCounts& c);

}  // namespace vbp
