#pragma once
// The engine's log ports (engine/core/ports.h) over Kafka: a RecordSource on kafka::Consumer and a
// RecordSink on kafka::Producer. Member-keyed input (claims, members) is consumed in group
// mode, so instances split partitions; reference data (providers, contracts) is read whole by
// every instance (manual assignment of all partitions).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connectors/kafka/consumer.h"
#include "connectors/kafka/producer.h"
#include "engine/core/ports.h"

namespace vbp::stream {

// librdkafka properties the input consumer (Mode::kGroup) gets unless the configuration sets
// them: a deeper prefetch queue than librdkafka's defaults (100,000 messages, 64 MB). With
// the defaults the consumer stopped fetching while the engine applied a batch and the queue
// ran dry every ~140k messages; vbp_stream_bench (20k members) went from ~120k to ~170k
// claims/s with these. At most 256 MB of fetched messages wait in memory.
const kafka::KafkaConfig& InputPrefetchDefaults();

class KafkaRecordSource : public RecordSource {
 public:
  enum class Mode { kGroup, kAllPartitions };
  // `config` holds bootstrap.servers and any librdkafka property; group.id for kGroup.
  static Result<std::unique_ptr<KafkaRecordSource>> Create(kafka::KafkaConfig config,
                                                           std::vector<std::string> topics,
                                                           Mode mode);
  ~KafkaRecordSource() override;
  Status Start(Listener* listener) override;
  Status Poll(size_t max, int timeout_ms, std::vector<InputMessage>* out) override;
  bool CaughtUp() const override;
  std::vector<PartitionLag> Lag() override;
  Result<int32_t> PartitionCount(const std::string& topic) override;
  Status Close() override;

 private:
  KafkaRecordSource() = default;
  std::unique_ptr<kafka::Consumer> consumer_;
  std::vector<std::string> topics_;
  Mode mode_ = Mode::kGroup;
  Listener* listener_ = nullptr;
  kafka::MessageBatch batch_;                  // keeps the last poll's bytes alive
  std::map<LogPartition, int64_t> positions_;  // next offset per assigned partition
  bool assigned_ = false;
};

class KafkaRecordSink : public RecordSink {
 public:
  static Result<std::unique_ptr<KafkaRecordSink>> Create(kafka::KafkaConfig config,
                                                         std::string topic);
  Status Publish(const PublishedRecord& record) override;
  Status Flush(int timeout_ms) override;

 private:
  KafkaRecordSink() = default;
  std::unique_ptr<kafka::Producer> producer_;
  std::string topic_;
};

}  // namespace vbp::stream
