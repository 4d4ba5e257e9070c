#pragma once
// Streaming, parallel decoding of an NDJSON file: chunks are decoded on `threads` threads and
// handed to the caller IN FILE ORDER, one chunk at a time, so a file far larger than memory
// can be folded into compact state (BatchSettlement keeps ~60 bytes per claim line) without
// ever holding every decoded record. Output order and line numbers do not depend on the
// thread count. At most 2 × threads chunks are decoded ahead of the consumer.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "connectors/codec/record_decoder.h"
#include "domain/status.h"

namespace vbp::files {

struct DecodedChunk {
  std::vector<codec::DecodedRecord> records;  // in file order
  std::vector<Reject> rejects;                // in file order
  int64_t lines = 0;
  int64_t blank_lines = 0;
  size_t bytes = 0;  // text bytes of the chunk
};

struct StreamOptions {
  std::string source;                        // SourcePos::source; empty: the path
  size_t chunk_bytes = size_t{2} << 20;
};

// Calls `consume` with every chunk in order. Fails when the file cannot be read, or with the
// first error `consume` returns (decoding stops).
Status StreamNdjsonFile(const std::string& path, std::optional<RecordKind> kind, int threads,
                        const std::function<Status(DecodedChunk&)>& consume,
                        const StreamOptions& options = {});

}  // namespace vbp::files
