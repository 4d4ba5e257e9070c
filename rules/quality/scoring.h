#pragma once
// Contract quality score (SPEC §3.7, §3.10): per-measure rates from the contract's tallies,
// points from configurable benchmark steps, and a weighted composite q in [0, 1]. Pure and
// exact: rates and q are Rationals; nothing is rounded here.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/decimal.h"
#include "domain/status.h"
#include "rules/quality/evaluate.h"

namespace vbp::rules::quality {

// A rate at or beyond `threshold` earns `points` (the best step reached counts).
struct BenchmarkStep {
  Rational threshold;
  Rational points;
};

struct MeasureScoring {
  Rational weight = 1;
  // Higher rates are better unless set (inverse measures: HbA1c poor control, readmissions):
  // then a rate at or below a step's threshold earns its points.
  bool lower_is_better = false;
  std::vector<BenchmarkStep> steps;
};

struct ScoringParams {
  // Measures scored; a measure with a tally but no entry here is reported, not scored.
  std::map<std::string, MeasureScoring> measures;
  // A measure whose eligible count (denominator − exclusions) is below this is not scored and
  // leaves the composite (its weight is not counted).
  int64_t min_denominator = 20;
  Rational max_points = 10;
  // q when no measure can be scored; nullopt: no q (the contract uses its quality_score
  // parameter instead).
  std::optional<Rational> q_when_none_scored;
};

// Decile benchmarks: thresholds t1..t10 (the 10th, 20th, ..., 100th percentile of the
// reference distribution, ascending for higher-is-better, descending for lower-is-better)
// earning 1..10 points.
MeasureScoring DecileScoring(std::vector<Rational> thresholds, bool lower_is_better,
                             Rational weight = 1);

struct MeasureScore {
  std::string measure_id;
  MeasureTally tally;
  std::optional<Rational> rate;
  bool scored = false;
  std::string reason;  // why not scored, or which step was reached
  Rational points;
  Rational weight;
};

struct QualityScore {
  std::vector<MeasureScore> measures;  // in measure id order
  std::optional<Rational> q;           // Σ weight × points / max_points ÷ Σ weight (scored)
  Rational scored_weight;
  int32_t scored_measures = 0;
};

Status ValidateScoringParams(const ScoringParams& p);

// Scores a contract from its per-measure tallies (the sum of its members' tallies).
QualityScore ScoreContract(const std::map<std::string, MeasureTally>& tallies,
                           const ScoringParams& params);

// Parses scoring parameters from JSON (decimals as strings, as everywhere in rule sets):
// {"min_denominator": 20, "max_points": "10", "q_when_none_scored": "1",
//  "measures": {"BCS": {"weight": "1", "lower_is_better": false,
//                       "steps": [["0.50", "1"], ["0.55", "2"], ...]}}}
// `origin` names the document in errors.
Result<ScoringParams> ParseScoringParams(const nlohmann::json& j, const std::string& origin);

}  // namespace vbp::rules::quality
