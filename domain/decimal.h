#pragma once
// Exact decimal arithmetic on Boost.Multiprecision (SPEC §2, §4; STYLE.md "Money and numbers").
//
// - Money: an exact amount in micro-dollars (10^-6) held in a 128-bit integer. Input amounts
//   carry at most 6 significant decimals; |amount| <= kMoneyAbsMax per value, so sums over
//   10^9 lines (<= 10^27 micro-dollars) cannot overflow 128 bits.
// - Rational: exact ratios (rates, shares, risk ratios, contract figures). Nothing is rounded
//   until a statement is written; rounding is half-to-even and happens once (SPEC §4).
// There is no binary floating point on any money path.

#include <boost/multiprecision/cpp_int.hpp>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/status.h"

namespace vbp {

// Expression templates are off: every operation yields a plain value, so `auto` and
// std::min/std::clamp behave as with built-in types.
using Int128 = boost::multiprecision::number<
    boost::multiprecision::cpp_int_backend<128, 128, boost::multiprecision::signed_magnitude,
                                           boost::multiprecision::unchecked, void>,
    boost::multiprecision::et_off>;
using BigInt = boost::multiprecision::number<boost::multiprecision::cpp_int_backend<>,
                                             boost::multiprecision::et_off>;
using Rational = boost::multiprecision::number<boost::multiprecision::cpp_rational_backend,
                                               boost::multiprecision::et_off>;

// Parses a plain decimal string "-?[0-9]+(\.[0-9]+)?" exactly (no exponent, no '+', no blanks).
Result<Rational> ParseExactDecimal(std::string_view text);

// Parses the raw text of a JSON number (exponent allowed) and accepts it only when the
// IEEE-754 double a JSON reader would produce equals the written decimal exactly (SPEC §2:
// "a JSON number is accepted only where it converts to the same decimal exactly"), so 12.5 and
// 100 are accepted while 12.34 is rejected as non-exact.
Result<Rational> ParseExactJsonNumber(std::string_view raw);

// round(value × 10^decimals), half to even.
BigInt RoundHalfEvenScaled(const Rational& value, int decimals);

// value rounded half-to-even to `decimals` places, written with exactly that many decimals:
// FormatHalfEven(1/8, 2) == "0.12", FormatHalfEven(-5/2, 0) == "-2".
std::string FormatHalfEven(const Rational& value, int decimals);

// Writes value/10^decimals with exactly `decimals` places ("-1234.50" for -123450, 2).
std::string FormatScaled(const BigInt& scaled, int decimals);

// An exact amount of money in micro-dollars.
class Money {
 public:
  static constexpr int kScale = 6;
  static constexpr int64_t kMicrosPerDollar = 1'000'000;
  static constexpr int64_t kMicrosPerCent = 10'000;
  // Bound on one input amount: 10^12 dollars.
  static constexpr int64_t kAbsMaxDollars = 1'000'000'000'000;

  constexpr Money() = default;
  static Money FromMicros(const Int128& micros) { return Money(micros); }
  static Money FromCents(int64_t cents) { return Money(Int128(cents) * kMicrosPerCent); }
  static Money Zero() { return Money(); }

  // Parses a decimal string with at most 6 significant decimals and |value| <= 10^12.
  static Result<Money> Parse(std::string_view text);
  // Converts an exact value; fails when it has more than 6 decimals or is out of range.
  static Result<Money> FromExact(const Rational& value);

  const Int128& micros() const { return micros_; }
  Rational ToExact() const;
  bool IsZero() const { return micros_ == 0; }
  bool IsNegative() const { return micros_ < 0; }

  // Exact, shortest form with at least 2 decimals: "12.50", "0.123456", "-3.00".
  std::string ToString() const;

  Money operator+(const Money& o) const { return Money(micros_ + o.micros_); }
  Money operator-(const Money& o) const { return Money(micros_ - o.micros_); }
  Money operator-() const { return Money(-micros_); }
  Money& operator+=(const Money& o) {
    micros_ += o.micros_;
    return *this;
  }
  Money& operator-=(const Money& o) {
    micros_ -= o.micros_;
    return *this;
  }
  // Money × a count (months, members): exact.
  Money TimesCount(int64_t count) const { return Money(micros_ * count); }

  friend bool operator==(const Money& a, const Money& b) { return a.micros_ == b.micros_; }
  friend bool operator<(const Money& a, const Money& b) { return a.micros_ < b.micros_; }
  friend bool operator>(const Money& a, const Money& b) { return b < a; }
  friend bool operator<=(const Money& a, const Money& b) { return !(b < a); }
  friend bool operator>=(const Money& a, const Money& b) { return !(a < b); }

 private:
  explicit Money(const Int128& micros) : micros_(micros) {}
  Int128 micros_ = 0;
};

// Half-to-even rounding of an exact amount to whole cents (SPEC §4): the only money rounding.
class Cents {
 public:
  Cents() = default;
  static Cents RoundHalfEven(const Rational& exact_dollars);
  static Cents FromInt(const BigInt& cents) { return Cents(cents); }
  const BigInt& value() const { return cents_; }
  std::string ToString() const { return FormatScaled(cents_, 2); }
  Cents operator+(const Cents& o) const { return Cents(cents_ + o.cents_); }
  Cents operator-(const Cents& o) const { return Cents(cents_ - o.cents_); }
  friend bool operator==(const Cents& a, const Cents& b) { return a.cents_ == b.cents_; }

 private:
  explicit Cents(BigInt c) : cents_(std::move(c)) {}
  BigInt cents_ = 0;
};

// An exact dimensionless ratio (rate, share, risk score). No implicit mixing with Money.
class Rate {
 public:
  Rate() = default;
  explicit Rate(Rational v) : v_(std::move(v)) {}
  static Result<Rate> Parse(std::string_view text);
  static Rate Zero() { return Rate(); }
  static Rate One() { return Rate(Rational(1)); }
  const Rational& exact() const { return v_; }
  std::string ToString(int decimals) const { return FormatHalfEven(v_, decimals); }
  friend bool operator==(const Rate& a, const Rate& b) { return a.v_ == b.v_; }
  friend bool operator<(const Rate& a, const Rate& b) { return a.v_ < b.v_; }
  friend bool operator<=(const Rate& a, const Rate& b) { return a.v_ <= b.v_; }
  friend bool operator>(const Rate& a, const Rate& b) { return a.v_ > b.v_; }
  friend bool operator>=(const Rate& a, const Rate& b) { return a.v_ >= b.v_; }

 private:
  Rational v_ = 0;
};

// Exact canonical decimal text of a rational that terminates in base 10 (shortest form, no
// trailing zeros, "0" for zero); returns an error for non-terminating values such as 1/3.
Result<std::string> ExactDecimalString(const Rational& value);

}  // namespace vbp
