// Issue 5 wiring: CMS-HCC scores feed SPEC §3.5/§3.9 for members without a record score when
// risk_score_source is "record_else_hcc"; claims-based measures feed q (SPEC §3.7) when
// quality_source is "measures". The scores and measures themselves are tested in tests/hcc
// and tests/quality; here the settlement must use exactly what those modules compute.
#include <algorithm>
#include <map>
#include <set>

#include "engine/core/claim_arena.h"
#include "rules/hcc/risk_score.h"
#include "rules/quality/evaluate.h"
#include "tests/engine/scenario.h"

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
    Claim& c1 = s.AddClaim("d1", "D", kTin, kPcp, "2024-03-20",
                           {{"99214", "2024-03-01", "150.00", "120.00"}});
    c1.diagnoses = {"E1122", "I5022"};
    Claim& c2 = s.AddClaim("d2", "D", kTin, kPcp, "2025-03-20",
                           {{"99214", "2025-03-01", "150.00", "120.00"}});
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
  auto expected =
      rules::hcc::ComputeRiskScore(s.members_[0], views, rules::PaidCutoff::Unbounded(), 2025,
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
  Claim& bp = s.AddClaim(
      "bp", "D", kTin, kPcp, "2025-11-20",
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
  auto member =
      rules::quality::EvaluateMeasures(s.members_[0], views, rules::PaidCutoff::Unbounded(), 2025,
                                       rules::quality::MeasureSet::Shipped(), qo);
  auto agg = out.result.contracts[0].aggregate;
  std::map<std::string, rules::quality::MeasureTally> nonzero;
  for (const auto& [id, t] : member.Tallies()) {
    if (!(t == rules::quality::MeasureTally())) nonzero[id] = t;
  }
  EXPECT_FALSE(nonzero.empty());
  EXPECT_EQ(agg.measures, nonzero);
  // The contract sets its own quality_score: it stands whatever the measures give (issue 19
  // item 4; rules/README.md decision 16); the measures are still scored and shown.
  EXPECT_EQ(st.quality_score, Rational(1, 4));
  EXPECT_EQ(std::string(st.quality_source), "contract");
}

// Issue 19 item 4: `vbp settle --members` lines carry the HCC trail and the measure results.
// D has, in 2024, E11.22 (V24 HCC18) and I50.22 (V24 HCC85), both kept; in 2025 a reading
// 3074F/3078F (< 130/80) with I10: CBP met, decided by claim "bp".
TEST_F(RiskQualityTest, MemberLinesCarryTheHccTrailAndTheMeasureResults) {
  s.AddContract("C1", {kTin}, R"({"benchmark_pbpy": "10000.00", "quality_source": "measures",
    "risk_score_source": "record_else_hcc",
    "quality_scoring": {"min_denominator": 1, "max_points": "10",
      "measures": {"CBP": {"weight": "1", "steps": [["0", "4"], ["0.5", "10"]]}}}})");
  Claim& bp = s.AddClaim(
      "bp", "D", kTin, kPcp, "2025-11-20",
      {{"3074F", "2025-11-01", "0.00", "0.00"}, {"3078F", "2025-11-01", "0.00", "0.00"}});
  bp.diagnoses = {"I10"};
  auto out = s.Settle();
  const auto m = out.Member("D");
  ASSERT_TRUE(m.contains("risk_score_trail")) << m.dump();
  std::map<int, bool> v24;  // hcc -> kept
  for (const auto& model : m["risk_score_trail"]["models"]) {
    if (model["model"] != "CMS-HCC-V24") continue;
    for (const auto& h : model["hccs"]) v24[h["hcc"].get<int>()] = h["kept"].get<bool>();
  }
  EXPECT_EQ(v24, (std::map<int, bool>{{18, true}, {85, true}}));
  ASSERT_TRUE(m.contains("quality_measures")) << m.dump();
  std::string cbp_status;
  std::set<std::string> cbp_claims;
  for (const auto& q : m["quality_measures"]["measures"]) {
    if (q["measure_id"] != "CBP") continue;
    cbp_status = q["status"].get<std::string>();
    for (const auto& x : q["evidence"]) cbp_claims.insert(x["claim_id"].get<std::string>());
  }
  EXPECT_EQ(cbp_status, "met");
  EXPECT_TRUE(cbp_claims.count("bp"));
}

TEST_F(RiskQualityTest, MemberLinesOfRecordScoresAndParameterQualityHaveNoTrail) {
  s.members_[0].risk_scores[2025] = Rational(11, 10);
  s.AddContract("C1", {kTin}, R"({"benchmark_pbpy": "10000.00",
    "risk_score_source": "record_else_hcc"})");
  auto out = s.Settle();
  const auto m = out.Member("D");
  EXPECT_EQ(m["risk_score"], "1.100000");
  EXPECT_FALSE(m.contains("risk_score_trail"));
  EXPECT_FALSE(m.contains("quality_measures"));
}

// Issue 19 item 4: a contract's own quality_score is negotiated and the measures do not replace
// it; without one, the measures' q replaces the rule set's quality_score.
TEST_F(RiskQualityTest, ContractQualityScoreOverridesTheMeasures) {
  const char* scoring = R"("quality_source": "measures", "runout_months": 6, "savings_cap": "1",
    "quality_scoring": {"min_denominator": 1, "max_points": "10",
      "measures": {"BCS": {"weight": "1", "steps": [["0", "2"], ["1", "10"]]}}})";
  s.AddContract("C1", {kTin}, std::string(R"({"benchmark_pbpy": "10000.00", )") + scoring + "}");
  s.AddContract(
      "C2", {"222222222"},
      std::string(R"({"benchmark_pbpy": "10000.00", "quality_score": "0.925", )") + scoring + "}");
  s.AddProvider("1000000002", "222222222", ProviderClass::kPcp);
  Member& w = s.AddMember("W");
  w.birth_date = D("1960-05-05");
  w.coverage.front().from = D("2023-01-01");
  s.AddClaim("w1", "W", "222222222", "1000000002", "2025-03-20",
             {{"99214", "2025-03-01", "150.00", "100.00"}});
  s.AddClaim("mg", "W", "222222222", "1000000002", "2025-11-20",
             {{"77067", "2025-11-02", "200.00", "150.00"}});
  auto out = s.Settle();
  // C2: W alone, BCS 1/1 → the measures' q would be 1; the contract's 0.925 stands.
  // Benchmark 10,000.00, expenditure 250.00, gross 9,750.00; shared 9,750.00 × 0.50 × 0.925
  // = 4,509.375, less 2% sequestration = 4,419.1875.
  const auto& c2 = out.Statement("C2");
  ASSERT_TRUE(c2.quality.has_value());
  ASSERT_TRUE(c2.quality->q.has_value());
  EXPECT_EQ(*c2.quality->q, Rational(1));
  EXPECT_EQ(c2.quality_score, Rational(37, 40));
  EXPECT_EQ(std::string(c2.quality_source), "contract");
  EXPECT_EQ(c2.shared_savings, Rational(44191875, 10000));
  // C1: D alone, not in BCS (male): nothing scores, the rule set's quality_score (1) stands.
  const auto& c1 = out.Statement("C1");
  EXPECT_FALSE(c1.quality->q.has_value());
  EXPECT_EQ(std::string(c1.quality_source), "rule_set");
}

// Issue 19 item 1: the claims behind risk scores and measures count under the same paid-date
// rule as attribution and expenditure (paid on or before min(run-out cutoff, as-of)).
TEST_F(RiskQualityTest, MammogramPaidAfterTheAsOfDoesNotCountTowardsQuality) {
  // BCS alone scores q: rate 0 → 2 of 10 points (q 0.2), rate 1 → 10 of 10 (q 1).
  s.AddContract("C1", {kTin}, R"({"benchmark_pbpy": "10000.00", "quality_source": "measures",
    "runout_months": 6, "savings_cap": "1",
    "quality_scoring": {"min_denominator": 1, "max_points": "10",
      "measures": {"BCS": {"weight": "1", "steps": [["0", "2"], ["1", "10"]]}}}})");
  Member& w = s.AddMember("W");
  w.birth_date = D("1960-05-05");             // 65 on 2025-12-31: in BCS (52-74)
  w.coverage.front().from = D("2023-01-01");  // enrolled 2023-10-01..2025-12-31
  s.AddClaim("w1", "W", kTin, kPcp, "2025-03-20", {{"99214", "2025-03-01", "150.00", "100.00"}});
  // Screening mammogram served 2025-11-02, paid 2026-05-01 (run-out cutoff 2026-06-30).
  s.AddClaim("mg", "W", kTin, kPcp, "2026-05-01", {{"77067", "2025-11-02", "200.00", "150.00"}});

  // As of 2026-03-31 the mammogram is unpaid: BCS 0/1, q = 2/10.
  // D and W, 12 months each, unscored: benchmark 2 × 10,000.00 = 20,000.00.
  // Expenditure: D's d2 120.00 + W's w1 100.00 = 220.00 → gross savings 19,780.00.
  // Shared: 19,780.00 × 0.50 × 0.2 = 1,978.00, less 2% sequestration = 1,938.44.
  auto early = s.Settle(std::optional<const char*>("2026-03-31"));
  const auto& e = early.Statement("C1");
  EXPECT_EQ(e.quality_score, Rational(1, 5));
  EXPECT_EQ(e.expenditure_total, Rational(220));
  EXPECT_EQ(e.shared_savings, Rational(193844, 100));
  EXPECT_EQ(early.result.contracts[0].aggregate.measures.at("BCS"),
            (rules::quality::MeasureTally{1, 0, 0}));

  // As of 2026-06-30 it counts everywhere: BCS 1/1, q = 1; expenditure 370.00.
  // Shared: 19,630.00 × 0.50 × 1 = 9,815.00, less 2% = 9,618.70.
  auto late = s.Settle(std::optional<const char*>("2026-06-30"));
  const auto& l = late.Statement("C1");
  EXPECT_EQ(l.quality_score, Rational(1));
  EXPECT_EQ(std::string(l.quality_source), "measures");
  EXPECT_EQ(l.expenditure_total, Rational(370));
  EXPECT_EQ(l.shared_savings, Rational(961870, 100));
  EXPECT_EQ(late.result.contracts[0].aggregate.measures.at("BCS"),
            (rules::quality::MeasureTally{1, 0, 1}));
}

TEST_F(RiskQualityTest, DiagnosisPaidAfterTheAsOfDoesNotRaiseTheComputedScore) {
  s.AddContract("C1", {kTin}, R"({"benchmark_pbpy": "10000.00",
    "risk_score_source": "record_else_hcc", "risk_cap": "10"})");
  // A 2024 visit (the prospective collection year) adding COPD, paid 2025-05-10.
  Claim& late_dx = s.AddClaim("d3", "D", kTin, kPcp, "2025-05-10",
                              {{"99214", "2024-12-10", "150.00", "120.00"}});
  late_dx.diagnoses = {"J449"};
  ClaimArena arena;
  std::vector<uint32_t> ids;
  for (const auto& c : s.claims_) ids.push_back(arena.Add(c));
  std::vector<rules::ClaimView> views;
  for (uint32_t i : ids) views.push_back(arena.View(i));
  auto score_at = [&](const char* as_of) {
    auto r = rules::hcc::ComputeRiskScore(s.members_[0], views,
                                          rules::PaidCutoff(D("2026-03-31"), D(as_of)), 2025,
                                          rules::hcc::DefaultRiskModelParams(2025, nullptr));
    EXPECT_TRUE(r.ok() && r->scored);
    return r->score;
  };
  // As of 2025-04-30, d3 is unpaid: the score of d1 alone (E1122, I5022), with d3 it is higher.
  const Rational without_copd = score_at("2025-04-30");
  const Rational with_copd = score_at("2025-05-10");
  EXPECT_GT(with_copd, without_copd);
  auto early = s.Settle(std::optional<const char*>("2025-04-30"));
  EXPECT_EQ(early.Member("D")["risk_score"], FormatHalfEven(without_copd, 6));
  EXPECT_EQ(early.Statement("C1").by_type[3].risk_ratio, without_copd);
  auto late = s.Settle(std::optional<const char*>("2025-05-10"));
  EXPECT_EQ(late.Member("D")["risk_score"], FormatHalfEven(with_copd, 6));
  EXPECT_EQ(late.Statement("C1").by_type[3].risk_ratio, with_copd);
}

// Issue 19 item 6: CMS publishes a normalization factor for every payment year; when the
// shipped defaults have none (PY2026), settlement says so instead of scoring unnormalized
// without a word.
TEST_F(RiskQualityTest, HccDefaultsWithoutANormalizationFactorWarn) {
  s.AddContract("C25", {kTin}, R"({"risk_score_source": "record_else_hcc"})", 2025);
  s.AddContract("C26", {"222222222"}, R"({"risk_score_source": "record_else_hcc"})", 2026);
  s.AddContract("C26set", {"333333333"}, R"({"risk_score_source": "record_else_hcc",
    "hcc_model": {"normalization": {"V28": "1.067"}}})",
                2026);
  auto out = s.Settle();
  auto count = [&](const std::string& needle) {
    return std::count_if(out.result.warnings.begin(), out.result.warnings.end(),
                         [&](const std::string& w) { return w.find(needle) != std::string::npos; });
  };
  EXPECT_EQ(count("contract C26: CMS-HCC defaults: no normalization factor shipped for PY2026"), 1)
      << ::testing::PrintToString(out.result.warnings);
  EXPECT_EQ(count("contract C25:"), 0);
  EXPECT_EQ(count("contract C26set:"), 0);
  EXPECT_TRUE(out.rejects.empty()) << out.rejects.front().reason;  // C26set is a usable contract
}

TEST_F(RiskQualityTest, MeasuresWithoutScoringParametersAreAnUnusableContract) {
  s.AddContract("C1", {kTin}, R"({"quality_source": "measures"})");
  auto out = s.Settle();
  ASSERT_FALSE(out.rejects.empty());
  EXPECT_EQ(out.rejects.back().field, "parameters.quality_scoring");
}

}  // namespace
}  // namespace vbp::testing
