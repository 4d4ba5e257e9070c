// libFuzzer target: CMS CCLF files (`vbp import cclf`). The input is one or more files, each
// a kind byte (CCLF1..6, 8, 9 by index) and its text up to a 0xFF separator; they are imported
// together, fixed width or CSV as detected. Bad rows are rejects with their reason; the import
// never crashes and its counts add up (read = mapped + rejected, per file).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/ingest/cclf/cclf_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::vector<vbp::cclf::CclfInput> inputs;
  while (!rest.empty() && inputs.size() < 8) {
    const auto kind = vbp::cclf::kAllKinds[static_cast<uint8_t>(rest[0]) % 8];
    rest.remove_prefix(1);
    const size_t end = rest.find('\xFF');
    inputs.push_back(
        {kind, "fuzz" + std::to_string(inputs.size()), std::string(rest.substr(0, end))});
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  vbp::generate::StringLineSink members, providers, claims, contracts, rejects;
  auto summary =
      vbp::cclf::ImportCclf(inputs, {}, {&members, &providers, &claims, &contracts, &rejects});
  if (!summary.ok()) return 0;  // a CSV file without a needed column: refused, named
  for (const auto& f : summary->report["files"]) {
    if (f["rows_read"] != f["rows_mapped"].get<int64_t>() + f["rows_rejected"].get<int64_t>()) {
      std::abort();
    }
  }
  return 0;
}
