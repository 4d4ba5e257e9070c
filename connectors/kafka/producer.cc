#include "connectors/kafka/producer.h"

#include <cstdio>
#include <map>

#include "connectors/kafka/rdkafka_handle.h"

namespace vbp::kafka {

using internal::ErrorStatus;

namespace {

constexpr int kQueueFullPollMs = 50;
constexpr int kDestructorFlushMs = 10000;

const KafkaConfig& ProducerDefaults() {
  static const KafkaConfig kDefaults = {
      {"enable.idempotence", "true"},
      {"compression.type", "zstd"},
      {"partitioner", "murmur2_random"},
      {"linger.ms", "20"},
  };
  return kDefaults;
}

}  // namespace

struct Producer::Rep {
  ProducerOptions options;
  internal::HandlePtr rk;
  std::map<std::string, rd_kafka_topic_t*, std::less<>> topics;
  DeliveryStats stats;

  ~Rep() {
    for (auto& [name, rkt] : topics) rd_kafka_topic_destroy(rkt);
  }

  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* rep = static_cast<Rep*>(opaque);
    DeliveryReport report;
    report.topic = rd_kafka_topic_name(m->rkt);
    report.partition = m->partition;
    report.sequence = reinterpret_cast<uintptr_t>(m->_private);
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++rep->stats.delivered;
      report.offset = m->offset;
    } else {
      ++rep->stats.failed;
      report.status = ErrorStatus(
          "delivery to " + report.topic + "[" + std::to_string(report.partition) + "]", m->err);
      if (!rep->stats.first_error) rep->stats.first_error = report.status.message();
    }
    if (rep->options.on_delivery) rep->options.on_delivery(report);
  }

  rd_kafka_topic_t* Topic(std::string_view name) {
    auto it = topics.find(name);
    if (it != topics.end()) return it->second;
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk.get(), std::string(name).c_str(), nullptr);
    if (rkt == nullptr) return nullptr;
    topics.emplace(std::string(name), rkt);
    return rkt;
  }
};

Producer::Producer(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

Producer::~Producer() {
  if (!rep_ || !rep_->rk) return;
  rd_kafka_flush(rep_->rk.get(), kDestructorFlushMs);
  const int left = rd_kafka_outq_len(rep_->rk.get());
  if (left > 0) {
    std::fprintf(stderr,
                 "vbp kafka producer: destroyed with %d record(s) still undelivered after %d ms\n",
                 left, kDestructorFlushMs);
  }
}

Result<std::unique_ptr<Producer>> Producer::Create(ProducerOptions options) {
  if (options.config.find("bootstrap.servers") == options.config.end()) {
    return Status::Invalid("kafka producer: bootstrap.servers is required");
  }
  auto rep = std::make_unique<Rep>();
  rep->options = std::move(options);
  internal::ConfPtr conf(rd_kafka_conf_new());
  KafkaConfig merged = ProducerDefaults();
  for (const auto& [k, v] : rep->options.config) merged[k] = v;
  VBP_RETURN_IF_ERROR(internal::ApplyConfig(conf.get(), merged));
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &Rep::OnDelivery);
  rd_kafka_conf_set_opaque(conf.get(), rep.get());
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof(errstr));
  if (rk == nullptr) return Status::Invalid(std::string("kafka producer: ") + errstr);
  conf.release();  // owned by rk now
  rep->rk.reset(rk);
  return std::unique_ptr<Producer>(new Producer(std::move(rep)));
}

Status Producer::Produce(std::string_view topic, std::string_view key, std::string_view value,
                         const std::vector<Header>& headers, std::optional<int32_t> partition) {
  Rep& r = *rep_;
  rd_kafka_topic_t* rkt = r.Topic(topic);
  if (rkt == nullptr) {
    return ErrorStatus("kafka producer: topic '" + std::string(topic) + "'", rd_kafka_last_error());
  }
  const uint64_t sequence = r.stats.produced;
  const int32_t target_partition = partition.value_or(RD_KAFKA_PARTITION_UA);
  while (true) {
    rd_kafka_headers_t* hdrs = nullptr;
    if (!headers.empty()) {
      hdrs = rd_kafka_headers_new(headers.size());
      for (const Header& h : headers) {
        rd_kafka_header_add(hdrs, h.key.data(), static_cast<ssize_t>(h.key.size()), h.value.data(),
                            static_cast<ssize_t>(h.value.size()));
      }
    }
    // An empty key is sent as a null key, so that keyless records spread over partitions.
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        r.rk.get(), RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(target_partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_HEADERS(hdrs),
        RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<uintptr_t>(sequence))),
        RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    if (hdrs != nullptr) rd_kafka_headers_destroy(hdrs);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      ++r.stats.queue_full_waits;
      rd_kafka_poll(r.rk.get(), kQueueFullPollMs);
      continue;
    }
    std::string where = std::string(topic);
    if (partition) where += "[" + std::to_string(*partition) + "]";
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
      char reason[512];
      rd_kafka_fatal_error(r.rk.get(), reason, sizeof(reason));
      return Status::Io("kafka producer: fatal error, producing to " + where +
                        " stopped: " + reason);
    }
    if (err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) {
      return Status::Invalid("kafka producer: record of " + std::to_string(value.size()) +
                             " bytes for " + where + " exceeds message.max.bytes");
    }
    return ErrorStatus("kafka producer: produce to " + where, err);
  }
  ++r.stats.produced;
  r.stats.value_bytes += value.size();
  // Serve delivery reports without waiting, so that they do not pile up.
  rd_kafka_poll(r.rk.get(), 0);
  return Status::Ok();
}

void Producer::Poll(int timeout_ms) { rd_kafka_poll(rep_->rk.get(), timeout_ms); }

Status Producer::Flush(int timeout_ms) {
  Rep& r = *rep_;
  const rd_kafka_resp_err_t err = rd_kafka_flush(r.rk.get(), timeout_ms);
  // rd_kafka_flush serves the delivery reports; poll once more for any straggler.
  rd_kafka_poll(r.rk.get(), 0);
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT || r.stats.in_flight() > 0) {
    return Status::Unavailable("kafka producer: " + std::to_string(r.stats.in_flight()) +
                               " record(s) still undelivered after " + std::to_string(timeout_ms) +
                               " ms (broker " + r.options.config.at("bootstrap.servers") +
                               " unreachable?)");
  }
  if (r.stats.failed > 0) {
    return Status::Io("kafka producer: " + std::to_string(r.stats.failed) + " of " +
                      std::to_string(r.stats.produced) +
                      " record(s) failed; first: " + r.stats.first_error.value_or("?"));
  }
  return Status::Ok();
}

const DeliveryStats& Producer::stats() const { return rep_->stats; }

}  // namespace vbp::kafka
