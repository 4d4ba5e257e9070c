#include "domain/code_shape.h"

namespace vbp {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpperAlnum(char c) { return IsDigit(c) || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char c) { return IsUpperAlnum(c) || (c >= 'a' && c <= 'z'); }
bool IsLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
char ToUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }
bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

const char* CodeFieldName(CodeField f) {
  switch (f) {
    case CodeField::kHcpcs:
      return "hcpcs";
    case CodeField::kModifiers:
      return "modifiers";
    case CodeField::kPos:
      return "pos";
    case CodeField::kDiagnoses:
      return "diagnoses";
    case CodeField::kRevenueCode:
      return "revenue_code";
    case CodeField::kBillType:
      return "bill_type";
    case CodeField::kDrg:
      return "drg";
    case CodeField::kProcedures:
      return "procedures";
    case CodeField::kDischargeStatus:
      return "discharge_status";
  }
  return "?";
}

bool IsDigits(std::string_view s, size_t n) { return s.size() == n && IsDigitsBetween(s, n, n); }

bool IsDigitsBetween(std::string_view s, size_t lo, size_t hi) {
  if (s.size() < lo || s.size() > hi) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

bool IsAlnumN(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!IsAlnum(c)) return false;
  }
  return true;
}

bool IsHcpcs(std::string_view s) {
  if (s.size() != 5) return false;
  for (char c : s) {
    if (!IsUpperAlnum(c)) return false;
  }
  return true;
}

bool IsIcd10Cm(std::string_view s) {
  if (s.size() < 3 || s.size() > 8) return false;
  if (!IsLetter(s[0]) || !IsDigit(s[1]) || !IsAlnum(s[2])) return false;
  std::string_view rest = s.substr(3);
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    if (rest.empty()) return false;  // "E11." has nothing after the dot
  }
  if (rest.size() > 4) return false;
  for (char c : rest) {
    if (!IsAlnum(c)) return false;
  }
  return true;
}

bool NormalizeIcd10Cm(std::string_view s, std::string* out) {
  if (!IsIcd10Cm(s)) return false;
  out->clear();
  for (char c : s) {
    if (c != '.') out->push_back(ToUpper(c));
  }
  return true;
}

bool HasExpectedShape(CodeField f, std::string_view s) {
  switch (f) {
    case CodeField::kHcpcs:
      return IsHcpcs(s);
    case CodeField::kModifiers:
      return IsAlnumN(s, 2);
    case CodeField::kPos:
      return IsDigits(s, 2);
    case CodeField::kDiagnoses:
      return IsIcd10Cm(s);
    case CodeField::kRevenueCode:
      return IsDigits(s, 4);
    case CodeField::kBillType:
      return IsDigitsBetween(s, 3, 4);
    case CodeField::kDrg:
      return IsDigits(s, 3);
    case CodeField::kProcedures:
      return IsAlnumN(s, 7);
    case CodeField::kDischargeStatus:
      return IsAlnumN(s, 2);
  }
  return false;
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

CodeWarningCounts CountCodeWarnings(const Claim& c) {
  CodeWarningCounts counts{};
  ForEachCodeWarning(c, [&counts](CodeField f, int32_t, int32_t, std::string_view) {
    ++counts[static_cast<size_t>(f)];
  });
  return counts;
}

std::string CodeWarningPath(CodeField f, int32_t line_index, int32_t element_index) {
  std::string path;
  if (line_index >= 0) path = "lines[" + std::to_string(line_index) + "].";
  path += CodeFieldName(f);
  if (element_index >= 0) path += "[" + std::to_string(element_index) + "]";
  return path;
}

}  // namespace vbp
