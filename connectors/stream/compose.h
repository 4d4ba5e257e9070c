#pragma once
// The streaming engine composed over Kafka: the one place that wires its sources and sinks to
// the topics of SPEC §5, for `vbp run`, `vbp demo` and the streaming bench alike.
//
//   input      <prefix>claims + <prefix>members   consumer group `group` (this instance's share)
//   reference  <prefix>providers + <prefix>contracts   every partition, group `group`-reference
//   parts      <prefix>parts (optional)            every partition, group `group`-parts
//   sinks      <prefix>statements, <prefix>rejects, <prefix>parts
//
// Every librdkafka property of `kafka` reaches every client; `input_kafka` adds properties for
// the input consumer only. Unless configured, the input consumer's session is short
// (InputSessionDefaults) so that a crashed instance's partitions move within seconds.
#include <functional>
#include <memory>
#include <string>

#include "connectors/kafka/kafka_types.h"
#include "connectors/stream/kafka_ports.h"
#include "engine/core/rule_registry.h"
#include "engine/stream/streaming_engine.h"

namespace vbp::stream {

struct EngineComposition {
  kafka::KafkaConfig kafka;        // bootstrap.servers and everything else, passed through
  kafka::KafkaConfig input_kafka;  // added for the input consumer only
  std::string group = "vbp";
  // Static group membership (KIP-345) for the input consumer: a restarted instance with the
  // same id takes its partitions back at once instead of waiting for its old session to
  // expire. Empty: dynamic membership. A `group.instance.id` in `kafka` wins.
  std::string instance_id;
  StreamingOptions engine;  // engine.topic_prefix names the topics
  // Contract parts between instances of one group: kNone (a single instance owns every
  // partition), kIfTopicExists (exchange them when <prefix>parts exists), kRequired.
  enum class Parts { kNone, kIfTopicExists, kRequired };
  Parts parts = Parts::kIfTopicExists;
  // Optional: wraps the input source (the bench times its first record). The composition owns
  // the wrapper; the wrapper must not own the source it wraps.
  std::function<std::unique_ptr<RecordSource>(RecordSource*)> wrap_input;
};

// session.timeout.ms 6000 and heartbeat.interval.ms 1000 (librdkafka: 45000 / 3000). After a
// crash the group waits for the dead member's session before it assigns its partitions again
// (the embedded mock broker ignores group.instance.id, so this is its only remedy; a real
// cluster with static membership gives them back at once). 6 s is the smallest session a
// Kafka broker accepts by default (group.min.session.timeout.ms); heartbeats come from
// librdkafka's own thread, so a long batch does not miss them.
const kafka::KafkaConfig& InputSessionDefaults();

// "vbp-" + 16 hex digits of sha256(host name + ":" + absolute state directory): one id per
// instance and state directory, the same across restarts.
std::string DeriveInstanceId(const std::string& state_dir);

class ComposedEngine {
 public:
  static Result<std::unique_ptr<ComposedEngine>> Create(const EngineComposition& c,
                                                        StateStore* state,
                                                        const RuleRegistry* registry);
  ~ComposedEngine();
  ComposedEngine(const ComposedEngine&) = delete;
  ComposedEngine& operator=(const ComposedEngine&) = delete;

  StreamingEngine& engine() { return *engine_; }
  const TopicNames& topics() const { return topics_; }
  // Whether this instance exchanges contract parts (false: it must own every partition).
  bool exchanges_parts() const { return parts_sink_ != nullptr; }
  // Closes the consumers (leaves their groups); the engine must be stopped.
  void Close();

 private:
  explicit ComposedEngine(const TopicNames& topics) : topics_(topics) {}
  TopicNames topics_;
  std::unique_ptr<KafkaRecordSource> input_, reference_, parts_source_;
  std::unique_ptr<RecordSource> wrapped_input_;
  std::unique_ptr<KafkaRecordSink> statements_, rejects_, parts_sink_;
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<StreamingEngine> engine_;
};

}  // namespace vbp::stream
