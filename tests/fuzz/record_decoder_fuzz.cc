// libFuzzer target: SPEC §2 record text (an NDJSON line or a Kafka message value) through the
// one decoder. The first byte picks the expected kind (claim, member, provider, contract, or
// none: the "schema" field decides); the rest is the record. Every input must give exactly
// one of a record or a reject, and a reject must name a reason.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "connectors/codec/record_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static vbp::codec::RecordDecoder decoder;
  const std::optional<vbp::RecordKind> kinds[] = {vbp::RecordKind::kClaim, vbp::RecordKind::kMember,
                                                  vbp::RecordKind::kProvider,
                                                  vbp::RecordKind::kContract, std::nullopt};
  const auto kind = kinds[data[0] % 5];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  vbp::codec::DecodeResult r = decoder.Decode(text, vbp::SourcePos{"fuzz", -1, 1}, kind);
  if (r.record.has_value() == r.reject.has_value()) std::abort();
  if (r.reject && r.reject->reason.empty()) std::abort();
  return 0;
}
