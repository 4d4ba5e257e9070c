// The crash test's writer process: opens the state directory, reads how far the previous
// (killed) writer got, and commits MakeCrashBatch(b) for b = k+1, k+2, ... until killed,
// writing each b (8 bytes, host order) to fd 3 after its Commit returned Ok.
//
//   vbp_rocksdb_crash_writer <dir> <write_buffer_mb> <sync_every> <batches_max>
//
// Exit codes: 0 after batches_max batches, 2 on a store error, 64 on bad arguments.

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "connectors/rocksdb/rocksdb_state_store.h"
#include "tests/rocksdb/test_support.h"

int main(int argc, char** argv) {
  using namespace vbp;
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s <dir> <write_buffer_mb> <sync_every> <batches_max>\n", argv[0]);
    return 64;
  }
  const std::string dir = argv[1];
  RocksDbOptions opts;
  opts.block_cache_mb = 8;
  opts.write_buffer_mb = std::strtoull(argv[2], nullptr, 10);
  opts.write_buffer_total_mb = 8 * opts.write_buffer_mb;
  const uint64_t sync_every = std::strtoull(argv[3], nullptr, 10);
  const uint64_t batches_max = std::strtoull(argv[4], nullptr, 10);

  auto opened = RocksDbStateStore::Open(dir, opts);
  if (!opened.ok()) {
    std::fprintf(stderr, "crash writer: %s\n", opened.status().ToString().c_str());
    return 2;
  }
  auto& store = **opened;
  auto offset = store.Get(Space::kOffsets, rocksdb_test::kCrashOffsetKey);
  if (!offset.ok()) {
    std::fprintf(stderr, "crash writer: %s\n", offset.status().ToString().c_str());
    return 2;
  }
  const uint64_t first = offset->has_value() ? std::strtoull((*offset)->c_str(), nullptr, 10) + 1 : 1;
  const rocksdb_test::CrashShape shape;
  for (uint64_t b = first; b < first + batches_max; ++b) {
    Status st = store.Commit(rocksdb_test::MakeCrashBatch(b, shape),
                             /*sync=*/sync_every != 0 && b % sync_every == 0);
    if (!st.ok()) {
      std::fprintf(stderr, "crash writer: batch %llu: %s\n", static_cast<unsigned long long>(b),
                   st.ToString().c_str());
      return 2;
    }
    ssize_t n;
    do {
      n = write(3, &b, sizeof b);
    } while (n < 0 && errno == EINTR);
    if (n != static_cast<ssize_t>(sizeof b)) return 2;
  }
  Status st = store.Close();
  if (!st.ok()) {
    std::fprintf(stderr, "crash writer: %s\n", st.ToString().c_str());
    return 2;
  }
  return 0;
}
