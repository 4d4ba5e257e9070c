#pragma once
// Synthetic claim traffic for benchmarks and large tests: claim-shaped JSON records of a fixed
// size, keyed by member_id, produced through our Producer. Deterministic: record i is the same
// bytes for the same (i, size).

#include <cstddef>
#include <cstdint>
#include <string>

#include "connectors/kafka/kafka_types.h"
#include "connectors/kafka/producer.h"
#include "domain/status.h"

namespace vbp::kafka {

// Size of a typical one-line professional claim in our NDJSON (the figure the engine's
// throughput targets are quoted in).
inline constexpr size_t kClaimRecordBytes = 557;

// A vbp.claim/1 JSON object for record `index`, padded (with a "note" field) to exactly
// `bytes` bytes when bytes is at least the unpadded size (~420); member_id cycles over
// `members` ids.
std::string SyntheticClaimJson(uint64_t index, size_t bytes, uint64_t members);

struct SyntheticLoadOptions {
  KafkaConfig config;  // bootstrap.servers and any producer property
  std::string topic;
  uint64_t records = 0;
  size_t record_bytes = kClaimRecordBytes;
  uint64_t members = 100000;
  int flush_timeout_ms = 120000;
};

struct SyntheticLoadResult {
  DeliveryStats stats;
  double seconds = 0;  // from the first Produce to the end of Flush
};

// Produces `records` claims to `topic` and waits for every delivery report. Fails if any
// record failed or the flush timed out.
Result<SyntheticLoadResult> ProduceSyntheticClaims(const SyntheticLoadOptions& options);

}  // namespace vbp::kafka
