#include "connectors/codec/field_checks.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

#include "domain/date.h"
#include "domain/decimal.h"

namespace vbp::codec::internal {
namespace {

TEST(FieldChecksTest, NormalisesIcd10CmCodes) {
  std::string out;
  EXPECT_TRUE(NormalizeIcd10Cm("E11.9", &out));
  EXPECT_EQ(out, "E119");
  EXPECT_TRUE(NormalizeIcd10Cm("m54.50", &out));
  EXPECT_EQ(out, "M5450");
  EXPECT_TRUE(NormalizeIcd10Cm("I10", &out));
  EXPECT_EQ(out, "I10");
  EXPECT_TRUE(NormalizeIcd10Cm("S5252XA", &out));
  EXPECT_FALSE(NormalizeIcd10Cm("E11.", &out));
  EXPECT_FALSE(NormalizeIcd10Cm("110", &out));
  EXPECT_FALSE(NormalizeIcd10Cm("E1", &out));
  EXPECT_FALSE(NormalizeIcd10Cm("S52.52161", &out));
  EXPECT_FALSE(NormalizeIcd10Cm("E1.19", &out));
}

TEST(FieldChecksTest, RecognisesJsonNumbersExactly) {
  for (const char* ok : {"0", "-0", "12", "12.5", "1e5", "1E+5", "-0.5e-3"}) {
    EXPECT_TRUE(IsJsonNumber(ok)) << ok;
  }
  for (const char* bad : {"", "-", "01", "1.", ".5", "1e", "+1", "12abc", "NaN", "0x10"}) {
    EXPECT_FALSE(IsJsonNumber(bad)) << bad;
  }
  EXPECT_TRUE(IsJsonIntegerLiteral("-12"));
  EXPECT_FALSE(IsJsonIntegerLiteral("1.0"));
  EXPECT_FALSE(IsJsonIntegerLiteral("1e0"));
}

TEST(FieldChecksTest, CanonicalisesDecimals) {
  EXPECT_EQ(CanonicalDecimal("007.50"), "7.5");
  EXPECT_EQ(CanonicalDecimal("0.0"), "0");
  EXPECT_EQ(CanonicalDecimal("10"), "10");
  EXPECT_EQ(CanonicalDecimal("0.125"), "0.125");
  EXPECT_EQ(SignificantDecimals("1.1234560000"), 6u);
  EXPECT_EQ(IntegerDigits("000.5"), 0u);
  EXPECT_TRUE(IsZeroDecimal("000.000"));
  EXPECT_EQ(CompareWithPowerOfTen("1000000000000", 12), 0);
  EXPECT_EQ(CompareWithPowerOfTen("1000000000000.000", 12), 0);
  EXPECT_EQ(CompareWithPowerOfTen("1000000000000.01", 12), 1);
  EXPECT_EQ(CompareWithPowerOfTen("999999999999.99", 12), -1);
  EXPECT_EQ(CompareWithPowerOfTen("2000000000000", 12), 1);
}

TEST(FieldChecksTest, QuotesReasonValuesSafely) {
  EXPECT_EQ(QuoteForReason("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(QuoteForReason(std::string(100, 'x'), 4), "\"xxxx...\"");
  // Cut on a UTF-8 boundary: "é" is two bytes.
  EXPECT_EQ(QuoteForReason("a\xC3\xA9", 2), "\"a...\"");
  EXPECT_EQ(Utf8Length("\xC3\xA9t\xC3\xA9"), 3u);
}

}  // namespace
}  // namespace vbp::codec::internal

namespace vbp::codec::internal {
namespace {

// ParseDateDays is the hot-path twin of Date::Parse: same accepted language, same day numbers.
TEST(FieldChecksTest, ParsesDatesExactlyAsDateParse) {
  int checked = 0;
  for (int y : {1899, 1900, 1970, 2000, 2023, 2024, 2100, 2199, 2200}) {
    for (int m = 0; m <= 13; ++m) {
      for (int d = 0; d <= 32; ++d) {
        char buf[16];
        std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
        int32_t days = 0;
        bool fast = ParseDateDays(buf, &days);
        auto slow = Date::Parse(buf);
        ASSERT_EQ(fast, slow.ok()) << buf;
        if (fast) {
          EXPECT_EQ(days, slow->days()) << buf;
        }
        ++checked;
      }
    }
  }
  for (const char* bad : {"2025-1-01", "2025/01/01", "20250101", "2025-01-0a", " 2025-01-01",
                          "2025-01-01 ", "+025-01-01"}) {
    int32_t days = 0;
    EXPECT_FALSE(ParseDateDays(bad, &days)) << bad;
    EXPECT_FALSE(Date::Parse(bad).ok()) << bad;
  }
  EXPECT_GT(checked, 4000);
}

TEST(FieldChecksTest, FastAmountMicrosReadsTheCommonForms) {
  int64_t m = -1;
  EXPECT_TRUE(FastAmountMicros("135.98", &m));
  EXPECT_EQ(m, 135'980'000);
  EXPECT_TRUE(FastAmountMicros("0", &m));
  EXPECT_EQ(m, 0);
  EXPECT_TRUE(FastAmountMicros("007.5", &m));
  EXPECT_EQ(m, 7'500'000);
  EXPECT_TRUE(FastAmountMicros("0.000001", &m));
  EXPECT_EQ(m, 1);
  EXPECT_TRUE(FastAmountMicros("1000000000000", &m));
  EXPECT_EQ(m, int64_t{1'000'000'000'000} * 1'000'000);
  EXPECT_TRUE(FastAmountMicros("1000000000000.000000", &m));
  EXPECT_TRUE(FastAmountMicros("999999999999.999999", &m));
  EXPECT_EQ(m, int64_t{1'000'000'000'000} * 1'000'000 - 1);
  // Left to the general path: the value is over 10^12, more than 13 integer digits or 6
  // decimals (even trailing zeros), a sign, no digit on a side of the point, anything else.
  for (const char* other :
       {"1000000000000.000001", "2000000000000", "9902758253795", "0001000000000000", "1.0000000",
        "1.1234567", "-1", "+1", ".5", "5.", "", "1e3", " 1", "1 ", "1.2.3", "0x10", "１"}) {
    EXPECT_FALSE(FastAmountMicros(other, &m)) << other;
  }
}

// 1 to `max_len` characters, mostly digits (`digit_percent` in 100), else a point (up to 98)
// or a minus sign.
std::string RandomNumberish(std::mt19937_64& rng, size_t max_len, uint64_t digit_percent) {
  std::string s;
  const size_t len = 1 + rng() % max_len;
  for (size_t i = 0; i < len; ++i) {
    const uint64_t r = rng() % 100;
    s.push_back(r < digit_percent ? static_cast<char>('0' + r % 10) : r < 98 ? '.' : '-');
  }
  return s;
}

// An independent route: whatever the fast path accepts, the general checks accept with the
// same value (the decoder's ReadMoney: IsUnsignedDecimal, <= 6 significant decimals,
// <= 10^12, then Money::Parse).
TEST(FieldChecksTest, FastAmountMicrosAgreesWithTheGeneralPath) {
  std::mt19937_64 rng(20261127);
  int accepted = 0;
  for (int n = 0; n < 200000; ++n) {
    const std::string s = RandomNumberish(rng, 22, 90);
    int64_t fast = -1;
    if (!FastAmountMicros(s, &fast)) continue;
    ++accepted;
    ASSERT_TRUE(IsUnsignedDecimal(s)) << s;
    ASSERT_LE(SignificantDecimals(s), 6u) << s;
    ASSERT_LE(CompareWithPowerOfTen(s, 12), 0) << s;
    auto general = Money::Parse(s);
    ASSERT_TRUE(general.ok()) << s << ": " << general.status().ToString();
    ASSERT_EQ(general->micros(), Int128(fast)) << s;
  }
  EXPECT_GT(accepted, 10000);
}

// The decoder's units fast path returns the text itself: whatever IsSmallCanonicalInteger
// accepts, the general checks (ReadUnits: IsUnsignedDecimal, no decimals, <= 10^9) accept and
// CanonicalDecimal leaves unchanged.
TEST(FieldChecksTest, SmallCanonicalIntegersAgreeWithTheGeneralPath) {
  for (const char* yes : {"0", "1", "30", "999999999"}) {
    EXPECT_TRUE(IsSmallCanonicalInteger(yes)) << yes;
  }
  for (const char* no : {"", "00", "01", "1000000000", "1.0", "-1", "+1", "1e3", " 1", "１"}) {
    EXPECT_FALSE(IsSmallCanonicalInteger(no)) << no;
  }
  std::mt19937_64 rng(20261128);
  int accepted = 0;
  for (int n = 0; n < 100000; ++n) {
    const std::string s = RandomNumberish(rng, 11, 95);
    if (!IsSmallCanonicalInteger(s)) continue;
    ++accepted;
    ASSERT_TRUE(IsUnsignedDecimal(s)) << s;
    ASSERT_EQ(SignificantDecimals(s), 0u) << s;
    ASSERT_LE(CompareWithPowerOfTen(s, 9), 0) << s;
    ASSERT_EQ(CanonicalDecimal(s), s) << s;
  }
  EXPECT_GT(accepted, 10000);
}

}  // namespace
}  // namespace vbp::codec::internal
