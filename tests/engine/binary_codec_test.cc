#include "engine/state/binary_codec.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace vbp::binary {
namespace {

// The length-prefixed decimal digits Big and Money write, built by hand from BigInt::str().
std::string DigitsField(const BigInt& v) {
  Writer w;
  w.Str(v.str());
  return w.Take();
}

std::vector<BigInt> Values() {
  const BigInt max64 = std::numeric_limits<int64_t>::max();
  const BigInt min64 = std::numeric_limits<int64_t>::min();
  return {0,
          1,
          -1,
          999999999999999999,  // 18 digits
          -999999999999999999,
          max64,
          min64,
          max64 + 1,
          min64 - 1,
          BigInt("123456789012345678901234567890"),
          BigInt("-170141183460469231731687303715884105727")};  // -(2^127 - 1)
}

TEST(BinaryCodecTest, FastPathsWriteTheSameBytesAsTheDecimalDigits) {
  for (const BigInt& v : Values()) {
    SCOPED_TRACE(v.str());
    Writer big;
    big.Big(v);
    EXPECT_EQ(big.Take(), DigitsField(v));
    Writer money;
    money.Money(Money::FromMicros(Int128(v)));
    EXPECT_EQ(money.Take(), DigitsField(v));
  }
}

TEST(BinaryCodecTest, BigAndMoneyReadBackExactly) {
  for (const BigInt& v : Values()) {
    SCOPED_TRACE(v.str());
    const std::string bytes = DigitsField(v);
    Reader r(bytes);
    EXPECT_EQ(r.Big(), v);
    EXPECT_TRUE(r.ok() && r.AtEnd());
    Reader m(bytes);
    EXPECT_EQ(m.Money().micros(), Int128(v));
    EXPECT_TRUE(m.ok() && m.AtEnd());
  }
}

// A rational is written as numerator and denominator (> 0); a zero or negative denominator
// is corruption, refused (a negative one made Boost throw: found by fuzz_state_values).
TEST(BinaryCodecTest, RationalsWithoutAPositiveDenominatorAreRefused) {
  for (const BigInt& d : {BigInt(0), BigInt(-3), BigInt("-66666666666666666666666666666")}) {
    SCOPED_TRACE(d.str());
    Writer w;
    w.Big(BigInt("6666666666666666666666666666666"));
    w.Big(d);
    const std::string bytes = w.Take();
    Reader r(bytes);
    r.Rat();
    EXPECT_FALSE(r.ok());
  }
  Writer w;
  w.Rat(Rational(BigInt(-2), BigInt(6)));
  const std::string bytes = w.Take();
  Reader r(bytes);
  EXPECT_EQ(r.Rat(), Rational(BigInt(-1), BigInt(3)));
  EXPECT_TRUE(r.ok());
}

TEST(BinaryCodecTest, CorruptDigitsAreRefused) {
  // Leading zeros are never written; the 19+-digit ones used to reach Boost, which reads
  // them as octal and throws on an 8 or 9 (a crash found by tests/fuzz, fuzz_state_values).
  for (const std::string& text :
       {std::string(""), std::string("-"), std::string("1a"), std::string("+1"), std::string("1-"),
        std::string(" 1"), std::string("00"), std::string("-0"), std::string("01"),
        std::string("0000000000000000001666636660000000000000000000010731578367241005714"),
        std::string("-0000000000000000000000000009")}) {
    SCOPED_TRACE("\"" + text + "\"");
    Writer w;
    w.Str(text);
    const std::string bytes = w.Take();
    Reader r(bytes);
    r.Big();
    EXPECT_FALSE(r.ok());
    Reader m(bytes);
    m.Money();
    EXPECT_FALSE(m.ok());
  }
  // 2^130 is a valid BigInt but no Money this engine writes (128-bit micros).
  const std::string huge = DigitsField(BigInt(1) << 130);
  Reader r(huge);
  EXPECT_EQ(r.Big(), BigInt(1) << 130);
  EXPECT_TRUE(r.ok());
  Reader m(huge);
  m.Money();
  EXPECT_FALSE(m.ok());
  // A length beyond the bytes.
  const std::string truncated = std::string(1, '\x05') + "12";  // outlives the Reader
  Reader t(truncated);
  t.Big();
  EXPECT_FALSE(t.ok());
}

}  // namespace
}  // namespace vbp::binary
