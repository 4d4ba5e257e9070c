#pragma once
// Internal to connectors/kafka (included by .cc files only): RAII owners for librdkafka handles
// and the translation of a KafkaConfig into an rd_kafka_conf_t.

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <string_view>

#include "connectors/kafka/kafka_types.h"
#include "domain/status.h"

namespace vbp::kafka::internal {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
struct MessageDeleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;

// Sets every property of `config` on `conf`. An unknown property or invalid value is
// kInvalidArgument naming the property (values of secrets are never echoed).
Status ApplyConfig(rd_kafka_conf_t* conf, const KafkaConfig& config);

// "Broker: Offset out of range (OFFSET_OUT_OF_RANGE)"
std::string ErrorText(rd_kafka_resp_err_t err);

// Maps a librdkafka error to a Status code: transport/timeouts are kUnavailable, the rest
// kIoError (with the message prefixed by `what`).
Status ErrorStatus(std::string_view what, rd_kafka_resp_err_t err);

// Low and high watermarks asked from the partition leader (blocking, up to timeout_ms).
Result<Watermarks> QueryWatermarks(rd_kafka_t* rk, const std::string& topic, int32_t partition,
                                   int timeout_ms);

// Partition ids of `topic` from a metadata request; kNotFound when the topic does not exist.
Result<std::vector<int32_t>> ListPartitions(rd_kafka_t* rk, const std::string& topic,
                                            int timeout_ms);

}  // namespace vbp::kafka::internal
