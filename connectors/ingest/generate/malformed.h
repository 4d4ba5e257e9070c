#pragma once
// Deliberately malformed records (SPEC §6 test input): a corrupted copy of a good record,
// one defect per copy, each listed in MANIFEST.json with its file, line number, kind and key.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "connectors/ingest/generate/ndjson_writer.h"
#include "domain/records.h"

namespace vbp::generate {

enum class MalformedKind : uint8_t {
  kBadDate,        // a date that is no calendar day or not YYYY-MM-DD
  kNegativeUnits,  // line units < 0
  kUnknownEnum,    // a value outside an enumeration (claim_type, enrollment_type, ...)
  kMissingField,   // a required field removed
  kInexactNumber,  // an amount as a JSON number with no exact binary value (12.34)
  kBadTin,         // a TIN that is not 9 digits
};
const char* MalformedKindName(MalformedKind k);

// Returns `record` with one defect of `defect`; `*field` names the field changed. Returns an
// empty string when the defect does not apply to the record kind.
std::string Corrupt(RecordKind kind, MalformedKind defect, std::string_view record,
                    uint64_t variant, std::string* field);

// Writes corrupted copies, rotating through the kinds that apply to each record kind, and
// keeps the manifest entries.
class Corrupter {
 public:
  Status Write(LineSink& sink, std::string_view file, RecordKind kind, const std::string& key,
               std::string_view record);
  const nlohmann::ordered_json& manifest() const { return entries_; }
  int64_t count() const { return static_cast<int64_t>(entries_.size()); }

 private:
  uint64_t written_[4] = {0, 0, 0, 0};  // by record kind
  nlohmann::ordered_json entries_ = nlohmann::ordered_json::array();
};

}  // namespace vbp::generate
