// Reconciliation cases over tests/api/data; every expected difference is computed by hand in
// the comment beside it (tests/api/data/README.md lists the members and claims).
#include "engine/report/reconcile.h"

#include <gtest/gtest.h>

#include "tests/api/test_support.h"

namespace vbp {
namespace {

struct Expect {
  const char* kind;
  const char* member;
  const char* claim;
  const char* theirs;
  const char* ours;
  const char* delta;
  const char* status;
};

class ReconcileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { snapshot_ = testing::LoadTestData().release(); }
  static void TearDownTestSuite() { delete snapshot_; }

  static ReconcileReport Run(const std::string& csv, const char* contract = "C-ACME") {
    auto theirs = ParseTheirCsv(csv);
    EXPECT_TRUE(theirs.ok()) << theirs.status().ToString();
    const BookContract* c = snapshot_->book->FindContract(ContractId(std::string(contract)));
    EXPECT_NE(c, nullptr);
    return Reconcile(*snapshot_->book, *c, *theirs);
  }

  static void ExpectDifferences(const ReconcileReport& r, const std::vector<Expect>& want) {
    ASSERT_EQ(r.differences.size(), want.size()) << ReconcileCsv(r);
    for (size_t i = 0; i < want.size(); ++i) {
      const Difference& d = r.differences[i];
      SCOPED_TRACE("difference " + std::to_string(i) + ": " + d.reason);
      EXPECT_EQ(DifferenceKindName(d.kind), std::string(want[i].kind));
      EXPECT_EQ(d.member_id, want[i].member);
      EXPECT_EQ(d.claim_id, want[i].claim);
      EXPECT_EQ(d.theirs, want[i].theirs);
      EXPECT_EQ(d.ours, want[i].ours);
      EXPECT_EQ(d.delta, want[i].delta);
      EXPECT_EQ(d.status, want[i].status);
      EXPECT_FALSE(d.reason.empty());
    }
  }

  static api::Snapshot* snapshot_;
};
api::Snapshot* ReconcileTest::snapshot_ = nullptr;

TEST_F(ReconcileTest, MatchingListHasNoDifference) {
  // C-ACME's own figures: M01 80 + 40; M04 A6 v2 60 + A8 40; M05 A9 60; M06 1500 (truncation is
  // reported only when a paid figure is given); M10 30.
  ReconcileReport r =
      Run("member_id,expected_paid,claim_count\n"
          "M01,120.00,2\nM04,100,2\nM05,60.00,1\nM10,30.00,1\nM06,,\n");
  ExpectDifferences(r, {});
  EXPECT_EQ(r.their_members, 5);
  EXPECT_EQ(r.our_members, 5);
  EXPECT_EQ(r.members_in_both, 5);
  EXPECT_EQ(r.as_of.ToString(), "2026-04-15");
  EXPECT_EQ(r.runout_cutoff.ToString(), "2026-03-31");
}

TEST_F(ReconcileTest, EveryKindOfDifferenceWithItsReason) {
  const std::string csv =
      "member_id,claim_id,expected_paid,claim_count,their_note\r\n"
      "M01,,120.00,2,ok\r\n"
      "M02,,90.00,,we saw her in April\r\n"
      "M03,A4,50.00,,\r\n"
      "M04,,170.00,4,\r\n"
      "M04,A5,70.00,,\r\n"
      "M04,A6,100.00,,\r\n"
      "M04,A7,30.00,,\r\n"
      "M04,A8,40.00,,\r\n"
      "M05,A10,45.00,,\r\n"
      "M06,,1500.00,,\r\n"
      "M08,X404,5.00,,\r\n"
      "M99,,10.00,,\r\n";
  ReconcileReport r = Run(csv);
  ExpectDifferences(
      r,
      {
          // M02: C-BETA's B1 200 allowed beats A3 100 at step 1.
          {"member_not_attributed", "M02", "", "90.00", "0.00", "-90.00",
           "attributed_to_other_contract"},
          // M03: D1 300 under TIN 444444444 (no contract) beats A4 60.
          {"member_not_attributed", "M03", "", "", "", "", "won_by_non_contract_unit"},
          {"claim_not_counted", "M03", "A4", "50.00", "0.00", "-50.00", "won_by_non_contract_unit"},
          // M04: 60 (A6 v2) + 40 (A8) = 100 counted against 170 expected.
          {"member_paid_differs", "M04", "", "170.00", "100.00", "-70.00", "attributed"},
          // A6 and A8 have a line in expenditure: 2 claims, not 4.
          {"claim_count_differs", "M04", "", "4", "2", "-2", "attributed"},
          // A5 v2 is a void.
          {"claim_voided", "M04", "A5", "70.00", "0.00", "-70.00", "attributed"},
          // A6 v2 replacement pays 60, v1 paid 100.
          {"claim_replaced", "M04", "A6", "100.00", "60.00", "-40.00", "attributed"},
          // A7 paid 2026-04-15 > cutoff 2026-03-31.
          {"claim_paid_after_runout", "M04", "A7", "30.00", "0.00", "-30.00", "attributed"},
          // A10 served in August; M05 is covered January to June.
          {"claim_outside_eligible_months", "M05", "A10", "45.00", "0.00", "-45.00", "attributed"},
          // A9 (TIN 111111111, C-ACME) counts 60 but their file lists only A10 for M05.
          {"claim_not_listed", "M05", "A9", "", "60.00", "", "attributed"},
          // 1500 paid, cap 1200 x 12 / 12 = 1200.
          {"truncated", "M06", "", "1500.00", "1200.00", "-300.00", "attributed"},
          // M08 is C-BETA's; X404 was never received.
          {"member_not_attributed", "M08", "", "", "", "", "attributed_to_other_contract"},
          {"claim_unknown", "M08", "X404", "5.00", "", "", "attributed_to_other_contract"},
          // M10 (A13, 30 paid) is C-ACME's but not in the file.
          {"member_not_listed", "M10", "", "", "30.00", "", "attributed"},
          {"unknown_member", "M99", "", "10.00", "0.00", "-10.00", "unknown_member"},
      });
  EXPECT_EQ(r.their_members, 8);    // M01 M02 M03 M04 M05 M06 M08 M99
  EXPECT_EQ(r.members_in_both, 4);  // M01, M04, M05, M06
  EXPECT_EQ(r.their_claims, 7);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("their_note"), std::string::npos);

  // The reasons name the step, the unit, the versions and the dates involved.
  auto reason = [&](const char* kind, const char* member) {
    for (const auto& d : r.differences) {
      if (DifferenceKindName(d.kind) == std::string(kind) && d.member_id == member) return d.reason;
    }
    return std::string();
  };
  EXPECT_NE(reason("member_not_attributed", "M02").find("contract C-BETA at step 1"),
            std::string::npos);
  EXPECT_NE(reason("member_not_attributed", "M02").find("allowed 100.00"), std::string::npos);
  EXPECT_NE(reason("member_not_attributed", "M03").find("tin:444444444"), std::string::npos);
  EXPECT_NE(reason("claim_voided", "M04").find("version 2"), std::string::npos);
  EXPECT_NE(reason("claim_replaced", "M04").find("version 1 (original) paid 100.00"),
            std::string::npos);
  EXPECT_NE(reason("claim_paid_after_runout", "M04").find("run-out cutoff 2026-03-31"),
            std::string::npos);
  EXPECT_NE(reason("member_paid_differs", "M04").find("30.00 paid after the run-out cutoff (A7)"),
            std::string::npos);
  EXPECT_NE(reason("member_paid_differs", "M04").find("voided claims: A5 (version 2)"),
            std::string::npos);
  EXPECT_NE(reason("truncated", "M06").find("cap 1200.00 x 12/12 = 1200.00"), std::string::npos);
  // Step and unit come with every member-level difference.
  EXPECT_EQ(r.differences[0].step, 1);
  EXPECT_EQ(r.differences[0].unit, "contract:C-BETA");
  EXPECT_EQ(r.differences[1].unit, "tin:444444444");
}

TEST_F(ReconcileTest, TheHtmlPageSummarisesFirstWithTotals) {
  ReconcileReport r =
      Run("member_id,claim_id,expected_paid,claim_count\n"
          "M01,,120.00,2\nM02,,90.00,\nM03,A4,50.00,\nM04,,170.00,4\nM04,A5,70.00,\n"
          "M04,A6,100.00,\nM04,A7,30.00,\nM04,A8,40.00,\nM05,A10,45.00,\nM06,,1500.00,\n"
          "M08,X404,5.00,\nM99,,10.00,\n");
  ASSERT_EQ(r.differences.size(), 15u);  // as in EveryKindOfDifferenceWithItsReason
  const std::string h = ReconcileHtml(r, "theirs.csv", "data:tests/api/data");
  // Members compared: their 8 + our 5 - 4 on both = 9; a member-level difference names M02,
  // M03, M04, M06, M08, M10 and M99 (7), so M01 and M05 agree (2).
  EXPECT_NE(h.find("<tr><td>members</td><td class=\"n\" data-v=\"9\">9</td><td class=\"n\" "
                   "data-v=\"2\">2</td><td class=\"n\" data-v=\"7\">7</td>"),
            std::string::npos)
      << h;
  // Claims compared: their 7 claim rows + A9 (counted, not on their list) = 8; differences
  // name A4 A5 A6 A7 A10 A9 X404 (7), so only A8 agrees.
  EXPECT_NE(h.find("<tr><td>claims</td><td class=\"n\" data-v=\"8\">8</td><td class=\"n\" "
                   "data-v=\"1\">1</td><td class=\"n\" data-v=\"7\">7</td>"),
            std::string::npos);
  // TOTAL: 9 + 8 = 17 compared, 2 + 1 = 3 agree, 7 + 7 = 14 differ.
  EXPECT_NE(h.find("<tr class=\"total\" data-check=\"total\"><td>TOTAL</td><td class=\"n\" "
                   "data-v=\"17\">17</td><td class=\"n\" data-v=\"3\">3</td><td class=\"n\" "
                   "data-v=\"14\">14</td><td>15 differences listed below</td>"),
            std::string::npos);
  // The largest money difference is M06's truncation (-300.00), then M02's -90.00.
  const size_t largest = h.find("<h2>Largest money differences</h2>");
  ASSERT_NE(largest, std::string::npos);
  const size_t m06 = h.find("<td>truncated</td><td>M06</td>", largest);
  const size_t m02 = h.find("<td>member not attributed</td><td>M02</td>", largest);
  EXPECT_LT(m06, m02);
  EXPECT_LT(h.find("id=\"summary\""), largest);
  EXPECT_LT(largest, h.find("class=\"sortable filterable\" aria-label=\"differences\""));
  EXPECT_NE(h.find("data-v=\"-300.00\">-300.00</td>"), std::string::npos);
  EXPECT_NE(h.find("@media print"), std::string::npos);
}

TEST_F(ReconcileTest, ExcludedAndNotServedMembersSayWhy) {
  // M07 has medicare_advantage all year; from C-BETA's side M01 has no C-BETA line at all.
  ReconcileReport acme = Run("member_id\nM07\nM01\nM04\nM05\nM06\nM10\n");
  ExpectDifferences(acme, {{"member_not_attributed", "M07", "", "", "", "", "excluded_program"}});
  EXPECT_NE(acme.differences[0].reason.find("medicare_advantage covers 2025-01-01"),
            std::string::npos);
  ReconcileReport beta = Run("member_id\nM02\nM08\nM01\n", "C-BETA");
  ExpectDifferences(
      beta, {{"member_not_attributed", "M01", "", "", "", "", "attributed_to_other_contract"}});
}

TEST_F(ReconcileTest, RowsOfOneClaimAddUp) {
  // A billing export with one row per claim line: 25 + 35 = 60 = A9's paid.
  ReconcileReport r = Run("member_id,claim_id,expected_paid\nM05,A9,25.00\nM05,A9,35.00\n");
  ExpectDifferences(r, {{"member_not_listed", "M01", "", "", "120.00", "", "attributed"},
                        {"member_not_listed", "M04", "", "", "100.00", "", "attributed"},
                        {"member_not_listed", "M06", "", "", "1500.00", "", "attributed"},
                        {"member_not_listed", "M10", "", "", "30.00", "", "attributed"}});
  EXPECT_EQ(r.their_claims, 1);
}

TEST_F(ReconcileTest, CsvAndJsonOutput) {
  ReconcileReport r =
      Run("member_id,expected_paid\nM99,10.00\nM01,120.00\nM04,100.00\nM05,60\nM06,\nM10,30\n");
  ASSERT_EQ(r.differences.size(), 1u);
  const std::string csv = ReconcileCsv(r);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "kind,member_id,claim_id,theirs,ours,delta,status,step,unit,version,their_lines,"
            "reason\r");
  EXPECT_NE(csv.find("unknown_member,M99,,10.00,0.00,-10.00,unknown_member,,,,2,"),
            std::string::npos)
      << csv;
  auto j = ReconcileJson(r);
  EXPECT_EQ(j["schema"], "vbp.reconcile/1");
  EXPECT_EQ(j["summary"]["differences"], 1);
  EXPECT_EQ(j["summary"]["by_kind"]["unknown_member"], 1);
  EXPECT_EQ(j["differences"][0]["their_lines"][0], 2);
}

TEST(TheirCsvTest, ParsesQuotedFieldsAndRefusesBadValuesByLine) {
  auto ok = ParseTheirCsv(
      "\xEF\xBB\xBFMember_ID , Claim_ID,expected_paid\r\n"
      "\"M,1\",\"A\"\"1\",12.5\r\n\r\nM2,,\n");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->rows.size(), 2u);
  EXPECT_EQ(ok->rows[0].member_id, "M,1");
  EXPECT_EQ(ok->rows[0].claim_id, "A\"1");
  EXPECT_EQ(*ok->rows[0].expected_paid, *Money::Parse("12.50"));
  EXPECT_EQ(ok->rows[1].line, 4);
  EXPECT_FALSE(ok->rows[1].expected_paid);

  const std::pair<const char*, const char*> bad[] = {
      {"", "empty"},
      {"claim_id\nA1\n", "no member_id column"},
      {"member_id,member_id\nM1,M1\n", "appears twice"},
      {"member_id,expected_paid\nM1,\"$12.00\"\n", "line 2, expected_paid"},
      {"member_id,expected_paid\nM1,1,234.00\n", "line 2: 3 fields"},
      {"member_id,claim_count\nM1,-1\n", "line 2, claim_count"},
      {"member_id,claim_id,claim_count\nM1,A1,2\n", "member row"},
      {"member_id\n,\n", "line 2"},
      {"member_id\n\"M1\n", "not closed"},
      {"member_id\nM\"1\n", "quote inside"},
      {"member_id\n\"M1\"x\n", "line 2: unexpected text after a closing quote"},
  };
  for (const auto& [text, why] : bad) {
    auto r = ParseTheirCsv(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find(why), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace vbp
