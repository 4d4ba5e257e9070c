#pragma once
// Kafka consumer adapter over librdkafka, built for exactly-once effect with offsets stored
// next to the state (SPEC §5): auto-commit is off and the engine says where to start.
//
// Two modes:
//  (a) manual: Assign({topic, partition, next_offset}...) - no group membership;
//  (b) group:  Subscribe(topics, handlers) - partitions are balanced over the members of
//      group.id; on_assigned tells the engine which partitions it now owns and lets it give
//      the start offset of each from its own store; on_revoked precedes losing them.
//
// Lost data is never skipped. auto.offset.reset=error, so a start offset outside the log is an
// error, and Assign / on_assigned starts are checked against the low watermark first. Either
// way the result is kDataLoss naming the topic, partition, stored offset and low watermark.
// A consumer whose stored offset fell behind retention must reset its state or re-ingest.
//
// Defaults (overridable via the config map, passed to librdkafka verbatim, TLS/SASL included):
//   enable.auto.commit=false, enable.auto.offset.store=false, auto.offset.reset=error,
//   enable.partition.eof=true, group.id=vbp (needed by librdkafka even for manual mode).
//
// Threading: one thread uses a Consumer; the rebalance handlers run on it, inside PollBatch.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/kafka/kafka_types.h"
#include "domain/status.h"

namespace vbp::kafka {

struct HeaderView {
  std::string_view key;
  std::string_view value;
};

// A consumed record, viewing bytes owned by its MessageBatch.
struct MessageView {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string_view key;  // a null key reads as ""
  std::string_view value;
  std::vector<HeaderView> headers;
  int64_t timestamp_ms = -1;
  Message ToOwned() const;
};

// "Caught up": the consumer has read everything up to the partition's high watermark as of
// the fetch; next_offset is the offset the next record will get.
struct PartitionEof {
  std::string topic;
  int32_t partition = 0;
  int64_t next_offset = 0;
};

// The records of one PollBatch, in arrival order (per partition: offset order), plus the
// partitions that reached their end meanwhile. Views stay valid while the batch lives.
class MessageBatch {
 public:
  MessageBatch();
  MessageBatch(MessageBatch&&) noexcept;
  MessageBatch& operator=(MessageBatch&&) noexcept;
  ~MessageBatch();

  size_t size() const { return views_.size(); }
  bool empty() const { return views_.empty(); }
  const MessageView& operator[](size_t i) const { return views_[i]; }
  std::vector<MessageView>::const_iterator begin() const { return views_.begin(); }
  std::vector<MessageView>::const_iterator end() const { return views_.end(); }
  const std::vector<PartitionEof>& eofs() const { return eofs_; }

 private:
  friend class Consumer;
  struct Owned;
  std::unique_ptr<Owned> owned_;  // the librdkafka messages the views point into
  std::vector<MessageView> views_;
  std::vector<PartitionEof> eofs_;
};

struct RebalanceHandlers {
  // Partitions newly assigned to this member. Each arrives with next_offset = kOffsetCommitted;
  // set it to the engine's stored next offset (or kOffsetBeginning for a fresh start).
  // Returning an error stops the consumer: PollBatch returns it.
  std::function<Status(std::vector<TopicPartitionOffset>& assigned)> on_assigned;
  // Partitions taken away (before another member gets them). Flush/commit their state here.
  std::function<void(const std::vector<TopicPartition>& revoked)> on_revoked;
};

class Consumer {
 public:
  // `config` must hold bootstrap.servers; group.id is needed for Subscribe.
  static Result<std::unique_ptr<Consumer>> Create(KafkaConfig config);

  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;
  ~Consumer();  // Close()

  // Manual mode: replaces the assignment. Each next_offset is an offset or kOffsetBeginning /
  // kOffsetEnd. kDataLoss when an explicit offset is below the partition's low watermark
  // (deleted by retention) or above its high watermark (the topic was recreated?); nothing is
  // assigned then. kUnavailable when the watermarks cannot be read within the timeout.
  Status Assign(const std::vector<TopicPartitionOffset>& assignment);

  // Group mode: joins group.id and consumes `topics`. Handlers run inside PollBatch.
  Status Subscribe(const std::vector<std::string>& topics, RebalanceHandlers handlers);

  // Waits up to timeout_ms for the first record, then takes what is already buffered, up to
  // max_messages. An empty batch (no error) means nothing arrived in time. Errors:
  //   kDataLoss: a partition's next offset is no longer in the log (sticky until the next
  //              Assign: every later call returns it again);
  //   kUnavailable / kIoError: the broker or group failed in a way librdkafka will not retry;
  //   whatever on_assigned returned.
  // Records that arrived before an error are returned first; the error comes with the next call.
  Result<MessageBatch> PollBatch(size_t max_messages, int timeout_ms);

  // Whether PollBatch fills MessageView::headers (default on). librdkafka parses a record's
  // headers only when asked, which costs ~2% of the streaming engine's CPU; a reader that
  // never looks at them (the engine's input: SPEC §5 carries everything in the value)
  // turns this off and gets empty headers.
  void set_read_headers(bool on);

  // The partitions currently assigned (sorted).
  std::vector<TopicPartition> Assignment() const;
  // True when every assigned partition reported its end and no record arrived for it since.
  bool CaughtUp() const;

  // Asks the partition leader (a network round trip, up to timeout_ms).
  Result<Watermarks> QueryWatermarks(const std::string& topic, int32_t partition,
                                     int timeout_ms = 10000);
  // Without any network call: the watermarks librdkafka last saw in a fetch response for an
  // assigned partition (cheap enough for a lag gauge). kUnavailable before the first fetch.
  Result<Watermarks> CachedWatermarks(const std::string& topic, int32_t partition) const;
  Result<std::vector<int32_t>> ListPartitions(const std::string& topic, int timeout_ms = 10000);

  // Leaves the group (revoking partitions through on_revoked) and closes. Idempotent.
  // Destroy every MessageBatch of this consumer first: its librdkafka messages hold
  // references that make librdkafka's destroy wait forever (seen as a hang at exit).
  Status Close();

 private:
  struct Rep;
  explicit Consumer(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace vbp::kafka
