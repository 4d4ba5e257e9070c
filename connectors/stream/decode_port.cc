#include "connectors/stream/decode_port.h"

#include <memory>

#include "connectors/codec/record_decoder.h"

namespace vbp::stream {

DecodeFn MakeJsonDecodeFn() {
  // One decoder (simdjson parser and buffers) per thread: the engine applies two groups of
  // partitions on two threads at once.
  return [](std::string_view text, const SourcePos& pos, RecordKind kind) {
    thread_local codec::RecordDecoder decoder;
    codec::DecodeResult r = decoder.Decode(text, pos, kind);
    DecodeOutcome out;
    if (r.record) {
      std::visit([&out](auto&& rec) { out.record = DecodedRecord(std::move(rec)); },
                 std::move(*r.record));
    }
    out.reject = std::move(r.reject);
    return out;
  };
}

}  // namespace vbp::stream
