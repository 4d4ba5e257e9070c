#pragma once
// Parallel decoding of an NDJSON file of SPEC §2 records.
//
// The text is split at newlines into chunks; `threads` std::threads decode chunks (one
// codec::RecordDecoder each) and the results are merged back IN FILE ORDER, so the output is
// identical for every thread count. Line numbers are 1-based and count blank lines (see
// ndjson_file.h). Every non-blank line yields exactly one record or one reject:
//   records.size() + rejects.size() + blank_lines == lines.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/codec/record_decoder.h"
#include "domain/status.h"

namespace vbp::files {

struct DecodedFile {
  std::vector<codec::DecodedRecord> records;  // in file order
  std::vector<Reject> rejects;                // in file order
  int64_t lines = 0;                          // every line, blank ones included
  int64_t blank_lines = 0;
};

struct DecodeOptions {
  // SourcePos::source of every record and reject; empty: the path (DecodeNdjsonFile).
  std::string source;
  // Upper bound on one chunk; smaller chunks are used so that every thread gets work.
  size_t chunk_bytes_max = size_t{4} << 20;
};

// Decodes the file at `path`. `kind`: the record kind the file holds (a record naming another
// "schema" is rejected); nullopt lets each record's "schema" decide. `threads` < 1 means one
// per hardware thread. Fails only when the file cannot be read (the Status names the path);
// bad records are rejects, never errors.
Result<DecodedFile> DecodeNdjsonFile(const std::string& path, std::optional<RecordKind> kind,
                                     int threads, const DecodeOptions& options = {});

// The same over text already in memory (a leading UTF-8 byte order mark is skipped).
DecodedFile DecodeNdjsonText(std::string_view text, std::optional<RecordKind> kind, int threads,
                             const DecodeOptions& options);

}  // namespace vbp::files
