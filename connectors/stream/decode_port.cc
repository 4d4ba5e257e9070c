#include "connectors/stream/decode_port.h"

#include <memory>

#include "connectors/codec/record_decoder.h"

namespace vbp::stream {

DecodeFn MakeJsonDecodeFn() {
  auto decoder = std::make_shared<codec::RecordDecoder>();
  return [decoder](std::string_view text, const SourcePos& pos, RecordKind kind) {
    codec::DecodeResult r = decoder->Decode(text, pos, kind);
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
