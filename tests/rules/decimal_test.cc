#include "domain/decimal.h"

#include <gtest/gtest.h>

namespace vbp {
namespace {

TEST(DecimalTest, ParsesExactDecimalStrings) {
  EXPECT_EQ(*ParseExactDecimal("0.039"), Rational(39, 1000));
  EXPECT_EQ(*ParseExactDecimal("-12.50"), Rational(-25, 2));
  EXPECT_EQ(*ParseExactDecimal("7"), Rational(7));
  EXPECT_FALSE(ParseExactDecimal("1e3").ok());
  EXPECT_FALSE(ParseExactDecimal("+1").ok());
  EXPECT_FALSE(ParseExactDecimal(".5").ok());
  EXPECT_FALSE(ParseExactDecimal("5.").ok());
  EXPECT_FALSE(ParseExactDecimal("").ok());
  EXPECT_FALSE(ParseExactDecimal("1,5").ok());
}

TEST(DecimalTest, JsonNumbersAreAcceptedOnlyWhenBinaryExact) {
  EXPECT_EQ(*ParseExactJsonNumber("100"), Rational(100));
  EXPECT_EQ(*ParseExactJsonNumber("12.5"), Rational(25, 2));
  EXPECT_EQ(*ParseExactJsonNumber("1.25e2"), Rational(125));
  EXPECT_EQ(*ParseExactJsonNumber("-0.375"), Rational(-3, 8));
  EXPECT_FALSE(ParseExactJsonNumber("12.34").ok());  // 12.339999999999999857...
  EXPECT_FALSE(ParseExactJsonNumber("0.1").ok());
  EXPECT_FALSE(ParseExactJsonNumber("9007199254740993").ok());  // 2^53 + 1 rounds
}

TEST(DecimalTest, RoundsHalfToEvenAtCents) {
  EXPECT_EQ(Cents::RoundHalfEven(*ParseExactDecimal("0.125")).ToString(), "0.12");
  EXPECT_EQ(Cents::RoundHalfEven(*ParseExactDecimal("0.135")).ToString(), "0.14");
  EXPECT_EQ(Cents::RoundHalfEven(*ParseExactDecimal("-0.125")).ToString(), "-0.12");
  EXPECT_EQ(Cents::RoundHalfEven(*ParseExactDecimal("-0.135")).ToString(), "-0.14");
  EXPECT_EQ(Cents::RoundHalfEven(*ParseExactDecimal("2.004999")).ToString(), "2.00");
  EXPECT_EQ(Cents::RoundHalfEven(*ParseExactDecimal("2.005001")).ToString(), "2.01");
  EXPECT_EQ(Cents::RoundHalfEven(Rational(1, 3)).ToString(), "0.33");
  EXPECT_EQ(Cents::RoundHalfEven(Rational(-2, 3)).ToString(), "-0.67");
  EXPECT_EQ(Cents::RoundHalfEven(Rational(0)).ToString(), "0.00");
  EXPECT_EQ(FormatHalfEven(Rational(1, 12), 10), "0.0833333333");
  EXPECT_EQ(FormatHalfEven(Rational(5, 2), 0), "2");
  EXPECT_EQ(FormatHalfEven(Rational(7, 2), 0), "4");
}

TEST(DecimalTest, MoneyParsesAtMostSixDecimalsWithinBounds) {
  EXPECT_EQ(Money::Parse("123.45")->micros(), Int128(123450000));
  EXPECT_EQ(Money::Parse("0.000001")->micros(), Int128(1));
  EXPECT_EQ(Money::Parse("1.2300000")->micros(), Int128(1230000));  // trailing zeros are fine
  EXPECT_FALSE(Money::Parse("0.0000001").ok());
  EXPECT_TRUE(Money::Parse("1000000000000").ok());
  EXPECT_FALSE(Money::Parse("1000000000000.01").ok());
  EXPECT_EQ(Money::Parse("-3")->ToString(), "-3.00");
  EXPECT_EQ(Money::Parse("0.123456")->ToString(), "0.123456");
  EXPECT_EQ(Money::Parse("10.5")->ToString(), "10.50");
}

TEST(DecimalTest, NationalScaleTotalsDoNotOverflow) {
  // 10^9 lines of the largest amount allowed: 10^9 × 10^12 dollars = 10^27 micro... dollars.
  Money big = *Money::Parse("1000000000000");
  Money total;
  // Sum by doubling instead of 10^9 iterations: 2^30 > 10^9.
  total = big;
  for (int i = 0; i < 30; ++i) total += total;
  Rational exact = total.ToExact();
  EXPECT_EQ(exact, Rational(BigInt(1000000000000LL) * (BigInt(1) << 30)));
  EXPECT_EQ(Cents::RoundHalfEven(exact).ToString(), "1073741824000000000000.00");
}

TEST(DecimalTest, ExactDecimalStringRefusesNonTerminating) {
  EXPECT_EQ(*ExactDecimalString(Rational(39, 1000)), "0.039");
  EXPECT_EQ(*ExactDecimalString(Rational(-5, 4)), "-1.25");
  EXPECT_EQ(*ExactDecimalString(Rational(3)), "3");
  EXPECT_FALSE(ExactDecimalString(Rational(1, 3)).ok());
}

}  // namespace
}  // namespace vbp
