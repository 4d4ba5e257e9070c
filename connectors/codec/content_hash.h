#pragma once
// content_hash: XXH3-128 over a canonical serialisation of a record's SPEC §2 fields
// (internal to the codec; connectors/codec/README.md describes the serialisation).
//
// The serialisation is a fixed sequence, in SPEC §2 field order, of tagged values: strings are
// length-prefixed, integers and day numbers fixed-width little-endian, money in micro-dollars,
// decimals in their canonical text. It reads the validated domain record, never the JSON
// text, so key order, whitespace, escapes, number spelling ("12.50" vs 12.5) and extra fields
// cannot change it, while any change in a §2 field does. `source` is not part of it.

#include <array>
#include <cstdint>
#include <string>

#include "domain/records.h"

namespace vbp::codec::internal {

// Which optional claim-header fields were present (a void claim may omit them; absence must
// hash differently from any written value).
struct ClaimPresence {
  bool claim_type = false;
  bool from_date = false;
  bool through_date = false;
  bool paid_date = false;
};

// `scratch` is reused between calls to avoid allocations.
std::array<uint64_t, 2> ClaimContentHash(const Claim& c, const ClaimPresence& presence,
                                         std::string* scratch);
std::array<uint64_t, 2> MemberContentHash(const Member& m, std::string* scratch);
std::array<uint64_t, 2> ProviderContentHash(const Provider& p, std::string* scratch);
std::array<uint64_t, 2> ContractContentHash(const Contract& c, std::string* scratch);

}  // namespace vbp::codec::internal
