#pragma once
// Plain value types shared by the Kafka adapters (producer, consumer, mock cluster). No
// librdkafka type appears here or in any other public header of connectors/kafka.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vbp::kafka {

// librdkafka properties, passed through verbatim ("bootstrap.servers", "security.protocol",
// "ssl.ca.location", "sasl.mechanism", ...). Ordered so that applying them is deterministic.
using KafkaConfig = std::map<std::string, std::string>;

// Sentinel start offsets (same values as librdkafka's RD_KAFKA_OFFSET_*).
inline constexpr int64_t kOffsetBeginning = -2;     // the partition's low watermark
inline constexpr int64_t kOffsetEnd = -1;           // the partition's high watermark
inline constexpr int64_t kOffsetCommitted = -1001;  // the group's committed offset

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  friend auto operator<=>(const TopicPartition&, const TopicPartition&) = default;
  std::string ToString() const;  // "vbp.claims[3]"
};

// A partition and the next offset to read from it (the offset of the first record not yet
// applied), or one of the kOffset* sentinels.
struct TopicPartitionOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t next_offset = kOffsetBeginning;
  friend auto operator<=>(const TopicPartitionOffset&, const TopicPartitionOffset&) = default;
};

// low: offset of the oldest record still in the log; high: offset the next record will get.
// low == high means the partition is empty (possibly after retention deleted everything).
struct Watermarks {
  int64_t low = 0;
  int64_t high = 0;
};

struct Header {
  std::string key;
  std::string value;  // a null header value reads as ""
  friend bool operator==(const Header&, const Header&) = default;
};

// An owned copy of one consumed record.
struct Message {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;  // a null key reads as ""
  std::string value;
  std::vector<Header> headers;
  int64_t timestamp_ms = -1;  // producer create time, -1 when unknown
};

// The topics of SPEC §5 with a configurable prefix ("vbp." gives "vbp.claims", ...).
inline constexpr std::string_view kDefaultTopicPrefix = "vbp.";
inline constexpr std::string_view kSpecTopicSuffixes[] = {"claims",    "members",    "providers",
                                                          "contracts", "statements", "rejects"};
std::vector<std::string> SpecTopicNames(std::string_view prefix);

// The JSON field that keys an input topic's records (SPEC §2, §5: member-keyed partitions):
// a topic named "<prefix>claims" -> member_id, "<prefix>members" -> member_id,
// "<prefix>providers" -> npi, "<prefix>contracts" -> contract_id, whatever the prefix;
// nullopt for any other topic.
std::optional<std::string> DefaultKeyField(std::string_view topic);

}  // namespace vbp::kafka
