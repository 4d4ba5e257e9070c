// Issue 16, item 1: a claim the claim arena cannot hold (65,536 lines or diagnoses: 16-bit
// counts; a code longer than its inline width) used to abort `vbp settle` at an invariant. The
// engine now rejects it with its source position and goes on; the statements of the other
// records are byte for byte those of a run without it, and the counts add up.
#include <nlohmann/json.hpp>

#include "tests/engine/scenario.h"

namespace vbp::testing {
namespace {

constexpr const char* kTin = "111111111";
constexpr const char* kPcp = "1000000001";

// A settled world of two members with one visit each; `poison` adds one claim for M1.
Scenario::Output SettleWith(const std::function<void(Claim&)>& poison) {
  Scenario s;
  s.AddProvider(kPcp, kTin, ProviderClass::kPcp);
  s.AddContract("C1", {kTin});
  s.AddMember("M1");
  s.AddMember("M2");
  s.AddClaim("V1", "M1", kTin, kPcp, "2025-03-01", {{"99213", "2025-02-10", "100.00", "80.00"}});
  if (poison) {
    // Paid later than every other claim: applied, it would move the default as-of.
    Claim& c = s.AddClaim("P1", "M1", kTin, kPcp, "2025-12-30",
                          {{"99214", "2025-11-10", "150.00", "120.00"}});
    poison(c);
  }
  s.AddClaim("V2", "M2", kTin, kPcp, "2025-04-01", {{"99213", "2025-03-10", "100.00", "80.00"}});
  return s.Settle();
}

// The statement without its data_quality block, and that block.
std::pair<std::string, nlohmann::json> SplitQuality(const std::string& text) {
  auto j = nlohmann::json::parse(text);
  nlohmann::json q = j["data_quality"];
  j.erase("data_quality");
  return {j.dump(), q};
}

void ExpectRejectedLikeADecodeFailure(const std::function<void(Claim&)>& poison,
                                      const std::string& field, const std::string& reason,
                                      const std::string& rejected_paid) {
  const Scenario::Output clean = SettleWith(nullptr);
  const Scenario::Output out = SettleWith(poison);
  ASSERT_EQ(out.rejects.size(), 1u);
  const Reject& r = out.rejects[0];
  EXPECT_EQ(r.source.ToString(), "claims.ndjson:2");  // the second claim added
  EXPECT_EQ(r.key, "P1");
  ASSERT_TRUE(r.kind.has_value());
  EXPECT_EQ(*r.kind, RecordKind::kClaim);
  EXPECT_EQ(r.field, field);
  EXPECT_EQ(r.reason, reason);
  // Counts: 3 read = 2 applied + 1 rejected; the rejected claim's lines are not counted.
  EXPECT_EQ(out.counts.claims.read, 3);
  EXPECT_EQ(out.counts.claims.applied, 2);
  EXPECT_EQ(out.counts.claims.superseded, 0);
  EXPECT_EQ(out.counts.claims.rejected, 1);
  EXPECT_EQ(out.counts.claim_lines_read, 2);
  EXPECT_TRUE(out.counts.Balanced());
  // Nothing else changed: the as-of (V2's paid date, not P1's) and the statement text.
  EXPECT_EQ(out.result.as_of, D("2025-04-01"));
  EXPECT_EQ(out.result.as_of, clean.result.as_of);
  ASSERT_FALSE(out.StatementText("C1").empty());
  const auto [figures, quality] = SplitQuality(out.StatementText("C1"));
  EXPECT_EQ(figures, SplitQuality(clean.StatementText("C1")).first);
  // SPEC §6: the statement says what the rejected claim could have changed (M1 is C1's).
  EXPECT_EQ(quality["rejected_claim_records"], 1) << quality.dump();
  EXPECT_EQ(quality["rejected_paid_total"], rejected_paid) << quality.dump();
}

TEST(PoisonClaimTest, A65536LineClaimIsRejectedNotAborted) {
  ExpectRejectedLikeADecodeFailure(
      [](Claim& c) {
        ClaimLine l = c.lines[0];
        c.lines.clear();
        for (int32_t n = 1; n <= 65536; ++n) {
          l.line = n;
          c.lines.push_back(l);
        }
      },
      "lines", "too many lines: 65536 (at most 9999 per claim)", "7864320.00");  // 65536 x 120
}

TEST(PoisonClaimTest, A65536DiagnosisClaimIsRejectedNotAborted) {
  ExpectRejectedLikeADecodeFailure([](Claim& c) { c.diagnoses.assign(65536, "I10"); }, "diagnoses",
                                   "too many diagnoses: 65536 (at most 99 per claim)", "120.00");
}

// SPEC §6: a descriptive code wider than its inline storage is kept, matches no code list and
// warns; the claim is paid (its 120.00 is in expenditure) and never aborts the engine.
TEST(PoisonClaimTest, ACodeWiderThanItsStorageIsKeptAndMatchesNothing) {
  const Scenario::Output clean = SettleWith(nullptr);
  const Scenario::Output out = SettleWith([](Claim& c) {
    c.lines[0].hcpcs = "99214-25";
    c.diagnoses = {"E11.65XXXX"};
  });
  EXPECT_TRUE(out.rejects.empty());
  EXPECT_EQ(out.counts.claims.applied, 3);
  const auto j = nlohmann::json::parse(out.StatementText("C1"));
  const auto c = nlohmann::json::parse(clean.StatementText("C1"));
  EXPECT_EQ(j["expenditure_total"], "280.00") << "80 + 80 + the kept claim's 120";
  EXPECT_EQ(c["expenditure_total"], "160.00");
  EXPECT_EQ(j["data_quality"]["code_warnings"]["hcpcs"], 1);
  EXPECT_EQ(j["data_quality"]["code_warnings"]["diagnoses"], 1);
}

TEST(PoisonClaimTest, AnOverlongMemberIdIsRejected) {
  // Its member_id is too long to be read, and its TIN is C1's: it counts for C1 by TIN.
  ExpectRejectedLikeADecodeFailure([](Claim& c) { c.member_id = MemberId(std::string(65, 'M')); },
                                   "member_id", "too long: 65 characters (at most 64)", "120.00");
}

TEST(PoisonClaimTest, UnstorableIsNulloptAtExactlyTheLimits) {
  Scenario s;
  Claim c = s.AddClaim("P1", "M1", kTin, kPcp, "2025-12-30",
                       {{"99214", "2025-11-10", "150.00", "120.00"}});
  ClaimLine l = c.lines[0];
  c.lines.clear();
  for (int32_t n = 1; n <= 9999; ++n) {
    l.line = n;
    c.lines.push_back(l);
  }
  c.diagnoses.assign(99, "E1165");
  c.claim_id = ClaimId(std::string(64, 'C'));
  EXPECT_FALSE(ClaimArena::Unstorable(c).has_value());
  ClaimArena arena;
  const uint32_t i = arena.Add(c);
  EXPECT_EQ(arena.View(i).lines.size(), 9999u);
  EXPECT_EQ(arena.View(i).diagnoses.size(), 99u);
}

}  // namespace
}  // namespace vbp::testing
