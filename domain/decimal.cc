#include "domain/decimal.h"

#include <cmath>
#include <cstdlib>
#include <string>

namespace vbp {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

BigInt Pow10(int n) {
  BigInt r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

// Splits "-?digits(.digits)?" into sign, integer digits and fraction digits.
struct DecimalParts {
  bool negative = false;
  std::string_view int_digits;
  std::string_view frac_digits;
};

Result<DecimalParts> SplitDecimal(std::string_view text) {
  DecimalParts p;
  std::string_view s = text;
  if (s.empty()) return Status::Invalid("empty decimal");
  if (s.front() == '-') {
    p.negative = true;
    s.remove_prefix(1);
  }
  size_t dot = s.find('.');
  p.int_digits = s.substr(0, dot);
  if (dot != std::string_view::npos) {
    p.frac_digits = s.substr(dot + 1);
    if (p.frac_digits.empty()) {
      return Status::Invalid("decimal '" + std::string(text) + "' has no digits after '.'");
    }
  }
  if (p.int_digits.empty()) {
    return Status::Invalid("decimal '" + std::string(text) + "' has no digits before '.'");
  }
  for (char c : p.int_digits) {
    if (!IsDigit(c)) return Status::Invalid("'" + std::string(text) + "' is not a decimal");
  }
  for (char c : p.frac_digits) {
    if (!IsDigit(c)) return Status::Invalid("'" + std::string(text) + "' is not a decimal");
  }
  return p;
}

}  // namespace

Result<Rational> ParseExactDecimal(std::string_view text) {
  auto parts = SplitDecimal(text);
  if (!parts.ok()) return parts.status();
  if (parts->int_digits.size() + parts->frac_digits.size() > 60) {
    return Status::Invalid("decimal '" + std::string(text) + "' has too many digits");
  }
  BigInt n = 0;
  for (char c : parts->int_digits) n = n * 10 + (c - '0');
  for (char c : parts->frac_digits) n = n * 10 + (c - '0');
  if (parts->negative) n = -n;
  return Rational(n, Pow10(static_cast<int>(parts->frac_digits.size())));
}

Result<Rational> ParseExactJsonNumber(std::string_view raw) {
  // JSON grammar: -?int(.frac)?([eE][+-]?digits)?
  std::string_view s = raw;
  size_t e = s.find_first_of("eE");
  std::string_view mant = s.substr(0, e);
  long exp10 = 0;
  if (e != std::string_view::npos) {
    std::string_view es = s.substr(e + 1);
    bool neg = false;
    if (!es.empty() && (es.front() == '+' || es.front() == '-')) {
      neg = es.front() == '-';
      es.remove_prefix(1);
    }
    if (es.empty() || es.size() > 4) return Status::Invalid("bad number '" + std::string(raw) + "'");
    for (char c : es) {
      if (!IsDigit(c)) return Status::Invalid("bad number '" + std::string(raw) + "'");
      exp10 = exp10 * 10 + (c - '0');
    }
    if (neg) exp10 = -exp10;
  }
  auto m = ParseExactDecimal(mant);
  if (!m.ok()) return Status::Invalid("bad number '" + std::string(raw) + "'");
  if (exp10 > 40 || exp10 < -40) {
    return Status::Invalid("number '" + std::string(raw) + "' is out of range");
  }
  Rational written = *m;
  if (exp10 > 0) written *= Rational(Pow10(static_cast<int>(exp10)));
  if (exp10 < 0) written /= Rational(Pow10(static_cast<int>(-exp10)));

  // The double a JSON reader would produce, converted back to an exact rational. This double
  // never carries a figure: it only decides whether the writer's number was exact.
  std::string copy(raw);
  double d = std::strtod(copy.c_str(), nullptr);
  if (!std::isfinite(d)) return Status::Invalid("number '" + std::string(raw) + "' is out of range");
  int exp2 = 0;
  double frac = std::frexp(d, &exp2);  // d = frac × 2^exp2, 0.5 <= |frac| < 1
  // 53-bit integer mantissa.
  long long mant53 = static_cast<long long>(std::ldexp(frac, 53));
  exp2 -= 53;
  Rational as_double = Rational(BigInt(mant53));
  BigInt two_pow = 1;
  for (int i = 0; i < std::abs(exp2); ++i) two_pow *= 2;
  if (exp2 > 0) as_double *= Rational(two_pow);
  if (exp2 < 0) as_double /= Rational(two_pow);
  if (as_double != written) {
    return Status::Invalid("number " + std::string(raw) +
                           " is not exact in binary; write it as a decimal string \"" +
                           std::string(raw) + "\"");
  }
  return written;
}

BigInt RoundHalfEvenScaled(const Rational& value, int decimals) {
  BigInt num = boost::multiprecision::numerator(value);
  BigInt den = boost::multiprecision::denominator(value);  // always > 0
  bool negative = num < 0;
  if (negative) num = -num;
  num *= Pow10(decimals);
  BigInt q = num / den;
  BigInt r = num % den;
  BigInt twice = r * 2;
  if (twice > den || (twice == den && (q % 2) == 1)) q += 1;
  return negative ? BigInt(-q) : q;
}

std::string FormatScaled(const BigInt& scaled, int decimals) {
  bool negative = scaled < 0;
  std::string digits = (negative ? BigInt(-scaled) : scaled).str();
  if (static_cast<int>(digits.size()) <= decimals) {
    digits.insert(0, static_cast<size_t>(decimals) + 1 - digits.size(), '0');
  }
  std::string out;
  if (negative) out.push_back('-');
  out.append(digits, 0, digits.size() - static_cast<size_t>(decimals));
  if (decimals > 0) {
    out.push_back('.');
    out.append(digits, digits.size() - static_cast<size_t>(decimals), std::string::npos);
  }
  return out;
}

std::string FormatHalfEven(const Rational& value, int decimals) {
  return FormatScaled(RoundHalfEvenScaled(value, decimals), decimals);
}

Result<Money> Money::Parse(std::string_view text) {
  auto parts = SplitDecimal(text);
  if (!parts.ok()) return parts.status();
  std::string_view frac = parts->frac_digits;
  while (frac.size() > static_cast<size_t>(kScale) && frac.back() == '0') frac.remove_suffix(1);
  if (frac.size() > static_cast<size_t>(kScale)) {
    return Status::Invalid("amount '" + std::string(text) + "' has more than 6 decimals");
  }
  std::string_view ints = parts->int_digits;
  while (ints.size() > 1 && ints.front() == '0') ints.remove_prefix(1);
  if (ints.size() > 13) {
    return Status::Invalid("amount '" + std::string(text) + "' exceeds 10^12");
  }
  int64_t whole = 0;
  for (char c : ints) whole = whole * 10 + (c - '0');
  int64_t micros_frac = 0;
  for (size_t i = 0; i < static_cast<size_t>(kScale); ++i) {
    micros_frac = micros_frac * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  }
  if (whole > kAbsMaxDollars || (whole == kAbsMaxDollars && micros_frac > 0)) {
    return Status::Invalid("amount '" + std::string(text) + "' exceeds 10^12");
  }
  Int128 micros = Int128(whole) * kMicrosPerDollar + micros_frac;
  return Money(parts->negative ? Int128(-micros) : micros);
}

Result<Money> Money::FromExact(const Rational& value) {
  Rational scaled = value * Rational(kMicrosPerDollar);
  if (boost::multiprecision::denominator(scaled) != 1) {
    return Status::Invalid("amount has more than 6 decimals");
  }
  BigInt n = boost::multiprecision::numerator(scaled);
  BigInt limit = BigInt(kAbsMaxDollars) * kMicrosPerDollar;
  if (n > limit || n < -limit) return Status::Invalid("amount exceeds 10^12");
  return Money(Int128(n));
}

Rational Money::ToExact() const {
  return Rational(BigInt(micros_), BigInt(kMicrosPerDollar));
}

std::string Money::ToString() const {
  std::string s = FormatScaled(BigInt(micros_), kScale);
  // Trim trailing zeros down to 2 decimals.
  size_t keep = s.size();
  while (keep > 0 && s[keep - 1] == '0' && keep > s.find('.') + 3) --keep;
  s.resize(keep);
  return s;
}

Cents Cents::RoundHalfEven(const Rational& exact_dollars) {
  return Cents(RoundHalfEvenScaled(exact_dollars, 2));
}

Result<Rate> Rate::Parse(std::string_view text) {
  auto r = ParseExactDecimal(text);
  if (!r.ok()) return r.status();
  return Rate(*r);
}

Result<std::string> ExactDecimalString(const Rational& value) {
  BigInt den = boost::multiprecision::denominator(value);
  int twos = 0, fives = 0;
  while (den % 2 == 0) {
    den /= 2;
    ++twos;
  }
  while (den % 5 == 0) {
    den /= 5;
    ++fives;
  }
  if (den != 1) return Status::Invalid("value does not terminate in base 10");
  int decimals = std::max(twos, fives);
  std::string s = FormatScaled(RoundHalfEvenScaled(value, decimals), decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

}  // namespace vbp
