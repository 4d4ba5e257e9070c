// Building blocks of the generator: PRNG, distributions, ids, JSON text, calendar.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "connectors/ingest/generate/ids.h"
#include "connectors/ingest/generate/ndjson_writer.h"
#include "connectors/ingest/generate/random.h"

namespace vbp::generate {
namespace {

TEST(RandomTest, SameSeedAndStreamGiveTheSameSequence) {
  Rng a(42, 7), b(42, 7), c(42, 8);
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
}

// The generator's bytes depend on these exact numbers: a change here changes every dataset.
TEST(RandomTest, Xoshiro256StarStarFromSplitMix64IsPinned) {
  Rng r(1, 0);
  EXPECT_EQ(r.Next(), 0xBF2DB2C021BBE63DULL) << std::hex << r.Next();
}

TEST(RandomTest, BelowStaysInRangeAndCoversIt) {
  Rng r(3, 0);
  std::array<int, 7> seen{};
  for (int i = 0; i < 7000; ++i) {
    const uint64_t v = r.Below(7);
    ASSERT_LT(v, 7u);
    ++seen[v];
  }
  for (int n : seen) EXPECT_GT(n, 850);
  for (int i = 0; i < 100; ++i) {
    const int64_t v = r.Between(-3, 3);
    EXPECT_GE(v, -3);
    EXPECT_LE(v, 3);
  }
}

TEST(RandomTest, QuantileTablesAreMonotoneWithMedianOne) {
  for (const QuantileTable* t : {&kLogNormal025, &kLogNormal035, &kLogNormal050, &kLogNormal060}) {
    EXPECT_EQ(t->v[32], 10000);
    for (size_t i = 1; i < t->v.size(); ++i) EXPECT_LT(t->v[i - 1], t->v[i]);
  }
  Rng r(5, 0);
  int64_t below = 0;
  for (int i = 0; i < 10000; ++i) below += kLogNormal050.Sample(r) < 10000;
  EXPECT_NEAR(below, 5000, 300);
}

TEST(RandomTest, ParetoIsBoundedAndHeavyTailed) {
  Rng r(9, 0);
  int64_t over_double = 0;
  for (int i = 0; i < 20000; ++i) {
    const int64_t x = Pareto2(r, 1000, 10000);
    ASSERT_GE(x, 1000);
    ASSERT_LE(x, 10000);
    over_double += x >= 2000;
  }
  // P(X >= 2 xm) = 1/4 for alpha = 2.
  EXPECT_NEAR(over_double, 5000, 400);
  EXPECT_EQ(ISqrt(0), 0u);
  EXPECT_EQ(ISqrt(99), 9u);
  EXPECT_EQ(ISqrt(100), 10u);
  EXPECT_EQ(ISqrt(1ULL << 52), 1ULL << 26);
}

TEST(IdsTest, NpiCheckDigitFollowsTheCmsLuhnRule) {
  // CMS's worked example: 123456789 -> check digit 3.
  EXPECT_EQ(NpiCheckDigit("123456789"), '3');
  EXPECT_TRUE(IsValidNpi("1234567893"));
  EXPECT_FALSE(IsValidNpi("1234567890"));
  EXPECT_FALSE(IsValidNpi("123456789"));
  EXPECT_FALSE(IsValidNpi("12345678A3"));
  // A real NPI from the Tuva provider file.
  EXPECT_TRUE(IsValidNpi("1003011404"));
}

TEST(IdsTest, GeneratedIdsAreUniqueAndWellFormed) {
  std::set<std::string> npis, mbis, tins, claims;
  const std::regex mbi(
      "[1-9][AC-HJKMNP-RT-Y][0-9AC-HJKMNP-RT-Y][0-9][AC-HJKMNP-RT-Y]"
      "[0-9AC-HJKMNP-RT-Y][0-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y][0-9][0-9]");
  for (uint64_t i = 0; i < 5000; ++i) {
    const std::string npi = MakeNpi(i % 2 ? '1' : '2', i, 77);
    EXPECT_TRUE(IsValidNpi(npi)) << npi;
    npis.insert(npi);
    const std::string m = MakeMbi(i, 77);
    EXPECT_TRUE(std::regex_match(m, mbi)) << m;
    mbis.insert(m);
    const std::string t = MakeTin(i, 77);
    EXPECT_EQ(t.size(), 9u);
    tins.insert(t);
    claims.insert(MakeClaimId(i * 4000 + 3, 77));
  }
  EXPECT_EQ(npis.size(), 5000u);
  EXPECT_EQ(mbis.size(), 5000u);
  EXPECT_EQ(tins.size(), 5000u);
  EXPECT_EQ(claims.size(), 5000u);
}

TEST(JsonTextTest, StringsAreEscaped) {
  std::string out;
  json::AppendString(out, std::string("a\"b\\c\nd\te\x01\x7f") + "\xc3\xa9");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\te\\u0001\\u007f\xc3\xa9\"");
}

TEST(JsonTextTest, CentsHaveTwoDecimals) {
  auto cents = [](int64_t c) {
    std::string s;
    json::AppendCents(s, c);
    return s;
  };
  EXPECT_EQ(cents(0), "\"0.00\"");
  EXPECT_EQ(cents(5), "\"0.05\"");
  EXPECT_EQ(cents(12345), "\"123.45\"");
  EXPECT_EQ(cents(-1230), "\"-12.30\"");
}

TEST(CalendarTest, DaysRoundTripAndFormat) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2024, 2, 29) + 1, DaysFromCivil(2024, 3, 1));
  char buf[10];
  FormatDay(DaysFromCivil(2025, 12, 31), buf);
  EXPECT_EQ(std::string(buf, 10), "2025-12-31");
  for (int32_t d = DaysFromCivil(1899, 1, 1); d < DaysFromCivil(2101, 1, 1); d += 13) {
    int y = 0;
    unsigned m = 0, dd = 0;
    CivilFromDays(d, &y, &m, &dd);
    ASSERT_EQ(DaysFromCivil(y, m, dd), d);
  }
}

}  // namespace
}  // namespace vbp::generate
