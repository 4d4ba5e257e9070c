// Contract quality score from tallies, benchmark steps, weights and the minimum denominator;
// expected points and q computed by hand.

#include "rules/quality/scoring.h"

#include <gtest/gtest.h>

#include "rules/quality/quality_json.h"

namespace vbp::rules::quality {
namespace {

Rational Dec(const char* s) { return ParseExactDecimal(s).value(); }

std::vector<Rational> Decs(std::initializer_list<const char*> v) {
  std::vector<Rational> out;
  for (const char* s : v) out.push_back(Dec(s));
  return out;
}

ScoringParams Params() {
  ScoringParams p;
  p.min_denominator = 20;
  p.max_points = 10;
  p.measures["BCS"] = DecileScoring(
      Decs({"0.30", "0.40", "0.50", "0.55", "0.60", "0.65", "0.70", "0.75", "0.80", "0.85"}),
      /*lower_is_better=*/false);
  p.measures["HBA1C_POOR"] = DecileScoring(
      Decs({"0.60", "0.50", "0.45", "0.40", "0.35", "0.30", "0.25", "0.20", "0.15", "0.10"}),
      /*lower_is_better=*/true);
  p.measures["COL"] = DecileScoring(
      Decs({"0.30", "0.40", "0.50", "0.55", "0.60", "0.65", "0.70", "0.75", "0.80", "0.85"}), false,
      Rational(2));
  p.measures["READM30"] = DecileScoring(
      Decs({"0.30", "0.25", "0.22", "0.20", "0.18", "0.16", "0.14", "0.12", "0.10", "0.08"}), true);
  return p;
}

const MeasureScore& Score(const QualityScore& q, const std::string& id) {
  for (const MeasureScore& m : q.measures) {
    if (m.measure_id == id) return m;
  }
  ADD_FAILURE() << id;
  return q.measures.front();
}

TEST(QualityScoringTest, WeightedCompositeOfScoredMeasures) {
  std::map<std::string, MeasureTally> t;
  t["BCS"] = {30, 2, 21};        // 21/28 = 0.75 → reaches 0.75, the 8th step: 8 points
  t["HBA1C_POOR"] = {25, 0, 5};  // 5/25 = 0.20 <= 0.20, the 8th step: 8 points
  t["COL"] = {40, 0, 10};        // 10/40 = 0.25 < 0.30: 0 points, weight 2
  t["READM30"] = {10, 1, 2};     // 9 eligible < 20: not scored
  t["CBP"] = {50, 0, 30};        // no scoring parameters: reported only
  QualityScore q = ScoreContract(t, Params());
  EXPECT_EQ(Score(q, "BCS").rate, Rational(3, 4));
  EXPECT_EQ(Score(q, "BCS").points, Rational(8));
  EXPECT_EQ(Score(q, "HBA1C_POOR").points, Rational(8));
  EXPECT_EQ(Score(q, "COL").points, Rational(0));
  EXPECT_TRUE(Score(q, "COL").scored);
  EXPECT_FALSE(Score(q, "READM30").scored);
  EXPECT_EQ(Score(q, "READM30").rate, Rational(2, 9));  // reported even when not scored
  EXPECT_FALSE(Score(q, "CBP").scored);
  EXPECT_EQ(q.scored_measures, 3);
  // q = (1 × 8/10 + 1 × 8/10 + 2 × 0/10) / (1 + 1 + 2) = 1.6 / 4 = 0.4
  EXPECT_EQ(q.scored_weight, Rational(4));
  EXPECT_EQ(q.q, Dec("0.4"));
  nlohmann::json j = QualityScoreToJson(q);
  EXPECT_EQ(j["q"], "0.4");
  EXPECT_EQ(j["measures"][4]["measure_id"], "READM30");
  EXPECT_EQ(j["measures"][4]["tally"]["rate"], "2/9");
}

TEST(QualityScoringTest, StepBoundariesAreInclusive) {
  ScoringParams p = Params();
  p.min_denominator = 1;
  std::map<std::string, MeasureTally> t;
  t["BCS"] = {20, 0, 17};  // 0.85: the top step, 10 points → q = 1
  EXPECT_EQ(ScoreContract(t, p).q, Rational(1));
  t["BCS"] = {100, 0, 29};  // 0.29 below the first step → q = 0
  EXPECT_EQ(ScoreContract(t, p).q, Rational(0));
  t.clear();
  t["READM30"] = {100, 0, 8};  // 0.08 <= 0.08: 10 points
  EXPECT_EQ(ScoreContract(t, p).q, Rational(1));
  t["READM30"] = {100, 0, 31};  // 0.31 > 0.30: 0 points
  EXPECT_EQ(ScoreContract(t, p).q, Rational(0));
}

TEST(QualityScoringTest, NothingScoredFallsBackToTheParameter) {
  std::map<std::string, MeasureTally> t;
  t["BCS"] = {5, 0, 5};
  ScoringParams p = Params();
  EXPECT_FALSE(ScoreContract(t, p).q.has_value());
  p.q_when_none_scored = Rational(1);
  EXPECT_EQ(ScoreContract(t, p).q, Rational(1));
}

TEST(QualityScoringTest, ParsesScoringParametersWithExactDecimals) {
  auto j = nlohmann::json::parse(R"({
    "min_denominator": 30, "max_points": "10", "q_when_none_scored": "0.5",
    "measures": {"BCS": {"weight": "1.5", "steps": [["0.5", "5"], ["0.75", "10"]]},
                 "READM30": {"weight": 1, "lower_is_better": true, "steps": [["0.15", "10"]]}}
  })");
  auto p = ParseScoringParams(j, "contract C1");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->min_denominator, 30);
  EXPECT_EQ(p->q_when_none_scored, Dec("0.5"));
  EXPECT_EQ(p->measures.at("BCS").weight, Dec("1.5"));
  EXPECT_EQ(p->measures.at("BCS").steps[1].threshold, Dec("0.75"));
  EXPECT_TRUE(p->measures.at("READM30").lower_is_better);

  auto float_weight = ParseScoringParams(
      nlohmann::json::parse(R"({"measures": {"BCS": {"weight": 0.1}}})"), "contract C2");
  EXPECT_FALSE(float_weight.ok());
  auto too_many_points = ParseScoringParams(
      nlohmann::json::parse(R"({"measures": {"BCS": {"steps": [["0.5", "11"]]}}})"), "C3");
  EXPECT_FALSE(too_many_points.ok());
  auto unknown = ParseScoringParams(nlohmann::json::parse(R"({"minimum": 3})"), "C4");
  EXPECT_FALSE(unknown.ok());
}

}  // namespace
}  // namespace vbp::rules::quality
