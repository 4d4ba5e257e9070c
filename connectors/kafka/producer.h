#pragma once
// Kafka producer adapter over librdkafka: idempotent, compressed, never drops a record.
//
// Defaults (each may be overridden through the config map, which is passed to librdkafka
// verbatim: TLS, SASL, timeouts, ...):
//   enable.idempotence=true   no duplicates or reordering on retry within a partition
//   compression.type=zstd     (lz4, gzip, snappy, none also work with librdkafka readers;
//                             kafka-python needs python3-zstandard for zstd)
//   partitioner=murmur2_random  the Java client's (and kafka-python's) key hash, so that a
//                             member_id lands on the same partition whichever client wrote it
//   linger.ms=20              bigger batches: the mock broker serves one batch per fetch
//
// Threading: one thread at a time calls Produce/Poll/Flush (the delivery callback runs on that
// thread, inside those calls). stats() may be read from that thread only.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/kafka/kafka_types.h"
#include "domain/status.h"

namespace vbp::kafka {

// The outcome of one Produce(): where it was written, or why it failed for good (after
// librdkafka's retries, bounded by message.timeout.ms / delivery.timeout.ms).
struct DeliveryReport {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;    // -1 when failed
  Status status;          // ok when delivered
  uint64_t sequence = 0;  // 0-based index of the Produce() call that created the record
};

struct DeliveryStats {
  uint64_t produced = 0;          // accepted by Produce()
  uint64_t delivered = 0;         // acknowledged by the broker
  uint64_t failed = 0;            // given up
  uint64_t queue_full_waits = 0;  // times Produce() waited for the local queue to drain
  uint64_t value_bytes = 0;       // sum of produced value sizes
  // The first failure: "vbp.claims[3]: Local: Message timed out (_MSG_TIMED_OUT)".
  std::optional<std::string> first_error;
  uint64_t in_flight() const { return produced - delivered - failed; }
};

struct ProducerOptions {
  KafkaConfig config;  // must hold bootstrap.servers
  // Called for every delivery report (success and failure), on the thread that calls
  // Produce/Poll/Flush. Optional.
  std::function<void(const DeliveryReport&)> on_delivery;
};

class Producer {
 public:
  static Result<std::unique_ptr<Producer>> Create(ProducerOptions options);

  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;
  ~Producer();  // waits up to 10 s for in-flight records, then drops them (and says so)

  // Queues one record. `partition` nullopt: chosen by the key hash (random for an empty key).
  // When the local queue is full, serves delivery reports and retries until there is room
  // (back-pressure; never drops). Errors: invalid topic/partition (kNotFound / kInvalidArgument),
  // record larger than message.max.bytes (kInvalidArgument), fatal idempotence error (kIoError).
  Status Produce(std::string_view topic, std::string_view key, std::string_view value,
                 const std::vector<Header>& headers = {},
                 std::optional<int32_t> partition = std::nullopt);

  // Serves pending delivery reports, waiting up to timeout_ms for the first one.
  void Poll(int timeout_ms);

  // Waits until every queued record is delivered or failed (up to timeout_ms). Ok only when
  // nothing is in flight and nothing ever failed; otherwise kUnavailable (timeout, with the
  // count still in flight) or kIoError (with the count failed and the first error).
  Status Flush(int timeout_ms);

  const DeliveryStats& stats() const;

 private:
  struct Rep;
  explicit Producer(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace vbp::kafka
