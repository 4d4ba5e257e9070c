// SPEC §3.1–§3.3: eligibility, primary-care services and attribution steps 0/1/2, through the
// batch engine. Every expectation is worked out by hand in the comment beside it.
#include "tests/engine/scenario.h"

namespace vbp::testing {
namespace {

constexpr const char* kTinC1 = "111111111";    // contract C1
constexpr const char* kTinC1b = "444444444";   // contract C1, second TIN
constexpr const char* kTinC2 = "222222222";    // contract C2
constexpr const char* kTinFree = "333333333";  // outside every contract
constexpr const char* kPcpC1 = "1000000001";
constexpr const char* kNppC2 = "1000000002";
constexpr const char* kPcpFree = "1000000003";
constexpr const char* kSpecC2 = "1000000004";
constexpr const char* kSpecC1 = "1000000005";

class AttributionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    s.AddProvider(kPcpC1, kTinC1, ProviderClass::kPcp);
    s.AddProvider(kNppC2, kTinC2, ProviderClass::kNpp);
    s.AddProvider(kPcpFree, kTinFree, ProviderClass::kPcp);
    s.AddProvider(kSpecC2, kTinC2, ProviderClass::kSpecialist);
    s.AddProvider(kSpecC1, kTinC1, ProviderClass::kSpecialist);
    s.AddContract("C1", {kTinC1, kTinC1b});
    s.AddContract("C2", {kTinC2});
  }
  Scenario s;
};

TEST_F(AttributionTest, LargestAllowedSumWinsAcrossAContractsTins) {
  s.AddMember("M1");
  // C1: 100 at TIN 111 + 50 at TIN 444 = 150; C2: 120. C1 wins on its summed TINs.
  s.AddClaim("c1", "M1", kTinC1, kPcpC1, "2025-03-01",
             {{"99213", "2025-02-10", "100.00", "80.00"}});
  s.AddClaim("c2", "M1", kTinC1b, kPcpC1, "2025-03-01",
             {{"99214", "2025-02-11", "50.00", "40.00"}});
  s.AddClaim("c3", "M1", kTinC2, kNppC2, "2025-03-01",
             {{"99215", "2025-04-01", "120.00", "96.00"}});
  auto out = s.Settle();
  auto m = out.Member("M1");
  EXPECT_EQ(m["contract_id"], "C1");
  EXPECT_EQ(m["step"], 1);
  EXPECT_EQ(m["decided_by"], "largest allowed amount");
  EXPECT_EQ(m["step1_allowed_by_unit"][0]["unit"], "contract:C1");
  EXPECT_EQ(m["step1_allowed_by_unit"][0]["allowed"], "150.00");
  EXPECT_EQ(m["step1_allowed_by_unit"][1]["allowed"], "120.00");
  EXPECT_EQ(out.Statement("C1").assigned_members, 1);
  EXPECT_EQ(out.Statement("C2").assigned_members, 0);
}

TEST_F(AttributionTest, TieGoesToMostRecentService) {
  s.AddMember("M2");
  // 100 each; C2's service (May) is more recent than C1's (March).
  s.AddClaim("c1", "M2", kTinC1, kPcpC1, "2025-06-01",
             {{"99213", "2025-03-01", "100.00", "80.00"}});
  s.AddClaim("c2", "M2", kTinC2, kNppC2, "2025-06-01",
             {{"99213", "2025-05-01", "100.00", "80.00"}});
  auto m = s.Settle().Member("M2");
  EXPECT_EQ(m["contract_id"], "C2");
  EXPECT_EQ(m["decided_by"], "tie on allowed: most recent service");
}

TEST_F(AttributionTest, TieOnAmountAndDateGoesToSmallestUnitId) {
  s.AddMember("M3");
  // Same amount, same date: "C1" < "C2".
  s.AddClaim("c1", "M3", kTinC2, kNppC2, "2025-06-01", {{"99213", "2025-03-01", "70.00", "50.00"}});
  s.AddClaim("c2", "M3", kTinC1, kPcpC1, "2025-06-01", {{"99213", "2025-03-01", "70.00", "50.00"}});
  auto m = s.Settle().Member("M3");
  EXPECT_EQ(m["contract_id"], "C1");
  EXPECT_EQ(m["decided_by"], "tie on allowed and most recent service: smallest unit id");
}

TEST_F(AttributionTest, SmallestUnitIdCanBeATinOutsideEveryContract) {
  s.AddMember("M4");
  // Tie with a free TIN: unit ids "333333333" < "C1" (digits sort before letters), so the
  // free TIN wins and the member is attributed to no contract.
  s.AddClaim("c1", "M4", kTinC1, kPcpC1, "2025-06-01", {{"99213", "2025-03-01", "70.00", "50.00"}});
  s.AddClaim("c2", "M4", kTinFree, kPcpFree, "2025-06-01",
             {{"99213", "2025-03-01", "70.00", "50.00"}});
  auto m = s.Settle().Member("M4");
  EXPECT_TRUE(m["contract_id"].is_null());
  EXPECT_EQ(m["status"], "won_by_non_contract_unit");
  EXPECT_EQ(m["unit"], "tin:333333333");
}

TEST_F(AttributionTest, StepTwoUsesSpecialistsOnlyWithoutAnyStepOneService) {
  s.AddMember("M5");
  s.AddMember("M6");
  // M5: only a specialist's primary-care service -> step 2 -> C2.
  s.AddClaim("c1", "M5", kTinC2, kSpecC2, "2025-06-01",
             {{"99213", "2025-03-01", "200.00", "150.00"}});
  // M6: specialist at C2 (200) but also a PCP service at a free TIN (10): step 1 decides, the
  // free TIN wins, step 2 is never consulted.
  s.AddClaim("c2", "M6", kTinC2, kSpecC2, "2025-06-01",
             {{"99213", "2025-03-01", "200.00", "150.00"}});
  s.AddClaim("c3", "M6", kTinFree, kPcpFree, "2025-06-01",
             {{"99213", "2025-03-02", "10.00", "8.00"}});
  auto out = s.Settle();
  EXPECT_EQ(out.Member("M5")["contract_id"], "C2");
  EXPECT_EQ(out.Member("M5")["step"], 2);
  EXPECT_TRUE(out.Member("M6")["contract_id"].is_null());
  EXPECT_TRUE(out.Member("M6")["step"].is_null());
  EXPECT_EQ(out.Member("M6")["unit_step"], 1);
  EXPECT_TRUE(out.Member("M6")["step2_allowed_by_unit"].empty());
  EXPECT_EQ(out.Statement("C2").members_by_step[2], 1);
}

TEST_F(AttributionTest, VoluntaryAlignmentPrevailsOverClaims) {
  Member& m = s.AddMember("M7");
  m.aligned_npi = Npi(std::string(kPcpC1));  // bills under TIN 111 (C1) per the roster
  s.AddClaim("c1", "M7", kTinC2, kNppC2, "2025-06-01",
             {{"99213", "2025-03-01", "500.00", "400.00"}});
  auto out = s.Settle();
  EXPECT_EQ(out.Member("M7")["contract_id"], "C1");
  EXPECT_EQ(out.Member("M7")["step"], 0);
  EXPECT_EQ(out.Statement("C1").members_by_step[0], 1);
}

TEST_F(AttributionTest, AlignmentToAnNpiOutsideEveryContractFallsBackToClaims) {
  Member& m = s.AddMember("M8");
  m.aligned_npi = Npi(std::string(kPcpFree));
  s.AddClaim("c1", "M8", kTinC2, kNppC2, "2025-06-01", {{"99213", "2025-03-01", "50.00", "40.00"}});
  auto m8 = s.Settle().Member("M8");
  EXPECT_EQ(m8["contract_id"], "C2");
  EXPECT_EQ(m8["step"], 1);
}

TEST_F(AttributionTest, AnyMonthInAnExcludedProgramMakesTheMemberUnassignable) {
  Member& m = s.AddMember("M9", "2025-01-01", "2025-06-30");
  m.coverage.push_back(
      {D("2025-07-01"), D("2025-12-31"), "medicare_advantage", EnrollmentType::kAgedNondual});
  s.AddClaim("c1", "M9", kTinC1, kPcpC1, "2025-06-01",
             {{"99213", "2025-03-01", "100.00", "80.00"}});
  auto m9 = s.Settle().Member("M9");
  EXPECT_TRUE(m9["contract_id"].is_null());
  EXPECT_EQ(m9["status"], "excluded_program");
  EXPECT_EQ(m9["exclusion"], "medicare_advantage covers 2025-07-01");
  EXPECT_EQ(m9["eligible_months"], 6);
}

TEST_F(AttributionTest, EligibleMonthsCountWhenCoverageCoversTheFirstDay) {
  // Coverage 2025-01-15..2025-04-01: covers Feb 1, Mar 1, Apr 1 -> 3 months (not January).
  s.AddMember("M10", "2025-01-15", "2025-04-01");
  s.AddClaim("c1", "M10", kTinC1, kPcpC1, "2025-06-01",
             {{"99213", "2025-02-01", "100.00", "80.00"}});
  auto m = s.Settle().Member("M10");
  EXPECT_EQ(m["eligible_months"], 3);
  EXPECT_EQ(m["months"]["aged_nondual"], 3);
}

TEST_F(AttributionTest, MemberWithoutEligibleMonthsIsNotAttributed) {
  s.AddMember("M11", "2024-01-01", "2024-12-31");
  s.AddClaim("c1", "M11", kTinC1, kPcpC1, "2025-06-01",
             {{"99213", "2025-02-01", "100.00", "80.00"}});
  auto m = s.Settle().Member("M11");
  EXPECT_EQ(m["status"], "no_eligible_months");
}

TEST_F(AttributionTest, ClaimsPaidAfterRunoutOrAsOfDoNotCount) {
  s.AddMember("M12");
  // C1's line is larger but paid 2026-04-15, after the 2026-03-31 run-out cutoff.
  s.AddClaim("c1", "M12", kTinC1, kPcpC1, "2026-04-15",
             {{"99213", "2025-03-01", "100.00", "80.00"}});
  s.AddClaim("c2", "M12", kTinC2, kNppC2, "2026-01-10",
             {{"99213", "2025-04-01", "50.00", "40.00"}});
  auto out = s.Settle(std::optional<const char*>("2026-12-31"));
  auto m = out.Member("M12");
  EXPECT_EQ(m["contract_id"], "C2");
  EXPECT_EQ(m["expenditure_total"], "40.00");
  // As of 2025-12-31 neither claim has been paid yet.
  auto early = s.Settle(std::optional<const char*>("2025-12-31")).Member("M12");
  EXPECT_EQ(early["status"], "no_qualifying_service");
  EXPECT_EQ(early["expenditure_total"], "0.00");
}

TEST_F(AttributionTest, AlignmentFromClaimsCountsOnlyClaimsPaidByTheAsOf) {
  // The aligned NPI has no roster record: its claims under a contract TIN decide step 0, but
  // only those paid by min(run-out cutoff, as-of), as every other use of a claim.
  Member& m = s.AddMember("M16");
  m.aligned_npi = Npi(std::string("1000000099"));
  s.AddClaim("c1", "M16", kTinC1, "1000000099", "2026-02-15",
             {{"99213", "2025-03-01", "100.00", "80.00"}});
  s.AddClaim("c2", "M16", kTinC2, kNppC2, "2025-05-01",
             {{"99213", "2025-04-01", "50.00", "40.00"}});
  // As of 2026-03-31 c1 is paid: aligned to C1 at step 0.
  auto paid = s.Settle(std::optional<const char*>("2026-03-31")).Member("M16");
  EXPECT_EQ(paid["contract_id"], "C1");
  EXPECT_EQ(paid["step"], 0);
  // As of 2026-01-31 it is not: no alignment; c2 attributes at step 1 to C2.
  auto early = s.Settle(std::optional<const char*>("2026-01-31")).Member("M16");
  EXPECT_EQ(early["contract_id"], "C2");
  EXPECT_EQ(early["step"], 1);
}

TEST_F(AttributionTest, NursingFacilityCodesDoNotCountInASkilledNursingFacility) {
  s.AddMember("M13");
  s.AddMember("M14");
  // 99309 in POS 31 is excluded: C2's 100 wins over C1's 300.
  s.AddClaim("c1", "M13", kTinC1, kPcpC1, "2025-06-01",
             {{"99309", "2025-03-01", "300.00", "240.00", "31"}});
  s.AddClaim("c2", "M13", kTinC2, kNppC2, "2025-06-01",
             {{"99213", "2025-03-01", "100.00", "80.00"}});
  // The same code in POS 32 (nursing facility, not SNF) counts.
  s.AddClaim("c3", "M14", kTinC1, kPcpC1, "2025-06-01",
             {{"99309", "2025-03-01", "300.00", "240.00", "32"}});
  s.AddClaim("c4", "M14", kTinC2, kNppC2, "2025-06-01",
             {{"99213", "2025-03-01", "100.00", "80.00"}});
  auto out = s.Settle();
  EXPECT_EQ(out.Member("M13")["contract_id"], "C2");
  EXPECT_EQ(out.Member("M14")["contract_id"], "C1");
}

TEST_F(AttributionTest, UnknownNpiCountsAsOtherAndIsReported) {
  s.AddMember("M15");
  s.AddClaim("c1", "M15", kTinC1, "1999999999", "2025-06-01",
             {{"99213", "2025-03-01", "100.00", "80.00"}});
  auto out = s.Settle();
  auto m = out.Member("M15");
  EXPECT_EQ(m["status"], "no_qualifying_service");
  ASSERT_EQ(m["unknown_npis"].size(), 1u);
  EXPECT_EQ(m["unknown_npis"][0], "1999999999");
  EXPECT_EQ(out.result.unknown_npis, std::vector<std::string>{"1999999999"});
}

TEST_F(AttributionTest, ProviderClassIsTheRosterRecordOnTheServiceDate) {
  // NPI 1000000009 is a specialist until 2025-03-31, a PCP from 2025-04-01.
  s.AddProvider("1000000009", kTinC1, ProviderClass::kSpecialist, "2020-01-01", "2025-03-31");
  s.AddProvider("1000000009", kTinC1, ProviderClass::kPcp, "2025-04-01");
  s.AddMember("M16");
  s.AddMember("M17");
  // M16: service in March -> specialist -> step 2 -> C1.
  s.AddClaim("c1", "M16", kTinC1, "1000000009", "2025-06-01",
             {{"99213", "2025-03-15", "100.00", "80.00"}});
  // M17: service in April -> PCP -> step 1 -> C1.
  s.AddClaim("c2", "M17", kTinC1, "1000000009", "2025-06-01",
             {{"99213", "2025-04-15", "100.00", "80.00"}});
  auto out = s.Settle();
  EXPECT_EQ(out.Member("M16")["step"], 2);
  EXPECT_EQ(out.Member("M17")["step"], 1);
}

TEST_F(AttributionTest, ProspectiveWindowUsesTheYearBeforeThePerformanceYear) {
  s.contracts_.clear();
  s.AddContract("C1", {kTinC1},
                R"({"assignment_window": {"start_offset_months": -12, "months": 12}})");
  s.AddContract("C2", {kTinC2},
                R"({"assignment_window": {"start_offset_months": -12, "months": 12}})");
  s.AddMember("M18");
  // 2024 service at C1 counts for PY 2025 prospective assignment; the 2025 service at C2 not.
  s.AddClaim("c1", "M18", kTinC1, kPcpC1, "2024-12-20",
             {{"99213", "2024-11-01", "60.00", "50.00"}});
  s.AddClaim("c2", "M18", kTinC2, kNppC2, "2025-06-01",
             {{"99213", "2025-03-01", "100.00", "80.00"}});
  auto m = s.Settle().Member("M18");
  EXPECT_EQ(m["contract_id"], "C1");
  // Expenditure still follows the performance year: only the 2025 line (80).
  EXPECT_EQ(m["expenditure_total"], "80.00");
}

}  // namespace
}  // namespace vbp::testing
