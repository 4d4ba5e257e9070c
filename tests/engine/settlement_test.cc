// SPEC §3.4–§3.9 and §4: expenditure, truncation, benchmark with risk cap, MSR/MLR, quality,
// shared savings and losses, caps, payment reduction, PMPM fees and statement rounding. The
// arithmetic behind every expected figure is written beside it.
#include "rules/core/embedded_rule_sets.h"
#include "tests/engine/scenario.h"

namespace vbp::testing {
namespace {

constexpr const char* kTin = "111111111";
constexpr const char* kTin2 = "222222222";
constexpr const char* kPcp = "1000000001";
constexpr const char* kPcp2 = "1000000002";
constexpr const char* kHospitalTin = "999999999";

class SettlementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    s.AddProvider(kPcp, kTin, ProviderClass::kPcp);
    s.AddProvider(kPcp2, kTin2, ProviderClass::kPcp);
  }
  // One member, full year aged_nondual, one PC visit at kTin plus `extra_paid` spread on an
  // institutional claim.
  void OneMember(const std::string& id, const char* pc_paid, const char* extra_paid = nullptr) {
    s.AddMember(id);
    s.AddClaim("pc-" + id, id, kTin, kPcp, "2025-03-01",
               {{"99213", "2025-02-10", "100.00", pc_paid}});
    if (extra_paid) {
      s.AddClaim("ip-" + id, id, kHospitalTin, "1111111111", "2025-07-01",
                 {{"", "2025-06-01", extra_paid, extra_paid, ""}}, 1, Frequency::kOriginal,
                 ClaimType::kInstitutional);
    }
  }
  Scenario s;
};

TEST_F(SettlementTest, FullStatementForASmallOneSidedContract) {
  s.AddContract("C1", {kTin}, R"({
    "benchmark_pbpy": "10000.00", "baseline_risk": "1", "risk_cap": "0.03", "msr": "0.02",
    "max_sharing_rate": "0.5", "quality_score": "0.9", "savings_cap": "0.1",
    "payment_reduction": "0.02", "truncation_threshold": "100000.00",
    "pmpm_tiers": [{"min_risk_score": "0", "pmpm": "5.00"}, {"min_risk_score": "1.5", "pmpm": "10.00"}],
    "pmpm_unscored": "3.00"})");
  Member& a = s.AddMember("A");
  a.risk_scores[2025] = Rational(6, 5);  // 1.2
  Member& b = s.AddMember("B", "2025-01-01", "2025-06-30");
  b.risk_scores[2025] = Rational(2);
  s.AddClaim("a1", "A", kTin, kPcp, "2025-03-01", {{"99213", "2025-02-10", "100.00", "80.00"}});
  s.AddClaim("a2", "A", kHospitalTin, "1111111111", "2025-07-01",
             {{"", "2025-06-01", "5000.00", "4000.00", ""}}, 1, Frequency::kOriginal,
             ClaimType::kInstitutional);
  s.AddClaim("b1", "B", kTin, kPcp, "2025-04-01", {{"99214", "2025-03-05", "150.00", "120.00"}});
  // August is not an eligible month for B: this 1000 does not count.
  s.AddClaim("b2", "B", kTin, kPcp, "2025-09-01", {{"99214", "2025-08-05", "1200.00", "1000.00"}});
  auto out = s.Settle();
  const auto& st = out.Statement("C1");
  EXPECT_EQ(st.assigned_members, 2);
  // person-years = (12 + 6) / 12 = 1.5
  EXPECT_EQ(st.person_years, Rational(3, 2));
  // mean risk = (1.2×12 + 2.0×6) / 18 = 26.4/18 = 1.4667 > 1.03 = 1 + risk_cap -> ratio 1.03
  EXPECT_EQ(st.by_type[3].risk_ratio, Rational(103, 100));
  // benchmark = 10000 × 1.03 × 1.5 = 15450
  EXPECT_EQ(st.benchmark_total, Rational(15450));
  // expenditure = A (80 + 4000) + B (120) = 4200, under both truncation caps
  EXPECT_EQ(st.expenditure_total, Rational(4200));
  EXPECT_EQ(st.gross_savings, Rational(11250));
  EXPECT_EQ(st.savings_rate, Rational(11250, 15450));
  EXPECT_EQ(st.final_sharing_rate, Rational(45, 100));  // 0.5 × 0.9
  // min(11250 × 0.45 = 5062.50, 0.1 × 15450 = 1545) × (1 - 0.02) = 1514.10
  EXPECT_EQ(st.shared_savings_cents.ToString(), "1514.10");
  EXPECT_EQ(st.shared_losses_cents.ToString(), "0.00");
  // PMPM: A (1.2 -> tier 0, 5.00 × 12) + B (2.0 -> tier 1.5, 10.00 × 6) = 120
  EXPECT_EQ(st.pmpm_total_cents.ToString(), "120.00");
  EXPECT_EQ(st.net_payment_cents.ToString(), "1634.10");
  EXPECT_EQ(st.outcome, rules::Outcome::kSharedSavings);
  nlohmann::json j = nlohmann::json::parse(out.StatementText("C1"));
  EXPECT_EQ(j["benchmark_total"], "15450.00");
  EXPECT_EQ(j["savings_rate"], "0.7281553398");
  EXPECT_EQ(j["person_years"], "1.5000000000");
  EXPECT_EQ(j["msr"], "0.0200000000");
  EXPECT_EQ(j["mlr"], "0.0000000000");
  EXPECT_EQ(j["net_payment"], "1634.10");
}

TEST_F(SettlementTest, ExpenditureIsTruncatedPerTypeProRataToMonths) {
  s.AddContract("C1", {kTin},
                R"({"truncation_threshold": "100000.00", "benchmark_pbpy": "100000.00"})");
  // P: 6 months, 80,000 paid -> cap 100,000 × 6/12 = 50,000.
  s.AddMember("P", "2025-01-01", "2025-06-30");
  s.AddClaim("p1", "P", kTin, kPcp, "2025-03-01", {{"99213", "2025-02-10", "100.00", "80000.00"}});
  // Q: 12 months, 150,000 paid -> cap 100,000.
  s.AddMember("Q");
  s.AddClaim("q1", "Q", kTin, kPcp, "2025-03-01", {{"99213", "2025-02-10", "100.00", "150000.00"}});
  auto out = s.Settle();
  EXPECT_EQ(out.Member("P")["expenditure_total"], "80000.00");
  EXPECT_EQ(out.Member("P")["expenditure_truncated"], "50000.000000");
  EXPECT_EQ(out.Member("Q")["expenditure_truncated"], "100000.000000");
  EXPECT_EQ(out.Statement("C1").expenditure_total, Rational(150000));
}

TEST_F(SettlementTest, CompletionFactorScalesTruncatedExpenditure) {
  s.AddContract("C1", {kTin}, R"({"completion_factor": "1.015", "benchmark_pbpy": "10000.00"})");
  OneMember("A", "2000.00");
  // 2000 × 1.015 = 2030
  EXPECT_EQ(s.Settle().Statement("C1").expenditure_total, Rational(2030));
}

TEST_F(SettlementTest, SavingsRateExactlyAtMsrShares) {
  s.AddContract("C1", {kTin},
                R"({"benchmark_pbpy": "10000.00", "msr": "0.02", "quality_score": "1"})");
  OneMember("A", "9800.00");
  // rate = (10000 - 9800)/10000 = 0.02 >= msr: 200 × 0.5 = 100 × 0.98 = 98.00
  const rules::StatementFigures st = s.Settle().Statement("C1");
  EXPECT_EQ(st.savings_rate, Rational(2, 100));
  EXPECT_EQ(st.shared_savings_cents.ToString(), "98.00");
}

TEST_F(SettlementTest, SavingsRateJustBelowMsrSharesNothing) {
  s.AddContract("C1", {kTin}, R"({"benchmark_pbpy": "10000.00", "msr": "0.02"})");
  OneMember("A", "9800.01");
  // rate = 199.99/10000 = 0.019999 < 0.02
  const rules::StatementFigures st = s.Settle().Statement("C1");
  EXPECT_EQ(st.shared_savings_cents.ToString(), "0.00");
  EXPECT_EQ(st.gross_savings_cents.ToString(), "199.99");
  EXPECT_EQ(st.outcome, rules::Outcome::kBelowMsr);
}

TEST_F(SettlementTest, TwoSidedLossesHitTheLossCap) {
  s.AddContract("C2", {kTin}, R"({
    "risk_model": "two_sided", "benchmark_pbpy": "1000.00", "mlr": "0.02", "loss_rate": null,
    "min_loss_rate": "0.4", "max_loss_rate": "0.75", "loss_cap": "0.15", "quality_score": "1",
    "max_sharing_rate": "0.5", "pmpm_unscored": "2.00"})");
  OneMember("C", "2000.00");
  const rules::StatementFigures st = s.Settle().Statement("C2");
  // gross = 1000 - 2000 = -1000, rate -1 <= -0.02; loss rate = clamp(1 - 0.5, 0.4, 0.75) = 0.5
  // losses = min(1000 × 0.5 = 500, 0.15 × 1000 = 150) = 150
  EXPECT_EQ(st.loss_rate, Rational(1, 2));
  EXPECT_EQ(st.shared_losses_cents.ToString(), "150.00");
  EXPECT_EQ(st.pmpm_total_cents.ToString(), "24.00");  // unscored: 2.00 × 12
  EXPECT_EQ(st.net_payment_cents.ToString(), "-126.00");
  EXPECT_EQ(st.outcome, rules::Outcome::kSharedLosses);
}

TEST_F(SettlementTest, TwoSidedLossesBelowTheCapUseTheClampedLossRate) {
  s.AddContract("C2", {kTin}, R"({
    "risk_model": "two_sided", "benchmark_pbpy": "10000.00", "mlr": "0.02",
    "min_loss_rate": "0.4", "max_loss_rate": "0.75", "loss_cap": "0.15", "quality_score": "0.2",
    "max_sharing_rate": "0.5"})");
  OneMember("C", "10500.00");
  const rules::StatementFigures st = s.Settle().Statement("C2");
  // final = 0.5 × 0.2 = 0.1; loss rate = clamp(0.9, 0.4, 0.75) = 0.75
  // gross = -500, rate -0.05 <= -0.02 -> losses = min(500 × 0.75 = 375, 1500) = 375
  EXPECT_EQ(st.shared_losses_cents.ToString(), "375.00");
}

TEST_F(SettlementTest, TwoSidedLossesInsideTheMlrCorridorAreNotShared) {
  s.AddContract("C2", {kTin},
                R"({"risk_model": "two_sided", "benchmark_pbpy": "10000.00", "mlr": "0.02"})");
  OneMember("C", "10100.00");
  // rate = -0.01 > -0.02
  const rules::StatementFigures st = s.Settle().Statement("C2");
  EXPECT_EQ(st.shared_losses_cents.ToString(), "0.00");
  EXPECT_EQ(st.outcome, rules::Outcome::kWithinCorridor);
}

TEST_F(SettlementTest, OneSidedContractsNeverShareLosses) {
  s.AddContract("C1", {kTin}, R"({"benchmark_pbpy": "1000.00"})");
  OneMember("C", "5000.00");
  const rules::StatementFigures st = s.Settle().Statement("C1");
  EXPECT_EQ(st.mlr, Rational(0));
  EXPECT_EQ(st.shared_losses_cents.ToString(), "0.00");
  EXPECT_EQ(st.outcome, rules::Outcome::kLossesNotShared);
}

TEST_F(SettlementTest, SavingsCapLimitsSharedSavings) {
  s.AddContract("C1", {kTin}, R"({"benchmark_pbpy": "10000.00", "savings_cap": "0.05",
    "payment_reduction": "0", "max_sharing_rate": "0.75"})");
  OneMember("A", "5000.00");
  // min(5000 × 0.75 = 3750, 0.05 × 10000 = 500) = 500
  EXPECT_EQ(s.Settle().Statement("C1").shared_savings_cents.ToString(), "500.00");
}

TEST_F(SettlementTest, QualityGateWithholdsSharingBelowThreshold) {
  s.AddContract("G1", {kTin}, R"({"benchmark_pbpy": "10000.00", "quality_mode": "gate",
    "quality_threshold": "0.4", "quality_score": "0.39"})");
  s.AddContract("G2", {kTin2}, R"({"benchmark_pbpy": "10000.00", "quality_mode": "gate",
    "quality_threshold": "0.4", "quality_score": "0.4"})");
  OneMember("A", "9000.00");
  s.AddMember("B");
  s.AddClaim("pc-B", "B", kTin2, kPcp2, "2025-03-01",
             {{"99213", "2025-02-10", "100.00", "9000.00"}});
  auto out = s.Settle();
  EXPECT_EQ(out.Statement("G1").final_sharing_rate, Rational(0));
  EXPECT_EQ(out.Statement("G1").outcome, rules::Outcome::kNoSharingRate);
  // At the threshold the full 0.5 applies: 1000 × 0.5 × 0.98 = 490
  EXPECT_EQ(out.Statement("G2").final_sharing_rate, Rational(1, 2));
  EXPECT_EQ(out.Statement("G2").shared_savings_cents.ToString(), "490.00");
}

TEST_F(SettlementTest, MoneyIsRoundedHalfToEvenOnceFromTheExactValue) {
  s.AddContract("C1", {kTin}, R"({"benchmark_pbpy": "10000.00", "payment_reduction": "0",
    "quality_score": "1", "max_sharing_rate": "0.5"})");
  OneMember("A", "9000.27");
  // gross 999.73 × 0.5 = 499.865 -> half-even -> 499.86 (6 is even)
  const rules::StatementFigures st = s.Settle().Statement("C1");
  EXPECT_EQ(st.shared_savings, Rational(499865, 1000));
  EXPECT_EQ(st.shared_savings_cents.ToString(), "499.86");
  EXPECT_EQ(st.net_payment_cents.ToString(), "499.86");
}

TEST_F(SettlementTest, HalfCentRoundsUpToEven) {
  s.AddContract("C1", {kTin}, R"({"benchmark_pbpy": "10000.00", "payment_reduction": "0",
    "quality_score": "1", "max_sharing_rate": "0.5"})");
  OneMember("A", "9000.25");
  // 999.75 × 0.5 = 499.875 -> 499.88 (7 is odd: up to the even 8)
  EXPECT_EQ(s.Settle().Statement("C1").shared_savings_cents.ToString(), "499.88");
}

TEST_F(SettlementTest, NetPaymentAddsUpFromRoundedFigures) {
  s.AddContract("C1", {kTin}, R"({"benchmark_pbpy": "10000.00", "payment_reduction": "0.02",
    "quality_score": "0.7", "pmpm_unscored": "3.33"})");
  OneMember("A", "8765.43");
  OneMember("B", "9123.45");
  const rules::StatementFigures st = s.Settle().Statement("C1");
  // gross = 20000 - 17888.88 = 2111.12; final 0.35; 2111.12 × 0.35 = 738.892; cap 2000;
  // × 0.98 = 724.11416 -> 724.11; pmpm 3.33 × 24 = 79.92; net = 804.03
  EXPECT_EQ(st.shared_savings_cents.ToString(), "724.11");
  EXPECT_EQ(st.pmpm_total_cents.ToString(), "79.92");
  EXPECT_EQ(st.net_payment_cents,
            st.shared_savings_cents - st.shared_losses_cents + st.pmpm_total_cents);
  EXPECT_EQ(st.net_payment_cents.ToString(), "804.03");
}

TEST_F(SettlementTest, RiskRatioUsesScoredMonthsOnlyAndIsOneWithoutScores) {
  s.AddContract("C1", {kTin}, R"({"benchmark_pbpy": {"esrd": "90000.00", "disabled": "12000.00",
    "aged_dual": "18000.00", "aged_nondual": "10000.00"}, "baseline_risk": "1.25", "risk_cap": "0.03"})");
  Member& a = s.AddMember("A");
  a.risk_scores[2025] = Rational(1);  // 1.0 / 1.25 = 0.8 (no floor)
  s.AddClaim("a", "A", kTin, kPcp, "2025-03-01", {{"99213", "2025-02-10", "100.00", "100.00"}});
  s.AddMember("B", "2025-01-01", "2025-12-31", EnrollmentType::kDisabled);  // unscored
  s.AddClaim("b", "B", kTin, kPcp, "2025-03-01", {{"99213", "2025-02-10", "100.00", "100.00"}});
  const rules::StatementFigures st = s.Settle().Statement("C1");
  EXPECT_EQ(st.by_type[3].risk_ratio, Rational(4, 5));
  EXPECT_EQ(st.by_type[1].risk_ratio, Rational(1));
  // 10000 × 0.8 × 1 + 12000 × 1 × 1 = 20000
  EXPECT_EQ(st.benchmark_total, Rational(20000));
}

TEST(RateScheduleTest, InterpolatesWithinBandsInclusiveAtBothEnds) {
  const rules::RuleSet& ref = rules::ShippedRuleSets().at("vbp-reference@2025.1");
  auto p = ref.Resolve(nlohmann::json::object(), "test");
  ASSERT_TRUE(p.ok());
  const rules::RateSchedule& msr = p->msr;
  EXPECT_EQ(msr.Evaluate(100), Rational(39, 1000));   // below the first band: its r_lo
  EXPECT_EQ(msr.Evaluate(5000), Rational(39, 1000));  // first band's lo
  EXPECT_EQ(msr.Evaluate(5999), Rational(36, 1000));  // first band's hi
  // 0.039 + (0.036 - 0.039) × (5500 - 5000)/(5999 - 5000) = 0.039 - 0.003 × 500/999
  EXPECT_EQ(msr.Evaluate(5500), Rational(39, 1000) - Rational(3, 1000) * Rational(500, 999));
  EXPECT_EQ(msr.Evaluate(6000), Rational(36, 1000));
  EXPECT_EQ(msr.Evaluate(59999), Rational(20, 1000));
  EXPECT_EQ(msr.Evaluate(60000), Rational(20, 1000));  // open last band: flat r_lo
  EXPECT_EQ(msr.Evaluate(250000), Rational(20, 1000));
}

TEST(RateScheduleTest, GapsTakeTheBandBelowAndAClosedLastBandItsHighRate) {
  auto p = rules::ParseParameters(
      [] {
        auto j = rules::ShippedRuleSets().at("vbp-reference@2025.1").default_parameters();
        j["msr"] = nlohmann::json::parse(
            R"([{"lo": 10, "hi": 20, "r_lo": "0.05", "r_hi": "0.03"},
                {"lo": 30, "hi": 40, "r_lo": "0.02", "r_hi": "0.01"}])");
        return j;
      }(),
      "test");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->msr.Evaluate(5), Rational(5, 100));
  EXPECT_EQ(p->msr.Evaluate(15), Rational(4, 100));  // 0.05 - 0.02 × 5/10
  EXPECT_EQ(p->msr.Evaluate(25), Rational(3, 100));  // gap: the band below's r_hi
  EXPECT_EQ(p->msr.Evaluate(45), Rational(1, 100));  // above a closed last band: its r_hi
}

// Issue 16 item 4: a signed zero is refused as money in parameters too (as in claims), with the
// parameter named; "0.00" and a negative amount keep their own outcomes.
TEST(ParametersTest, MoneyParametersRefuseASignedZero) {
  auto with = [](const char* name, nlohmann::json v) {
    auto j = rules::ShippedRuleSets().at("vbp-reference@2025.1").default_parameters();
    j[name] = std::move(v);
    return rules::ParseParameters(j, "contract C1");
  };
  auto pmpm = with("pmpm_unscored", "-0.00");
  ASSERT_FALSE(pmpm.ok());
  EXPECT_EQ(pmpm.status().message(),
            "contract C1 parameter 'pmpm_unscored': signed zero amount \"-0.00\" (write 0, "
            "without a sign)");
  auto bench = with("benchmark_pbpy", "-0");
  ASSERT_FALSE(bench.ok());
  EXPECT_EQ(bench.status().message(),
            "contract C1 parameter 'benchmark_pbpy': signed zero amount \"-0\" (write 0, "
            "without a sign)");
  auto zero = with("pmpm_unscored", "0.00");
  ASSERT_TRUE(zero.ok()) << zero.status().ToString();
  EXPECT_EQ(zero->pmpm_unscored, Money::Zero());
  auto negative = with("pmpm_unscored", "-1.00");
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().message(), "contract C1 parameter 'pmpm_unscored': must be >= 0");
}

TEST_F(SettlementTest, MsrBandsUseTheNumberOfAssignedMembers) {
  // One member: below the first band -> 0.039 (reference table).
  s.AddContract("C1", {kTin}, R"({"benchmark_pbpy": "10000.00"})");
  OneMember("A", "9650.00");  // rate 0.035 < 0.039
  const rules::StatementFigures st = s.Settle().Statement("C1");
  EXPECT_EQ(st.msr, Rational(39, 1000));
  EXPECT_EQ(st.shared_savings_cents.ToString(), "0.00");
}

}  // namespace
}  // namespace vbp::testing
