// RocksDB state store (connectors/rocksdb) with its production defaults, in a fresh directory
// under $TMPDIR (or /tmp). Inputs come from a fixed-seed generator; items are keys.
//   BM_Commit_Batch/<n>      one Commit of n small puts over claims, member_claims, history
//   BM_Commit_BatchSync/<n>  the same with sync=true (one WAL fsync per batch)
//   BM_Scan_Prefix           one member's claim index (100 keys) by prefix, from SST + cache
//   BM_Get_Point             random Gets of existing claims
// Reproduce:
//   make -C build-rocks vbp_rocksdb_bench && build-rocks/bench/vbp_rocksdb_bench
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "connectors/rocksdb/rocksdb_state_store.h"

namespace vbp {
namespace {

class BenchDir {
 public:
  BenchDir() {
    const char* tmp = std::getenv("TMPDIR");
    path_ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/vbp-rocksdb-bench-XXXXXX";
    if (mkdtemp(path_.data()) == nullptr) std::abort();
  }
  ~BenchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string state() const { return path_ + "/state"; }

 private:
  std::string path_;
};

std::unique_ptr<RocksDbStateStore> OpenOrDie(const std::string& dir) {
  auto r = RocksDbStateStore::Open(dir, RocksDbOptions{});
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
    std::abort();
  }
  return std::move(r).value();
}

void CheckOk(const Status& st) {
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    std::abort();
  }
}

std::string Be64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) s[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
  return s;
}

std::string Member(uint64_t m) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "M%08llu", static_cast<unsigned long long>(m));
  return buf;
}

// What an engine batch looks like: a claim version (~120 bytes), its member index entry (empty
// value) and its history record (~200 bytes), keyed by partition, member and claim id.
StateStore::Batch MakeBatch(std::mt19937_64& rng, uint64_t* seq, int64_t puts) {
  StateStore::Batch b;
  const std::string partition = Be64(3).substr(4);
  std::string claim_value(120, '\0');
  std::string history_value(200, '\0');
  for (int64_t i = 0; i < puts; ++i) {
    const uint64_t member = rng() % 200000;
    const uint64_t claim = rng();
    for (auto& c : claim_value) c = static_cast<char>('a' + rng() % 26);
    switch (i % 3) {
      case 0:
        b.Put(Space::kClaims, partition + Be64(claim), claim_value);
        break;
      case 1:
        b.Put(Space::kMemberClaims, partition + Member(member) + Be64(claim), "");
        break;
      default:
        for (size_t k = 0; k < 16; ++k) history_value[k] = claim_value[k];
        b.Put(Space::kHistory, partition + Be64((*seq)++), history_value);
        break;
    }
  }
  return b;
}

void CommitBench(benchmark::State& state, bool sync) {
  BenchDir dir;
  auto store = OpenOrDie(dir.state());
  std::mt19937_64 rng(42);
  uint64_t seq = 0;
  const int64_t puts = state.range(0);
  int64_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    StateStore::Batch b = MakeBatch(rng, &seq, puts);
    bytes += static_cast<int64_t>(b.ByteSize());
    state.ResumeTiming();
    CheckOk(store->Commit(b, sync));
  }
  state.SetItemsProcessed(state.iterations() * puts);
  state.SetBytesProcessed(bytes);
  state.counters["store_MB"] = static_cast<double>(store->ApproximateBytes()) / (1 << 20);
  CheckOk(store->Close());
}

void BM_Commit_Batch(benchmark::State& state) { CommitBench(state, /*sync=*/false); }
BENCHMARK(BM_Commit_Batch)->Arg(1000)->Arg(10000)->MinTime(3.0)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Commit_BatchSync(benchmark::State& state) { CommitBench(state, /*sync=*/true); }
BENCHMARK(BM_Commit_BatchSync)->Arg(1000)->Arg(10000)->MinTime(3.0)->Unit(benchmark::kMillisecond)->UseRealTime();

constexpr uint64_t kMembers = 2000;
constexpr uint64_t kClaimsPerMember = 100;

// 200k index keys (2000 members x 100 claims) and as many claims, flushed to SST files.
struct Prefilled {
  BenchDir dir;
  std::unique_ptr<RocksDbStateStore> store;
  Prefilled() : store(OpenOrDie(dir.state())) {
    std::mt19937_64 rng(7);
    for (uint64_t m = 0; m < kMembers; m += 100) {
      StateStore::Batch b;
      for (uint64_t mm = m; mm < m + 100; ++mm) {
        for (uint64_t c = 0; c < kClaimsPerMember; ++c) {
          const uint64_t claim = mm * kClaimsPerMember + c;
          b.Put(Space::kMemberClaims, Member(mm) + Be64(claim), "");
          b.Put(Space::kClaims, Be64(claim), std::string(120, static_cast<char>('a' + rng() % 26)));
        }
      }
      CheckOk(store->Commit(b, false));
    }
    CheckOk(store->Flush());
  }
};

Prefilled& Shared() {
  static Prefilled p;  // built on first use, closed and removed at exit
  return p;
}

void BM_Scan_Prefix(benchmark::State& state) {
  auto& store = *Shared().store;
  std::mt19937_64 rng(11);
  int64_t keys = 0;
  for (auto _ : state) {
    const std::string prefix = Member(rng() % kMembers);
    CheckOk(store.Scan(Space::kMemberClaims, prefix, [&](std::string_view k, std::string_view) {
      benchmark::DoNotOptimize(k.data());
      ++keys;
      return true;
    }));
  }
  if (keys != state.iterations() * static_cast<int64_t>(kClaimsPerMember)) std::abort();
  state.SetItemsProcessed(keys);
}
BENCHMARK(BM_Scan_Prefix);

void BM_Get_Point(benchmark::State& state) {
  auto& store = *Shared().store;
  std::mt19937_64 rng(13);
  for (auto _ : state) {
    auto v = store.Get(Space::kClaims, Be64(rng() % (kMembers * kClaimsPerMember)));
    if (!v.ok() || !v->has_value()) std::abort();
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Get_Point);

}  // namespace
}  // namespace vbp

BENCHMARK_MAIN();
