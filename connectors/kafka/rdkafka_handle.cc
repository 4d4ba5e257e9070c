#include "connectors/kafka/rdkafka_handle.h"

#include <algorithm>
#include <vector>

#include "connectors/kafka/kafka_log.h"

namespace vbp::kafka {
namespace {
LogHandler& Handler() {
  static LogHandler handler;
  return handler;
}
void LogTrampoline(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  Handler()(level, facility ? facility : "", rk ? rd_kafka_name(rk) : "", message ? message : "");
}
}  // namespace

void SetLogHandler(LogHandler handler) { Handler() = std::move(handler); }

}  // namespace vbp::kafka

namespace vbp::kafka::internal {
namespace {

bool IsSecret(std::string_view name) {
  for (std::string_view marker : {"password", "secret", ".pem", "oauthbearer.config", "jaas"}) {
    if (name.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

Status ApplyConfig(rd_kafka_conf_t* conf, const KafkaConfig& config) {
  if (Handler()) rd_kafka_conf_set_log_cb(conf, &LogTrampoline);
  char errstr[512];
  for (const auto& [name, value] : config) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK) {
      return Status::Invalid(
          "kafka property '" + name +
          "': " + (IsSecret(name) ? std::string("invalid value (redacted)") : std::string(errstr)));
    }
  }
  return Status::Ok();
}

std::string ErrorText(rd_kafka_resp_err_t err) {
  return std::string(rd_kafka_err2str(err)) + " (" + rd_kafka_err2name(err) + ")";
}

Status ErrorStatus(std::string_view what, rd_kafka_resp_err_t err) {
  std::string msg = std::string(what) + ": " + ErrorText(err);
  switch (err) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR__WAIT_COORD:
      return Status::Unavailable(std::move(msg));
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return Status::NotFound(std::move(msg));
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
      return Status::Invalid(std::move(msg));
    default:
      return Status::Io(std::move(msg));
  }
}

Result<Watermarks> QueryWatermarks(rd_kafka_t* rk, const std::string& topic, int32_t partition,
                                   int timeout_ms) {
  Watermarks w;
  const rd_kafka_resp_err_t err =
      rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, &w.low, &w.high, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return ErrorStatus("watermarks of " + topic + "[" + std::to_string(partition) + "]", err);
  }
  return w;
}

Result<std::vector<int32_t>> ListPartitions(rd_kafka_t* rk, const std::string& topic,
                                            int timeout_ms) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  if (rkt == nullptr) return ErrorStatus("topic handle " + topic, rd_kafka_last_error());
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, timeout_ms);
  rd_kafka_topic_destroy(rkt);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return ErrorStatus("metadata of " + topic, err);
  std::vector<int32_t> out;
  Status st;
  for (int t = 0; t < md->topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& mt = md->topics[t];
    if (topic != mt.topic) continue;
    if (mt.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      st = ErrorStatus("metadata of " + topic, mt.err);
      break;
    }
    for (int p = 0; p < mt.partition_cnt; ++p) out.push_back(mt.partitions[p].id);
  }
  rd_kafka_metadata_destroy(md);
  if (!st.ok()) return st;
  if (out.empty()) return Status::NotFound("topic " + topic + " has no partitions (not created?)");
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace vbp::kafka::internal
