#pragma once
// Descriptive codes (SPEC §6): their expected shapes, and the warnings a claim's codes raise.
//
// A paid claim is never rejected for the shape of a descriptive code: `hcpcs`, `modifiers`,
// `pos`, `diagnoses`, `revenue_code`, `bill_type`, `drg`, `procedures` and `discharge_status`
// are kept as given (trimmed), a code of unexpected shape matches no code list, and it is
// counted as a warning with its field. The decoder stores valid codes in their canonical form
// (upper case, ICD-10 without the dot), so checking a stored claim again gives the same
// warnings as checking it when it was read: every holder of claims (batch, streaming state,
// recalculation) counts them from the claim itself.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/records.h"

namespace vbp {

enum class CodeField : uint8_t {
  kHcpcs = 0,
  kModifiers,
  kPos,
  kDiagnoses,
  kRevenueCode,
  kBillType,
  kDrg,
  kProcedures,
  kDischargeStatus,
};
inline constexpr size_t kCodeFieldCount = 9;
// The SPEC §2 field name: "hcpcs", "modifiers", ...
const char* CodeFieldName(CodeField f);

// Warnings by field (index: CodeField).
using CodeWarningCounts = std::array<int32_t, kCodeFieldCount>;

// Exact languages of the expected shapes.
// Exactly `n` ASCII digits / between `lo` and `hi` ASCII digits.
bool IsDigits(std::string_view s, size_t n);
bool IsDigitsBetween(std::string_view s, size_t lo, size_t hi);
// Exactly `n` characters [0-9A-Za-z].
bool IsAlnumN(std::string_view s, size_t n);
// HCPCS / CPT: exactly 5 characters [0-9A-Z].
bool IsHcpcs(std::string_view s);
// ICD-10-CM: ^[A-Za-z][0-9][0-9A-Za-z](\.?[0-9A-Za-z]{1,4})?$.
bool IsIcd10Cm(std::string_view s);
// For an IsIcd10Cm text: the code in upper case without the dot ("e11.65" -> "E1165").
bool NormalizeIcd10Cm(std::string_view s, std::string* out);
// True when `s` has the expected shape of `f` (a stored, canonical code or one as given).
bool HasExpectedShape(CodeField f, std::string_view s);

// `s` without leading and trailing ASCII blanks (space, tab, CR, LF).
std::string_view TrimBlanks(std::string_view s);

// Calls `warn(field, line_index, element_index, value)` for every descriptive code of `c` of
// unexpected shape, in field order of the record (header codes: line_index -1; elements of
// an array: element_index >= 0, else -1). A professional line without an `hcpcs` or `pos`
// warns too (its value is then empty): the line is paid, it only matches no code list.
template <typename F>
void ForEachCodeWarning(const Claim& c, F&& warn) {
  for (size_t i = 0; i < c.diagnoses.size(); ++i) {
    if (!HasExpectedShape(CodeField::kDiagnoses, c.diagnoses[i])) {
      warn(CodeField::kDiagnoses, -1, static_cast<int32_t>(i), std::string_view(c.diagnoses[i]));
    }
  }
  const bool professional = c.claim_type == ClaimType::kProfessional;
  for (size_t l = 0; l < c.lines.size(); ++l) {
    const ClaimLine& line = c.lines[l];
    const auto li = static_cast<int32_t>(l);
    if ((professional || !line.hcpcs.empty()) && !HasExpectedShape(CodeField::kHcpcs, line.hcpcs)) {
      warn(CodeField::kHcpcs, li, -1, std::string_view(line.hcpcs));
    }
    for (size_t m = 0; m < line.modifiers.size(); ++m) {
      if (!HasExpectedShape(CodeField::kModifiers, line.modifiers[m])) {
        warn(CodeField::kModifiers, li, static_cast<int32_t>(m),
             std::string_view(line.modifiers[m]));
      }
    }
    if ((professional || !line.pos.empty()) && !HasExpectedShape(CodeField::kPos, line.pos)) {
      warn(CodeField::kPos, li, -1, std::string_view(line.pos));
    }
    if (!line.revenue_code.empty() &&
        !HasExpectedShape(CodeField::kRevenueCode, line.revenue_code)) {
      warn(CodeField::kRevenueCode, li, -1, std::string_view(line.revenue_code));
    }
  }
  auto header = [&](CodeField f, const std::string& v) {
    if (!v.empty() && !HasExpectedShape(f, v)) warn(f, -1, -1, std::string_view(v));
  };
  header(CodeField::kBillType, c.bill_type);
  header(CodeField::kDrg, c.drg);
  header(CodeField::kDischargeStatus, c.discharge_status);
  for (size_t i = 0; i < c.procedures.size(); ++i) {
    if (!HasExpectedShape(CodeField::kProcedures, c.procedures[i])) {
      warn(CodeField::kProcedures, -1, static_cast<int32_t>(i), std::string_view(c.procedures[i]));
    }
  }
}

CodeWarningCounts CountCodeWarnings(const Claim& c);
// "lines[2].hcpcs", "diagnoses[0]", "drg": the JSON path of a warning.
std::string CodeWarningPath(CodeField f, int32_t line_index, int32_t element_index);

}  // namespace vbp
