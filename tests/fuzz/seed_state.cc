// Seeds for fuzz_state_values: the golden cases' records decoded and written in the binary
// state encoding (the bytes `vbp run` stores), each prefixed by the byte that selects its
// decoder in state_values_fuzz.cc. Usage: fuzz_seed_state OUT_DIR.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <variant>

#include "connectors/codec/record_decoder.h"
#include "engine/state/binary_codec.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_seed_state OUT_DIR\n";
    return 2;
  }
  const fs::path out = argv[1];
  fs::create_directories(out);
  vbp::codec::RecordDecoder decoder;
  int n = 0;
  auto write = [&](char selector, const std::string& bytes) {
    std::ofstream f(out / ("seed-" + std::to_string(n++)), std::ios::binary);
    f << selector << bytes;
  };
  const fs::path golden = fs::path(VBP_SOURCE_DIR) / "tests" / "golden";
  for (const auto& e : fs::recursive_directory_iterator(golden)) {
    if (e.path().extension() != ".ndjson" || n > 600) continue;
    std::ifstream in(e.path());
    std::string line;
    for (int i = 0; i < 10 && std::getline(in, line); ++i) {
      auto r = decoder.Decode(line, vbp::SourcePos{e.path().string(), -1, i + 1}, std::nullopt);
      if (!r.record) continue;
      std::visit(
          [&](const auto& rec) {
            using T = std::decay_t<decltype(rec)>;
            if constexpr (std::is_same_v<T, vbp::Claim>) write(0, vbp::binary::EncodeClaim(rec));
            if constexpr (std::is_same_v<T, vbp::Member>) write(1, vbp::binary::EncodeMember(rec));
            if constexpr (std::is_same_v<T, vbp::Provider>) {
              write(2, vbp::binary::EncodeProvider(rec));
            }
            if constexpr (std::is_same_v<T, vbp::Contract>) {
              write(3, vbp::binary::EncodeContract(rec));
            }
          },
          *r.record);
    }
  }
  vbp::RunCounts c;
  c.claims.read = 7;
  c.claims.applied = 5;
  write(6, vbp::binary::EncodeCounts(c, vbp::Date::Parse("2025-03-01").value(), 3));
  write(4, vbp::binary::EncodeAggregate(vbp::rules::ContractAggregate{}));
  write(5, vbp::binary::EncodeRecordNotes(vbp::rules::RecordNotes{}));
  std::cout << "seeds: state_values     " << n << "\n";
  return 0;
}
