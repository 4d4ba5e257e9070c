// BM_Decode_Claim: the per-claim hot path (SPEC §2 claim text -> validated Claim + content
// hash). Inputs: 1024 professional claims of two lines (~560 bytes each) from a fixed-seed
// generator. Reproduce: build-*/bench/vbp_decode_bench --benchmark_filter=BM_Decode
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "connectors/codec/record_decoder.h"

namespace vbp {
namespace {

constexpr uint64_t kSeed = 20250101;
constexpr int kClaims = 1024;

std::string Money(std::mt19937_64& rng, int max_dollars) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%d.%02d", static_cast<int>(rng() % max_dollars),
                static_cast<int>(rng() % 100));
  return buf;
}

std::vector<std::string> GenerateClaims() {
  std::mt19937_64 rng(kSeed);
  const char* kCodes[] = {"99213", "99214", "G0438", "99396", "36415", "80053"};
  const char* kDx[] = {"E11.9", "I10", "Z00.00", "J06.9", "M54.50", "E78.5"};
  std::vector<std::string> out;
  out.reserve(kClaims);
  for (int i = 0; i < kClaims; ++i) {
    char head[512];
    int day = 1 + static_cast<int>(rng() % 28);
    std::snprintf(head, sizeof(head),
                  "{\"schema\":\"vbp.claim/1\",\"claim_id\":\"C%012d\",\"version\":1,"
                  "\"frequency\":\"original\",\"member_id\":\"M%09d\",\"billing_tin\":\"%09d\","
                  "\"rendering_npi\":\"1%09d\",\"claim_type\":\"professional\","
                  "\"from_date\":\"2025-03-%02d\",\"through_date\":\"2025-03-%02d\","
                  "\"paid_date\":\"2025-04-%02d\",\"diagnoses\":[\"%s\",\"%s\"],\"lines\":[",
                  i, static_cast<int>(rng() % 1000000000), static_cast<int>(rng() % 1000000000),
                  static_cast<int>(rng() % 1000000000), day, day, day, kDx[rng() % 6],
                  kDx[rng() % 6]);
    std::string s = head;
    for (int l = 1; l <= 2; ++l) {
      char line[256];
      std::snprintf(line, sizeof(line),
                    "%s{\"line\":%d,\"hcpcs\":\"%s\",\"modifiers\":[%s],\"units\":\"1\","
                    "\"service_date\":\"2025-03-%02d\",\"pos\":\"11\",\"allowed\":\"%s\","
                    "\"paid\":\"%s\"}",
                    l == 1 ? "" : ",", l, kCodes[rng() % 6], l == 1 ? "\"25\"" : "", day,
                    Money(rng, 400).c_str(), Money(rng, 300).c_str());
      s += line;
    }
    s += "]}";
    out.push_back(std::move(s));
  }
  return out;
}

void BM_Decode_Claim(benchmark::State& state) {
  const std::vector<std::string> claims = GenerateClaims();
  size_t bytes = 0;
  for (const auto& c : claims) bytes += c.size();
  codec::RecordDecoder decoder;
  SourcePos pos{"bench", 0, 0};
  size_t i = 0;
  int64_t rejected = 0;
  for (auto _ : state) {
    codec::DecodeResult r = decoder.Decode(claims[i], pos, RecordKind::kClaim);
    rejected += r.reject.has_value();
    benchmark::DoNotOptimize(r);
    if (++i == claims.size()) i = 0;
  }
  if (rejected > 0) state.SkipWithError("a generated claim was rejected");
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(bytes / claims.size()));
  state.counters["bytes_per_claim"] = static_cast<double>(bytes) / claims.size();
}
BENCHMARK(BM_Decode_Claim);

}  // namespace
}  // namespace vbp

BENCHMARK_MAIN();
