// SPEC §2 claim versions and SPEC §6 counting, through the batch engine.
#include <algorithm>
#include <random>

#include "tests/engine/scenario.h"

namespace vbp::testing {
namespace {

constexpr const char* kTin = "111111111";
constexpr const char* kTin2 = "222222222";
constexpr const char* kPcp = "1000000001";
constexpr const char* kPcp2 = "1000000002";

class VersionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    s.AddProvider(kPcp, kTin, ProviderClass::kPcp);
    s.AddProvider(kPcp2, kTin2, ProviderClass::kPcp);
    s.AddContract("C1", {kTin}, R"({"benchmark_pbpy": "10000.00"})");
    s.AddContract("C2", {kTin2}, R"({"benchmark_pbpy": "10000.00"})");
    s.AddMember("M");
  }
  Scenario s;
};

TEST_F(VersionsTest, VoidRemovesTheClaim) {
  s.AddClaim("x", "M", kTin, kPcp, "2025-03-01", {{"99213", "2025-02-10", "100.00", "80.00"}});
  s.AddClaim("x", "M", kTin, kPcp, "2025-04-01", {}, 2, Frequency::kVoid);
  auto out = s.Settle();
  EXPECT_EQ(out.Member("M")["status"], "no_qualifying_service");
  EXPECT_EQ(out.Member("M")["expenditure_total"], "0.00");
  // v1 superseded by v2 (the void is the effective version: applied).
  EXPECT_EQ(out.counts.claims.read, 2);
  EXPECT_EQ(out.counts.claims.applied, 1);
  EXPECT_EQ(out.counts.claims.superseded, 1);
}

TEST_F(VersionsTest, ReplacementReplacesAllLines) {
  s.AddClaim(
      "x", "M", kTin, kPcp, "2025-03-01",
      {{"99213", "2025-02-10", "100.00", "80.00"}, {"99214", "2025-02-10", "100.00", "80.00"}});
  s.AddClaim("y", "M", kTin2, kPcp2, "2025-03-01", {{"99213", "2025-02-11", "150.00", "120.00"}});
  // v2 keeps only one line of 30: C1 falls from 200 to 30 and C2 (150) wins.
  s.AddClaim("x", "M", kTin, kPcp, "2025-04-01", {{"99213", "2025-02-10", "30.00", "25.00"}}, 2,
             Frequency::kReplacement);
  auto m = s.Settle().Member("M");
  EXPECT_EQ(m["contract_id"], "C2");
  EXPECT_EQ(m["step1_allowed_by_unit"][1]["allowed"], "30.00");
  EXPECT_EQ(m["expenditure_total"], "145.00");  // 25 + 120
}

TEST_F(VersionsTest, SameVersionTwiceIsANoOp) {
  s.AddClaim("x", "M", kTin, kPcp, "2025-03-01", {{"99213", "2025-02-10", "100.00", "80.00"}});
  s.AddClaim("x", "M", kTin, kPcp, "2025-03-01", {{"99213", "2025-02-10", "100.00", "80.00"}});
  auto out = s.Settle();
  EXPECT_EQ(out.Member("M")["expenditure_total"], "80.00");
  EXPECT_EQ(out.counts.claims.applied, 1);
  EXPECT_EQ(out.counts.claims.superseded, 1);
  EXPECT_EQ(out.counts.duplicates, 1);
  EXPECT_TRUE(out.rejects.empty());
}

TEST_F(VersionsTest, LowerVersionAfterAHigherOneChangesNothing) {
  s.AddClaim("x", "M", kTin, kPcp, "2025-04-01", {{"99213", "2025-02-10", "30.00", "25.00"}}, 2,
             Frequency::kReplacement);
  s.AddClaim("x", "M", kTin, kPcp, "2025-03-01", {{"99213", "2025-02-10", "100.00", "80.00"}});
  auto out = s.Settle();
  EXPECT_EQ(out.Member("M")["expenditure_total"], "25.00");
  EXPECT_EQ(out.counts.stale, 1);
  EXPECT_EQ(out.counts.claims.superseded, 1);
}

TEST_F(VersionsTest, SameVersionWithDifferentContentIsAConflictAndTheFirstStays) {
  s.AddClaim("x", "M", kTin, kPcp, "2025-03-01", {{"99213", "2025-02-10", "100.00", "80.00"}});
  s.AddClaim("x", "M", kTin, kPcp, "2025-03-01", {{"99213", "2025-02-10", "100.00", "99.00"}});
  auto out = s.Settle();
  EXPECT_EQ(out.Member("M")["expenditure_total"], "80.00");
  EXPECT_EQ(out.counts.claims.rejected, 1);
  EXPECT_EQ(out.counts.conflicts, 1);
  ASSERT_EQ(out.rejects.size(), 1u);
  EXPECT_EQ(out.rejects[0].source.ToString(), "claims.ndjson:2");
  EXPECT_EQ(out.rejects[0].field, "version");
  EXPECT_NE(
      out.rejects[0].reason.find("already received with different content at claims.ndjson:1"),
      std::string::npos);
}

TEST_F(VersionsTest, CountsAddUpForEveryKind) {
  s.AddMember("M");  // an upsert of the same member: the first record is superseded
  s.AddProvider(kPcp, kTin, ProviderClass::kNpp);  // same (npi, effective): replaces
  s.AddContract("C3", {"555555555"}, R"({"no_such_parameter": 1})");  // rejected at settlement
  s.AddClaim("x", "M", kTin, kPcp, "2025-03-01", {{"99213", "2025-02-10", "100.00", "80.00"}});
  s.AddClaim("x", "M", kTin, kPcp, "2025-03-01", {{"99213", "2025-02-10", "100.00", "80.00"}});
  s.AddClaim("x", "M", kTin, kPcp, "2025-03-01", {{"99213", "2025-02-10", "100.00", "81.00"}});
  auto out = s.Settle();
  EXPECT_TRUE(out.counts.Balanced());
  EXPECT_EQ(out.counts.members.read, 2);
  EXPECT_EQ(out.counts.members.applied, 1);
  EXPECT_EQ(out.counts.members.superseded, 1);
  EXPECT_EQ(out.counts.providers.read, 3);
  EXPECT_EQ(out.counts.providers.superseded, 1);
  EXPECT_EQ(out.counts.contracts.read, 3);
  EXPECT_EQ(out.counts.contracts.applied, 2);
  EXPECT_EQ(out.counts.contracts.rejected, 1);
  EXPECT_EQ(out.counts.claims.read, 3);
  EXPECT_EQ(out.counts.claims.applied, 1);
  EXPECT_EQ(out.counts.claims.superseded, 1);
  EXPECT_EQ(out.counts.claims.rejected, 1);
  // The unusable contract is named with its bad parameter.
  bool found = false;
  for (const auto& r : out.rejects) {
    if (r.key == "C3") {
      found = true;
      EXPECT_EQ(r.field, "parameters.no_such_parameter");
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(VersionsTest, ContractNamingAnUnknownRuleSetIsRejectedWithWhatToDo) {
  s.AddContract("C9", {"555555555"}, "{}", 2025, "nope@1");
  auto out = s.Settle();
  ASSERT_FALSE(out.rejects.empty());
  EXPECT_EQ(out.rejects.back().field, "rule_set");
  EXPECT_NE(out.rejects.back().reason.find("--rules FILE"), std::string::npos);
}

// A seeded random population: statements and member lines must be byte-identical whatever
// the record order and the thread count.
TEST(OrderIndependenceTest, ShuffledInputsGiveIdenticalBytes) {
  const uint64_t seed = 20251126;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  auto pick = [&rng](uint64_t n) { return rng() % n; };
  Scenario base;
  const char* tins[] = {"111111111", "222222222", "333333333", "444444444"};
  for (int i = 0; i < 4; ++i) {
    for (int k = 0; k < 3; ++k) {
      base.AddProvider(std::to_string(1000000000 + i * 10 + k), tins[i],
                       k == 2 ? ProviderClass::kSpecialist : ProviderClass::kPcp);
    }
  }
  base.AddContract("A", {tins[0], tins[1]},
                   R"({"benchmark_pbpy": "3000.00", "pmpm_unscored": "1.10"})");
  base.AddContract("B", {tins[2]}, R"({"benchmark_pbpy": "2500.00", "risk_model": "two_sided"})");
  for (int m = 0; m < 300; ++m) {
    std::string id = "M" + std::to_string(m);
    Member& mem = base.AddMember(id, m % 7 == 0 ? "2025-04-01" : "2025-01-01");
    if (m % 3 == 0) mem.risk_scores[2025] = Rational(static_cast<int64_t>(800 + pick(900)), 1000);
    int claims = 1 + static_cast<int>(pick(6));
    for (int c = 0; c < claims; ++c) {
      int t = static_cast<int>(pick(4));
      std::string npi = std::to_string(1000000000 + t * 10 + static_cast<int>(pick(3)));
      char date[32];
      std::snprintf(date, sizeof(date), "2025-%02d-%02d", 1 + static_cast<int>(pick(12)),
                    1 + static_cast<int>(pick(28)));
      std::string allowed = std::to_string(20 + pick(300)) + "." + std::to_string(10 + pick(90));
      std::string claim_id = id + "-" + std::to_string(c);
      const char* code = pick(3) == 0 ? "93000" : "99213";
      base.AddClaim(claim_id, id, tins[t], npi, "2026-01-15",
                    {{code, date, allowed.c_str(), allowed.c_str()}});
      if (pick(5) == 0) {  // a replacement with a new amount
        base.AddClaim(claim_id, id, tins[t], npi, "2026-02-15", {{code, date, "10.00", "9.00"}}, 2,
                      Frequency::kReplacement);
      }
    }
  }
  std::string expected_statements, expected_members;
  for (int trial = 0; trial < 4; ++trial) {
    Scenario s = base;
    std::shuffle(s.members_.begin(), s.members_.end(), rng);
    std::shuffle(s.providers_.begin(), s.providers_.end(), rng);
    std::shuffle(s.contracts_.begin(), s.contracts_.end(), rng);
    std::shuffle(s.claims_.begin(), s.claims_.end(), rng);
    auto out = s.Settle(std::nullopt, 1 + trial);
    std::string statements = out.StatementText("A") + out.StatementText("B");
    std::string members;
    for (const auto& m : out.members) members += m.dump() + "\n";
    EXPECT_TRUE(out.counts.Balanced());
    if (trial == 0) {
      expected_statements = statements;
      expected_members = members;
      EXPECT_GT(out.Statement("A").assigned_members, 50);
      EXPECT_GT(out.Statement("B").assigned_members, 20);
    } else {
      EXPECT_EQ(statements, expected_statements) << "trial " << trial;
      EXPECT_EQ(members, expected_members) << "trial " << trial;
    }
  }
}

}  // namespace
}  // namespace vbp::testing
