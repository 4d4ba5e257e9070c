#pragma once
// Limits on input records, in one place. The record decoder (connectors/codec) rejects a record
// over any of them with the field's path and a reason naming the limit, as soon as it sees the
// excess; the claim arena (engine/core/claim_arena.h) stores counts in narrow integers and
// static_asserts that these limits fit; the engine checks a claim again before storing it
// (ClaimOverLimits) so that a claim from any other producer is rejected, never aborts the run.
// connectors/codec/README.md and the JSON Schemas in schemas/ state the same numbers.
//
// The values are what payer systems expect, with room: a record beyond them is not a claim a
// payer would send but a fault or an attack, and one such record must not stop the service.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "domain/records.h"

namespace vbp {

// Lines per claim. An X12 837P claim carries at most 50 service lines and an 837I claim 999
// (UB-04 paper: 22 per page); 9,999 leaves room for sources that merge claims.
inline constexpr size_t kClaimLinesMax = 9999;
// Diagnoses per claim, principal included. X12 837P carries 12, 837I 1 principal + 24 other
// (+ admitting and reason-for-visit codes); 99 leaves room.
inline constexpr size_t kClaimDiagnosesMax = 99;
// ICD-10-PCS procedures per institutional claim. X12 837I carries 1 principal + 24 other.
inline constexpr size_t kClaimProceduresMax = 99;
// Modifiers per claim line. X12 837P/I and the CMS-1500 form carry 4.
inline constexpr size_t kLineModifiersMax = 10;
// Coverage spans per member: one span a month for 100 years is 1,200.
inline constexpr size_t kMemberCoverageSpansMax = 1200;
// TINs per contract. The largest ACOs list a few hundred participant TINs.
inline constexpr size_t kContractTinsMax = 9999;
// claim_id, member_id and contract_id, in Unicode characters (code points, as JSON Schema's
// maxLength counts). X12 carries a claim's submitter id in 38 characters (CLM01) and the payer's
// claim number in 50 (REF*F8); a Medicare MBI is 11 characters, commercial member ids ~20.
inline constexpr size_t kIdCharsMax = 64;
// Free-text labels: coverage `program`, provider `specialty`, member `orec`, contract
// `rule_set` ("name@version"), in Unicode characters.
inline constexpr size_t kLabelCharsMax = 128;
// JSON nesting inside unknown fields and contract parameters, in levels.
inline constexpr int kJsonDepthMax = 256;
// One record's text (an NDJSON line or a Kafka message value), in bytes.
inline constexpr size_t kRecordBytesMax = size_t{16} << 20;

// The reason for an array over its limit: "too many lines: more than 9999 (at most 9999 per
// claim)" when the count is not known (the decoder stops at the first item over), else "too
// many lines: 65536 (at most 9999 per claim)".
std::string TooManyReason(std::string_view items, size_t max, std::string_view per,
                          std::optional<size_t> count = std::nullopt);
// The reason for a string over its limit: "too long: 65 characters (at most 64)".
std::string TooLongReason(size_t chars, size_t max);
// Unicode code points in UTF-8 text (continuation bytes are not counted).
size_t CodePoints(std::string_view s);

// The first limit above that a decoded claim exceeds: its field path and reason; nullopt when
// within every limit. For claims that did not come through the record decoder (which checks
// the same limits while reading); a claim the decoder accepted always passes.
struct LimitProblem {
  std::string field;
  std::string reason;
};
std::optional<LimitProblem> ClaimOverLimits(const Claim& c);

}  // namespace vbp
