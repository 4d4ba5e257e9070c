#pragma once
// Synthetic identifiers in the real formats: NPIs with a valid Luhn check digit, Medicare
// Beneficiary Identifiers (MBI) in the CMS character layout, 9-digit TINs, claim ids.
// Each is a bijection of an index (and a seed-derived offset), so ids are unique by
// construction and the same (seed, index) always gives the same id.

#include <cstdint>
#include <string>
#include <string_view>

namespace vbp::generate {

// The NPI check digit: Luhn over "80840" followed by the 9 leading digits (CMS NPI standard).
// `first9` must be 9 ASCII digits.
char NpiCheckDigit(std::string_view first9);
// True when `npi` is 10 digits whose last digit is the NPI check digit of the first 9.
bool IsValidNpi(std::string_view npi);
// A valid NPI: the leading digit (1 for individuals, 2 for organisations) then 8 digits that
// are a bijection of `index` (< 10^8) offset by `salt`, then the check digit.
std::string MakeNpi(char leading, uint64_t index, uint64_t salt);

// An 11-character MBI (e.g. "1EG4TE5MK73": no S, L, O, I, B, Z), unique per index.
std::string MakeMbi(uint64_t index, uint64_t salt);

// A 9-digit TIN with an IRS campus prefix, unique per index (< 10^7).
std::string MakeTin(uint64_t index, uint64_t salt);

// A 12-digit claim id, unique per index (< 10^12).
std::string MakeClaimId(uint64_t index, uint64_t salt);

}  // namespace vbp::generate
