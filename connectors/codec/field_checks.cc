#include "connectors/codec/field_checks.h"

#include "domain/decimal.h"

namespace vbp::codec::internal {

std::string UpperAscii(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = ToUpper(c);
  return r;
}

namespace {

// Consumes -?(0|[1-9][0-9]*) from the front of `s`; false when absent.
bool ConsumeJsonInt(std::string_view* s) {
  if (!s->empty() && s->front() == '-') s->remove_prefix(1);
  if (s->empty() || !IsDigit(s->front())) return false;
  if (s->front() == '0') {
    s->remove_prefix(1);
    return true;
  }
  while (!s->empty() && IsDigit(s->front())) s->remove_prefix(1);
  return true;
}

bool ConsumeDigits(std::string_view* s) {
  if (s->empty() || !IsDigit(s->front())) return false;
  while (!s->empty() && IsDigit(s->front())) s->remove_prefix(1);
  return true;
}

}  // namespace

bool IsJsonNumber(std::string_view s) {
  if (!ConsumeJsonInt(&s)) return false;
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    if (!ConsumeDigits(&s)) return false;
  }
  if (!s.empty() && (s.front() == 'e' || s.front() == 'E')) {
    s.remove_prefix(1);
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
    if (!ConsumeDigits(&s)) return false;
  }
  return s.empty();
}

bool IsJsonIntegerLiteral(std::string_view s) { return ConsumeJsonInt(&s) && s.empty(); }

bool IsUnsignedDecimal(std::string_view s) {
  if (!ConsumeDigits(&s)) return false;
  if (s.empty()) return true;
  if (s.front() != '.') return false;
  s.remove_prefix(1);
  return ConsumeDigits(&s) && s.empty();
}

namespace {

// Integer part without leading zeros, fraction part without trailing zeros.
void SplitCanonical(std::string_view s, std::string_view* int_part, std::string_view* frac) {
  size_t dot = s.find('.');
  std::string_view i = s.substr(0, dot);
  std::string_view f = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  while (!i.empty() && i.front() == '0') i.remove_prefix(1);
  while (!f.empty() && f.back() == '0') f.remove_suffix(1);
  *int_part = i;
  *frac = f;
}

}  // namespace

size_t SignificantDecimals(std::string_view s) {
  std::string_view i, f;
  SplitCanonical(s, &i, &f);
  return f.size();
}

size_t IntegerDigits(std::string_view s) {
  std::string_view i, f;
  SplitCanonical(s, &i, &f);
  return i.size();
}

std::string CanonicalDecimal(std::string_view s) {
  std::string_view i, f;
  SplitCanonical(s, &i, &f);
  std::string r;
  r.reserve(i.size() + f.size() + 2);
  if (i.empty()) {
    r.push_back('0');
  } else {
    r.append(i);
  }
  if (!f.empty()) {
    r.push_back('.');
    r.append(f);
  }
  return r;
}

bool IsZeroDecimal(std::string_view s) {
  std::string_view i, f;
  SplitCanonical(s, &i, &f);
  return i.empty() && f.empty();
}

int CompareWithPowerOfTen(std::string_view s, int k) {
  std::string_view i, f;
  SplitCanonical(s, &i, &f);
  // 10^k has k+1 integer digits: "1" followed by k zeros.
  size_t want = static_cast<size_t>(k) + 1;
  if (i.size() != want) return i.size() < want ? -1 : 1;
  if (i.front() != '1') return 1;
  for (size_t n = 1; n < i.size(); ++n) {
    if (i[n] != '0') return 1;
  }
  return f.empty() ? 0 : 1;
}

bool FastAmountMicros(std::string_view s, int64_t* micros) {
  constexpr size_t kIntDigitsMax = 13;  // 10^12 has 13 digits
  constexpr size_t kFracDigitsMax = static_cast<size_t>(Money::kScale);
  size_t i = 0;
  int64_t whole = 0;
  while (i < s.size() && IsDigit(s[i])) {
    if (i == kIntDigitsMax) return false;
    whole = whole * 10 + (s[i] - '0');
    ++i;
  }
  if (i == 0) return false;
  int64_t frac = 0;
  size_t frac_digits = 0;
  if (i < s.size()) {
    if (s[i] != '.') return false;
    ++i;
    while (i < s.size() && IsDigit(s[i])) {
      if (frac_digits == kFracDigitsMax) return false;
      frac = frac * 10 + (s[i] - '0');
      ++frac_digits;
      ++i;
    }
    if (frac_digits == 0 || i != s.size()) return false;
  }
  for (size_t d = frac_digits; d < kFracDigitsMax; ++d) frac *= 10;
  // Checked before multiplying: 13 digits times 10^6 would overflow.
  if (whole > Money::kAbsMaxDollars || (whole == Money::kAbsMaxDollars && frac > 0)) return false;
  *micros = whole * Money::kMicrosPerDollar + frac;
  return true;
}

bool IsSmallCanonicalInteger(std::string_view s) {
  return (s.size() == 1 || (!s.empty() && s.front() != '0')) && IsDigitsBetween(s, 1, 9);
}

bool ParseDateDays(std::string_view s, int32_t* days) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  // Eight digit checks without a branch each (a date is on every claim line).
  unsigned digit[8];
  constexpr size_t kAt[8] = {0, 1, 2, 3, 5, 6, 8, 9};
  bool all_digits = true;
  for (size_t i = 0; i < 8; ++i) {
    digit[i] = static_cast<unsigned>(static_cast<unsigned char>(s[kAt[i]])) - '0';
    all_digits &= digit[i] <= 9;
  }
  if (!all_digits) return false;
  const int v[3] = {static_cast<int>(digit[0] * 1000 + digit[1] * 100 + digit[2] * 10 + digit[3]),
                    static_cast<int>(digit[4] * 10 + digit[5]),
                    static_cast<int>(digit[6] * 10 + digit[7])};
  const int y = v[0];
  const int m = v[1];
  const int d = v[2];
  if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1) return false;
  constexpr int kMonthDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kMonthDays[m - 1] + (m == 2 && leap ? 1 : 0)) return false;
  // H. Hinnant's days_from_civil.
  const int yy = y - (m <= 2 ? 1 : 0);
  const int era = yy / 400;  // yy >= 1899: no negative eras
  const int yoe = yy - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  *days = era * 146097 + doe - 719468;
  return true;
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

namespace {

void AppendEscaped(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[(c >> 4) & 0xF]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(c);
        }
    }
  }
}

}  // namespace

std::string QuoteForReason(std::string_view s, size_t max_bytes) {
  bool cut = false;
  if (s.size() > max_bytes) {
    size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    s = s.substr(0, end);
    cut = true;
  }
  std::string r = "\"";
  AppendEscaped(&r, s);
  if (cut) r.append("...");
  r.push_back('"');
  return r;
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  AppendEscaped(out, s);
  out->push_back('"');
}

}  // namespace vbp::codec::internal
