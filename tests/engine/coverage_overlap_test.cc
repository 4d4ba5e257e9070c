// Issue 16 item 4: overlapping coverage spans are reported in every statement's data quality
// (rules/README.md decisions 1 and 15): members whose spans share a day of the performance
// year, toward their attributed contract and the contracts of their claims' billing TINs, and
// the months whose first day two or more spans cover. No figure changes.
#include <nlohmann/json.hpp>

#include "rules/core/data_quality.h"
#include "tests/engine/scenario.h"

namespace vbp::testing {
namespace {

constexpr const char* kTinC1 = "111111111";
constexpr const char* kTinC2 = "222222222";
constexpr const char* kPcpC1 = "1111111111";
constexpr const char* kPcpC2 = "2222222222";

Coverage Span(const char* from, const char* through, const char* program = "medicare_ffs",
              EnrollmentType type = EnrollmentType::kAgedNondual) {
  return Coverage{D(from), D(through), program, type};
}

TEST(CoverageOverlapTest, CountsSharedDaysOfTheYearAndFirstDaysUnderTwoSpans) {
  using rules::CoverageOverlapInYear;
  // One span, and adjacent spans (Jun 30 / Jul 1): no shared day.
  EXPECT_FALSE(
      CoverageOverlapInYear(std::vector{Span("2025-01-01", "2025-12-31")}, 2025).overlapping);
  EXPECT_FALSE(
      CoverageOverlapInYear(
          std::vector{Span("2025-01-01", "2025-06-30"), Span("2025-07-01", "2025-12-31")}, 2025)
          .overlapping);
  // One shared day (Jun 30), not a first day: a member, 0 months.
  auto one_day = CoverageOverlapInYear(
      std::vector{Span("2025-01-01", "2025-06-30"), Span("2025-06-30", "2025-12-31")}, 2025);
  EXPECT_TRUE(one_day.overlapping);
  EXPECT_EQ(one_day.months, 0);
  // Apr 1 ... Sep 30 under both: the first days of Apr, May, Jun, Jul, Aug, Sep = 6, whatever
  // the order of the spans and their programs.
  auto six =
      CoverageOverlapInYear(std::vector{Span("2025-04-01", "2025-09-30", "medicare_advantage"),
                                        Span("2024-01-01", "2026-12-31")},
                            2025);
  EXPECT_TRUE(six.overlapping);
  EXPECT_EQ(six.months, 6);
  // Shared days only in 2024: nothing for 2025; the same spans for 2024: Jul ... Dec = 6.
  const std::vector in_2024{Span("2024-01-01", "2025-12-31"), Span("2024-06-15", "2024-12-31")};
  EXPECT_FALSE(CoverageOverlapInYear(in_2024, 2025).overlapping);
  EXPECT_EQ(CoverageOverlapInYear(in_2024, 2024).months, 6);
  // Spans out of order: Jan 15-31 is shared (no first day), and Nov lies inside the long
  // span (Nov 1 under two spans).
  auto nested = CoverageOverlapInYear(
      std::vector{Span("2025-11-01", "2025-11-30"), Span("2025-01-01", "2025-01-31"),
                  Span("2025-01-15", "2025-12-31")},
      2025);
  EXPECT_TRUE(nested.overlapping);
  EXPECT_EQ(nested.months, 1);  // Nov 1 under two spans
}

class CoverageOverlapStatementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    s.AddProvider(kPcpC1, kTinC1, ProviderClass::kPcp);
    s.AddProvider(kPcpC2, kTinC2, ProviderClass::kPcp);
    s.AddContract("C1", {kTinC1});
    s.AddContract("C2", {kTinC2});
  }
  nlohmann::json Quality(const Scenario::Output& out, const std::string& contract) {
    return nlohmann::json::parse(out.StatementText(contract))["data_quality"];
  }
  Scenario s;
};

TEST_F(CoverageOverlapStatementTest, CountsMembersTowardTheirContractAndTheirClaimsTins) {
  // M1: aged_nondual all year and disabled Apr-Sep (6 first days under both; decision 1 types
  // them disabled). Attributed to C1 (primary care there), and a non-primary-care claim under
  // C2's TIN: counted by C1 (once, although its claim is also under C1's TIN) and by C2.
  Member& m1 = s.AddMember("M1");
  m1.coverage.push_back(
      Span("2025-04-01", "2025-09-30", "medicare_ffs", EnrollmentType::kDisabled));
  s.AddClaim("a1", "M1", kTinC1, kPcpC1, "2025-03-01",
             {{"99213", "2025-02-10", "100.00", "80.00"}});
  s.AddClaim("a2", "M1", kTinC2, kPcpC2, "2025-06-01", {{"71045", "2025-05-10", "50.00", "40.00"}});
  // M2: medicare_advantage Jun-Dec beside its FFS year: excluded (not attributed), counted by
  // C1 through its claim's TIN with the 7 first days Jun ... Dec.
  Member& m2 = s.AddMember("M2");
  m2.coverage.push_back(Span("2025-06-01", "2025-12-31", "medicare_advantage"));
  s.AddClaim("b1", "M2", kTinC1, kPcpC1, "2025-03-01",
             {{"99213", "2025-02-11", "100.00", "80.00"}});
  // M3: spans shared only in 2024; M4: adjacent spans. Attributed to C1, not counted.
  Member& m3 = s.AddMember("M3", "2024-01-01", "2025-12-31");
  m3.coverage.push_back(Span("2024-06-01", "2024-12-31"));
  s.AddClaim("c1", "M3", kTinC1, kPcpC1, "2025-03-01",
             {{"99213", "2025-02-12", "100.00", "80.00"}});
  Member& m4 = s.AddMember("M4", "2025-01-01", "2025-06-30", EnrollmentType::kDisabled);
  m4.coverage.push_back(Span("2025-07-01", "2025-12-31"));
  s.AddClaim("d1", "M4", kTinC1, kPcpC1, "2025-03-01",
             {{"99213", "2025-02-13", "100.00", "80.00"}});
  // M5: the same span twice (12 first days under two spans), attributed to C2.
  Member& m5 = s.AddMember("M5");
  const Coverage same = m5.coverage.front();
  m5.coverage.push_back(same);
  s.AddClaim("e1", "M5", kTinC2, kPcpC2, "2025-03-01",
             {{"99213", "2025-02-14", "100.00", "80.00"}});

  const Scenario::Output out = s.Settle();
  EXPECT_EQ(out.Statement("C1").assigned_members, 3);  // M1, M3, M4 (M2 excluded)
  EXPECT_EQ(out.Statement("C2").assigned_members, 1);  // M5
  EXPECT_EQ(out.Member("M2")["status"], "excluded_program");
  const nlohmann::json c1 = Quality(out, "C1");
  EXPECT_EQ(c1["members_with_overlapping_coverage"], 2);  // M1, M2
  EXPECT_EQ(c1["overlapping_coverage_months"], 13);       // 6 + 7
  const nlohmann::json c2 = Quality(out, "C2");
  EXPECT_EQ(c2["members_with_overlapping_coverage"], 2);  // M1 (by TIN), M5
  EXPECT_EQ(c2["overlapping_coverage_months"], 18);       // 6 + 12
  // Decision 1 typed M1's Apr ... Sep disabled (the span starting latest): 6 disabled months.
  EXPECT_EQ(out.Member("M1")["months"]["disabled"], 6);
}

TEST_F(CoverageOverlapStatementTest, ReportsNothingWithoutOverlaps) {
  s.AddMember("M1");
  s.AddClaim("a1", "M1", kTinC1, kPcpC1, "2025-03-01",
             {{"99213", "2025-02-10", "100.00", "80.00"}});
  const nlohmann::json c1 = Quality(s.Settle(), "C1");
  EXPECT_EQ(c1["members_with_overlapping_coverage"], 0);
  EXPECT_EQ(c1["overlapping_coverage_months"], 0);
}

}  // namespace
}  // namespace vbp::testing
