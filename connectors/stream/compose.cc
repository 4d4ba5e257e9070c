#include "connectors/stream/compose.h"

#include <unistd.h>

#include <climits>
#include <filesystem>

#include "connectors/stream/decode_port.h"
#include "rules/core/parameters.h"

namespace vbp::stream {

namespace {

kafka::KafkaConfig WithGroup(const kafka::KafkaConfig& base, const std::string& group) {
  kafka::KafkaConfig c = base;
  c["group.id"] = group;
  return c;
}

}  // namespace

const kafka::KafkaConfig& InputSessionDefaults() {
  static const kafka::KafkaConfig kDefaults = {
      {"session.timeout.ms", "6000"},
      {"heartbeat.interval.ms", "1000"},
  };
  return kDefaults;
}

std::string DeriveInstanceId(const std::string& state_dir) {
  char host[HOST_NAME_MAX + 1] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(state_dir, ec);
  if (ec) dir = state_dir;
  const std::string hex =
      rules::Sha256Hex(std::string(host) + ":" + dir.lexically_normal().string());
  return "vbp-" + hex.substr(0, 16);
}

Result<std::unique_ptr<ComposedEngine>> ComposedEngine::Create(const EngineComposition& c,
                                                               StateStore* state,
                                                               const RuleRegistry* registry) {
  std::unique_ptr<ComposedEngine> e(new ComposedEngine(TopicNames(c.engine.topic_prefix)));
  const TopicNames& t = e->topics_;
  using Mode = KafkaRecordSource::Mode;

  kafka::KafkaConfig input_cfg = WithGroup(c.kafka, c.group);
  for (const auto& [k, v] : c.input_kafka) input_cfg[k] = v;
  for (const auto& [k, v] : InputSessionDefaults()) input_cfg.emplace(k, v);
  if (!c.instance_id.empty()) input_cfg.emplace("group.instance.id", c.instance_id);
  VBP_ASSIGN_OR_RETURN(e->input_,
                       KafkaRecordSource::Create(input_cfg, {t.claims, t.members}, Mode::kGroup));
  VBP_ASSIGN_OR_RETURN(e->reference_,
                       KafkaRecordSource::Create(WithGroup(c.kafka, c.group + "-reference"),
                                                 {t.providers, t.contracts}, Mode::kAllPartitions));
  VBP_ASSIGN_OR_RETURN(e->statements_, KafkaRecordSink::Create(c.kafka, t.statements));
  VBP_ASSIGN_OR_RETURN(e->rejects_, KafkaRecordSink::Create(c.kafka, t.rejects));
  if (c.parts != EngineComposition::Parts::kNone) {
    VBP_ASSIGN_OR_RETURN(
        auto source, KafkaRecordSource::Create(WithGroup(c.kafka, c.group + "-parts"), {t.parts},
                                               Mode::kAllPartitions));
    auto count = source->PartitionCount(t.parts);
    if (!count.ok() && count.status().code() == StatusCode::kUnavailable) {
      // No answer at all: the cluster is unreachable, which says nothing about the topic.
      const auto servers = c.kafka.find("bootstrap.servers");
      return Status::Unavailable(
          "cannot reach the Kafka cluster at " +
          (servers == c.kafka.end() ? std::string("(no bootstrap.servers)") : servers->second) +
          " (" + count.status().message() +
          "): check --brokers and that the brokers are up and reachable from this host");
    }
    const bool exists = count.ok() && *count > 0;
    if (!exists && c.parts == EngineComposition::Parts::kRequired) {
      return Status::NotFound("no topic " + t.parts + ": create it with as many partitions as " +
                              t.claims);
    }
    if (exists) {
      VBP_ASSIGN_OR_RETURN(e->parts_sink_, KafkaRecordSink::Create(c.kafka, t.parts));
      e->parts_source_ = std::move(source);
    }
  }
  RecordSource* input = e->input_.get();
  if (c.wrap_input) {
    e->wrapped_input_ = c.wrap_input(input);
    input = e->wrapped_input_.get();
  }
  e->clock_ = NewSystemClock();
  e->engine_ = std::make_unique<StreamingEngine>(
      c.engine,
      StreamingEngine::Ports{state, input, e->reference_.get(), e->statements_.get(),
                             e->rejects_.get(), e->clock_.get(), e->parts_sink_.get(),
                             e->parts_source_.get()},
      MakeJsonDecodeFn(), registry);
  return e;
}

ComposedEngine::~ComposedEngine() {
  // The engine first: it holds pointers to the sources and sinks.
  engine_.reset();
}

void ComposedEngine::Close() {
  for (KafkaRecordSource* s : {input_.get(), reference_.get(), parts_source_.get()}) {
    if (s != nullptr) (void)s->Close();
  }
}

}  // namespace vbp::stream
