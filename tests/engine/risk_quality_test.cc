// Issue 5 wiring: CMS-HCC scores feed SPEC §3.5/§3.9 for members without a record score when
// risk_score_source is "record_else_hcc"; claims-based measures feed q (SPEC §3.7) when
// quality_source is "measures". The scores and measures themselves are tested in tests/hcc
// and tests/quality; here the settlement must use exactly what those modules compute.
#include "tests/engine/scenario.h"

#include "engine/claim_arena.h"
#include "rules/hcc/risk_score.h"
#include "rules/quality/evaluate.h"

namespace vbp::testing {
namespace {

constexpr const char* kTin = "111111111";
constexpr const char* kPcp = "1000000001";

class RiskQualityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    s.AddProvider(kPcp, kTin, ProviderClass::kPcp);
    Member& m = s.AddMember("D");
    m.birth_date = D("1948-03-10");
    m.sex = Sex::kMale;
    m.coverage.front().from = D("2023-01-01");  // covered in 2024, the collection year
    // 2024 visits with diabetes with complications and CHF (prospective: year before PY).
    Claim& c1 = s.AddClaim("d1", "D", kTin, kPcp, "2024-03-20", {{"99214", "2024-03-01", "150.00", "120.00"}});
    c1.diagnoses = {"E1122", "I5022"};
    Claim& c2 = s.AddClaim("d2", "D", kTin, kPcp, "2025-03-20", {{"99214", "2025-03-01", "150.00", "120.00"}});
    c2.diagnoses = {"I10"};
  }
  Scenario s;
};

TEST_F(RiskQualityTest, RecordOnlyLeavesAnUnscoredMemberUnscored) {
  s.AddContract("C1", {kTin}, R"({"benchmark_pbpy": "10000.00", "pmpm_unscored": "1.00",
    "pmpm_tiers": [{"min_risk_score": "0", "pmpm": "5.00"}, {"min_risk_score": "1.5", "pmpm": "20.00"}]})");
  auto out = s.Settle();
  EXPECT_TRUE(out.Member("D")["risk_score"].is_null());
  EXPECT_EQ(out.Member("D")["pmpm_rate"], "1.00");
}

TEST_F(RiskQualityTest, HccScoreFeedsRiskRatioAndFeeTierWhenTheRecordHasNone) {
  s.AddContract("C1", {kTin}, R"({"benchmark_pbpy": "10000.00", "pmpm_unscored": "1.00",
    "risk_score_source": "record_else_hcc", "risk_cap": "10",
    "pmpm_tiers": [{"min_risk_score": "0", "pmpm": "5.00"}, {"min_risk_score": "1.5", "pmpm": "20.00"}]})");
  auto out = s.Settle();
  // The score the HCC module computes for the same member and claims.
  ClaimArena arena;
  std::vector<uint32_t> ids;
  for (const auto& c : s.claims_) ids.push_back(arena.Add(c));
  std::vector<rules::ClaimView> views;  // after every Add: views point into the arena
  for (uint32_t i : ids) views.push_back(arena.View(i));
  auto expected = rules::hcc::ComputeRiskScore(s.members_[0], views, 2025,
                                               rules::hcc::DefaultRiskModelParams(2025, nullptr));
  ASSERT_TRUE(expected.ok());
  ASSERT_TRUE(expected->scored);
  EXPECT_GT(expected->score, Rational(1));  // diabetes with complications + CHF
  auto m = out.Member("D");
  EXPECT_EQ(m["risk_score"], FormatHalfEven(expected->score, 6));
  EXPECT_EQ(m["risk_score_source"], "computed");
  EXPECT_EQ(m["pmpm_rate"], expected->score >= Rational(3, 2) ? "20.00" : "5.00");
  const auto& st = out.Statement("C1");
  // One scored member, 12 months: risk ratio = score / baseline 1 (cap 10 not reached).
  EXPECT_EQ(st.by_type[3].risk_ratio, expected->score);
  EXPECT_EQ(st.benchmark_total, Rational(10000) * expected->score);
}

TEST_F(RiskQualityTest, MeasuresScoredFromClaimsBecomeTheQualityScore) {
  s.AddContract("C1", {kTin}, R"({"benchmark_pbpy": "10000.00", "quality_source": "measures",
    "quality_score": "0.25",
    "quality_scoring": {"min_denominator": 1, "max_points": "10",
      "measures": {"CBP": {"weight": "1", "steps": [["0", "4"], ["0.5", "10"]]}}}})");
  // A blood-pressure reading for the hypertensive member.
  Claim& bp = s.AddClaim("bp", "D", kTin, kPcp, "2025-11-20",
                         {{"3074F", "2025-11-01", "0.00", "0.00"}, {"3078F", "2025-11-01", "0.00", "0.00"}});
  bp.diagnoses = {"I10"};
  auto out = s.Settle();
  const auto& st = out.Statement("C1");
  ASSERT_TRUE(st.quality.has_value());
  // The tallies are the member's own (the only attributed member).
  ClaimArena arena;
  std::vector<uint32_t> ids;
  for (const auto& c : s.claims_) ids.push_back(arena.Add(c));
  std::vector<rules::ClaimView> views;  // after every Add: views point into the arena
  for (uint32_t i : ids) views.push_back(arena.View(i));
  rules::quality::QualityOptions qo;
  qo.enrollment_programs = {"medicare_ffs"};
  auto member = rules::quality::EvaluateMeasures(s.members_[0], views, 2025,
                                                 rules::quality::MeasureSet::Shipped(), qo);
  auto agg = out.result.contracts[0].aggregate;
  std::map<std::string, rules::quality::MeasureTally> nonzero;
  for (const auto& [id, t] : member.Tallies()) {
    if (!(t == rules::quality::MeasureTally())) nonzero[id] = t;
  }
  EXPECT_FALSE(nonzero.empty());
  EXPECT_EQ(agg.measures, nonzero);
  if (st.quality->q) {
    EXPECT_EQ(st.quality_score, *st.quality->q);
  } else {
    EXPECT_EQ(st.quality_score, Rational(1, 4));  // nothing scored: the parameter stands
  }
}

TEST_F(RiskQualityTest, MeasuresWithoutScoringParametersAreAnUnusableContract) {
  s.AddContract("C1", {kTin}, R"({"quality_source": "measures"})");
  auto out = s.Settle();
  ASSERT_FALSE(out.rejects.empty());
  EXPECT_EQ(out.rejects.back().field, "parameters.quality_scoring");
}

}  // namespace
}  // namespace vbp::testing
