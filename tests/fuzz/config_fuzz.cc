// libFuzzer target: the `vbp run` configuration file (connectors/stream/run_config.h). Any
// bytes give settings or an error naming a key, never a crash or an exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "connectors/stream/run_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)vbp::stream::ParseRunConfig(text, "fuzz.json");
  return 0;
}
