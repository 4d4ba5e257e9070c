#pragma once
// Pure text checks and normalisations shared by the record decoder (no JSON library here).
// Each function states the exact language it accepts; connectors/codec/README.md and the
// JSON Schemas in schemas/ state the same rules.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/code_shape.h"

namespace vbp::codec::internal {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsUpperAlnum(char c) { return IsDigit(c) || (c >= 'A' && c <= 'Z'); }
inline bool IsAlnum(char c) { return IsUpperAlnum(c) || (c >= 'a' && c <= 'z'); }
inline bool IsLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
inline char ToUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

// The code shapes live with the domain (domain/code_shape.h): the decoder, the claim stores and
// data quality check codes with one set of functions.
using vbp::IsAlnumN;
using vbp::IsDigits;
using vbp::IsDigitsBetween;
using vbp::IsHcpcs;
using vbp::NormalizeIcd10Cm;
// Upper-cases [0-9A-Za-z] text ("gt" -> "GT").
std::string UpperAscii(std::string_view s);

// The JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view s);
// A JSON number written without fraction or exponent: -?(0|[1-9][0-9]*)
bool IsJsonIntegerLiteral(std::string_view s);

// An unsigned plain decimal string: [0-9]+(\.[0-9]+)?  (no sign, exponent or blanks).
bool IsUnsignedDecimal(std::string_view s);
// For an IsUnsignedDecimal text: decimals once trailing zeros are dropped ("1.2500" -> 2).
size_t SignificantDecimals(std::string_view s);
// For an IsUnsignedDecimal text: digits of the integer part once leading zeros are dropped
// ("007.5" -> 1, "0.5" -> 0).
size_t IntegerDigits(std::string_view s);
// For an IsUnsignedDecimal text: the shortest exact form ("007.50" -> "7.5", "0.0" -> "0").
std::string CanonicalDecimal(std::string_view s);
// For an IsUnsignedDecimal text: true when its value is zero.
bool IsZeroDecimal(std::string_view s);
// For an IsUnsignedDecimal text: compares its value with 10^k (-1, 0, 1).
int CompareWithPowerOfTen(std::string_view s, int k);

// The micro-dollars of a common amount text, [0-9]{1,13}(\.[0-9]{1,6})? with value <= 10^12
// ("135.98" -> 135980000), in one pass. False for anything else (other forms, more digits,
// too large): callers then take the general path, which accepts or explains the text.
bool FastAmountMicros(std::string_view s, int64_t* micros);

// A non-negative integer of at most 9 digits without a leading zero ("0", "7", "30"): below
// 10^9 and its own CanonicalDecimal.
bool IsSmallCanonicalInteger(std::string_view s);

// Days since 1970-01-01 of a strict "YYYY-MM-DD" real calendar day in 1900..2199 — the same
// language as Date::Parse, without building a Status on the hot path. False when not such a
// day (callers then ask Date::Parse for the reason).
bool ParseDateDays(std::string_view s, int32_t* days);

// Unicode code points in UTF-8 text (the text is valid UTF-8: the JSON reader checked it).
size_t Utf8Length(std::string_view s);

// `s` as a double-quoted string for a reason text: quotes, backslashes and control characters
// escaped; cut at `max_bytes` (on a UTF-8 boundary) with "..." appended.
std::string QuoteForReason(std::string_view s, size_t max_bytes = 64);

// Appends `s` (valid UTF-8) as a canonical JSON string literal: '"' and '\' escaped, \b \f \n
// \r \t for those controls, \u00XX for other controls, everything else written as is.
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace vbp::codec::internal
