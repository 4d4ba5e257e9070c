// The one paid-date rule (rules/core/paid_cutoff.h): a claim version counts when paid on or
// before min(run-out cutoff, as-of); an evaluation's rule takes the run-out of its year.
#include "rules/core/paid_cutoff.h"

#include <gtest/gtest.h>

#include "rules/core/embedded_rule_sets.h"
#include "rules/core/member_evaluation.h"

namespace vbp::rules {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }

ClaimView PaidOn(const char* paid) {
  ClaimView c;
  c.claim_id = "c";
  c.paid_date = D(paid);
  return c;
}

TEST(PaidCutoffTest, CountsThroughTheEarlierOfRunoutAndAsOf) {
  const PaidCutoff as_of_first(D("2026-03-31"), D("2026-01-31"));
  EXPECT_EQ(as_of_first.last(), D("2026-01-31"));
  EXPECT_TRUE(as_of_first.Counts(PaidOn("2026-01-31")));
  EXPECT_FALSE(as_of_first.Counts(PaidOn("2026-02-01")));
  EXPECT_EQ(as_of_first.WhyNot(PaidOn("2026-01-31")), nullptr);
  EXPECT_STREQ(as_of_first.WhyNot(PaidOn("2026-02-01")), "paid after the as-of date");

  const PaidCutoff runout_first(D("2026-03-31"), D("2026-06-30"));
  EXPECT_EQ(runout_first.last(), D("2026-03-31"));
  EXPECT_TRUE(runout_first.Counts(PaidOn("2026-03-31")));
  EXPECT_STREQ(runout_first.WhyNot(PaidOn("2026-04-01")), "paid after the run-out cutoff");
  // Past both: the as-of is named (the claim is not yet paid at the as-of).
  EXPECT_STREQ(runout_first.WhyNot(PaidOn("2026-07-01")), "paid after the as-of date");
}

TEST(PaidCutoffTest, CountedKeepsTheCountingVersionsInOrder) {
  const ClaimView all[] = {PaidOn("2025-05-01"), PaidOn("2026-05-01"), PaidOn("2025-01-01")};
  const auto counted = PaidCutoff(D("2026-03-31"), D("2026-06-30")).Counted(all);
  ASSERT_EQ(counted.size(), 2u);
  EXPECT_EQ(counted[0].paid_date, D("2025-05-01"));
  EXPECT_EQ(counted[1].paid_date, D("2025-01-01"));
}

TEST(PaidCutoffTest, AnEvaluationUsesTheRunoutOfItsPerformanceYear) {
  const RuleSet& rs = ShippedRuleSets().at("vbp-reference@2025.1");
  auto p = rs.Resolve(nlohmann::json{{"runout_months", 6}}, "test");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EvaluationContext ctx;
  ctx.performance_year = 2025;
  ctx.params = &*p;
  ctx.as_of = D("2026-12-31");
  // PY 2025 with 6 months of run-out: cutoff 2026-06-30, before the as-of.
  EXPECT_EQ(ctx.paid_cutoff().last(), D("2026-06-30"));
  EXPECT_EQ(ctx.paid_cutoff().runout_cutoff(), D("2026-06-30"));
  ctx.as_of = D("2026-02-28");
  EXPECT_EQ(ctx.paid_cutoff().last(), D("2026-02-28"));
}

}  // namespace
}  // namespace vbp::rules
