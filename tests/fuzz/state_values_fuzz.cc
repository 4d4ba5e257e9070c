// libFuzzer target: the binary state values read back from disk (engine/state/binary_codec.h).
// A corrupt value must come back as an error, never a crash; a value that decodes must encode
// and decode again (the codec is its own inverse on what it accepts). The first byte picks
// the value type.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/state/binary_codec.h"

namespace {

template <typename Decode, typename Encode>
void RoundTrip(std::string_view bytes, Decode decode, Encode encode) {
  auto first = decode(bytes);
  if (!first.ok()) return;
  const std::string again = encode(*first);
  if (!decode(again).ok()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  namespace b = vbp::binary;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 7) {
    case 0:
      RoundTrip(bytes, b::DecodeClaim, b::EncodeClaim);
      break;
    case 1:
      RoundTrip(bytes, b::DecodeMember, b::EncodeMember);
      break;
    case 2:
      RoundTrip(bytes, b::DecodeProvider, b::EncodeProvider);
      break;
    case 3:
      RoundTrip(bytes, b::DecodeContract, b::EncodeContract);
      break;
    case 4:
      RoundTrip(bytes, b::DecodeAggregate, b::EncodeAggregate);
      break;
    case 5:
      RoundTrip(bytes, b::DecodeRecordNotes, b::EncodeRecordNotes);
      break;
    default: {
      vbp::RunCounts c;
      std::optional<vbp::Date> max_paid;
      int64_t notes_from = 0;
      (void)b::DecodeCounts(bytes, &c, &max_paid, &notes_from);
    }
  }
  return 0;
}
