#pragma once
// RecordDecoder: SPEC §2 record text (one NDJSON line or one Kafka message value) -> a
// validated domain record, or a Reject saying precisely what is wrong (SPEC §6).
//
// Contract:
// - Decode never throws and never aborts on input: every malformed input (not JSON, not an
//   object, unknown or mismatched "schema", a missing or invalid field) yields a Reject with
//   the source position, the kind (when known), the key (claim_id / member_id / npi /
//   contract_id when readable), the JSON path of the offending field ("lines[2].units"), a
//   reason naming what is wrong and what was expected, and the original text whole.
// - An accepted record is fully validated (connectors/codec/README.md lists every rule; the
//   JSON Schemas in schemas/ state the same rules) and carries its `source` and its
//   `content_hash`: XXH3-128 over a canonical serialisation of its SPEC §2 fields only, so the
//   same record delivered twice hashes equal regardless of key order, whitespace or extra
//   fields, and any change in a §2 field changes the hash.
// - Unknown extra fields are kept in the text and ignored (never rejected).
// Threading: a RecordDecoder is reusable but NOT thread-safe; use one per thread.

#include <memory>
#include <optional>
#include <string_view>
#include <variant>

#include "domain/limits.h"
#include "domain/records.h"
#include "domain/reject.h"

namespace vbp::codec {

using DecodedRecord = std::variant<Claim, Member, Provider, Contract>;

// Exactly one of `record` and `reject` is set.
struct DecodeResult {
  std::optional<DecodedRecord> record;
  std::optional<Reject> reject;
};

// The "schema" value naming each record kind: "vbp.claim/1", "vbp.member/1", ...
const char* SchemaName(RecordKind kind);

// The largest record text Decode accepts is kRecordBytesMax (domain/limits.h, with every
// other limit the decoder checks); longer texts are rejected unparsed.
using ::vbp::kRecordBytesMax;

class RecordDecoder {
 public:
  RecordDecoder();
  ~RecordDecoder();
  RecordDecoder(RecordDecoder&&) noexcept;
  RecordDecoder& operator=(RecordDecoder&&) noexcept;
  RecordDecoder(const RecordDecoder&) = delete;
  RecordDecoder& operator=(const RecordDecoder&) = delete;

  // Decodes one JSON object text. `expected`: the kind implied by the file or topic; a record
  // whose "schema" names another kind is rejected. nullopt: the "schema" field decides.
  DecodeResult Decode(std::string_view text, const SourcePos& pos,
                      std::optional<RecordKind> expected);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vbp::codec
