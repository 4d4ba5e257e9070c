#pragma once
// Helpers for the RocksDB state store tests: temporary directories, whole-store dumps, and the
// deterministic batches of the crash test (shared by the test and its writer process).

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/ports.h"

namespace vbp::rocksdb_test {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

using SpaceDump = std::vector<std::pair<std::string, std::string>>;
using StoreDump = std::array<SpaceDump, kSpaceCount>;

// Every key and value of every space, in scan order.
Status DumpAll(const StateStore& store, StoreDump* out);

// "" when equal, else the first difference (space, index, keys) in printable form.
std::string FirstDifference(const StoreDump& expected, const StoreDump& actual);

// Printable bytes: \xHH for anything but printable ASCII.
std::string Printable(const std::string& bytes);

// Big-endian fixed-width encodings: byte order equals numeric order, and they put 0x00 bytes
// into keys.
std::string Be32(uint32_t v);
std::string Be64(uint64_t v);
uint64_t ParseBe64(const std::string& s);

// The crash test's workload. Batch b (b >= 1) writes, across five families:
//   offsets  "p0" -> decimal b                         (the engine's "where am I" key)
//   claims   "c"+Be32(i) -> Be64(b)+Be32(i)+filler      for i < overwrite_keys (overwritten)
//   history  Be64(b)+Be32(i) -> filler                  for i < append_keys (appended)
//   member_claims  put "m"+Be64(b), delete "m"+Be64(b-1)
//   counters "applied" -> decimal b*overwrite_keys
// so the state after batch k is a pure function of k, and any torn batch shows as a mix.
struct CrashShape {
  int overwrite_keys = 400;
  int append_keys = 40;
  int value_bytes = 48;
};
StateStore::Batch MakeCrashBatch(uint64_t b, const CrashShape& shape);
inline constexpr char kCrashOffsetKey[] = "p0";

}  // namespace vbp::rocksdb_test
