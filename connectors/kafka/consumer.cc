#include "connectors/kafka/consumer.h"

#include <chrono>
#include <set>

#include "connectors/kafka/rdkafka_handle.h"

namespace vbp::kafka {

using internal::ErrorStatus;

static_assert(kOffsetBeginning == RD_KAFKA_OFFSET_BEGINNING);
static_assert(kOffsetEnd == RD_KAFKA_OFFSET_END);
static_assert(kOffsetCommitted == RD_KAFKA_OFFSET_INVALID);

namespace {

constexpr int kWatermarkTimeoutMs = 10000;

const KafkaConfig& ConsumerDefaults() {
  static const KafkaConfig kDefaults = {
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "error"},
      {"enable.partition.eof", "true"},
      {"group.id", "vbp"},
  };
  return kDefaults;
}

std::string TpName(std::string_view topic, int32_t partition) {
  return std::string(topic) + "[" + std::to_string(partition) + "]";
}

constexpr std::string_view kWhatToDo =
    "Reset the engine state or re-ingest from the source; never skip.";

}  // namespace

Message MessageView::ToOwned() const {
  Message m;
  m.topic = std::string(topic);
  m.partition = partition;
  m.offset = offset;
  m.key = std::string(key);
  m.value = std::string(value);
  m.timestamp_ms = timestamp_ms;
  m.headers.reserve(headers.size());
  for (const HeaderView& h : headers)
    m.headers.push_back({std::string(h.key), std::string(h.value)});
  return m;
}

struct MessageBatch::Owned {
  std::vector<rd_kafka_message_t*> messages;
  ~Owned() {
    for (rd_kafka_message_t* m : messages) rd_kafka_message_destroy(m);
  }
};

MessageBatch::MessageBatch() : owned_(std::make_unique<Owned>()) {}
MessageBatch::MessageBatch(MessageBatch&&) noexcept = default;
MessageBatch& MessageBatch::operator=(MessageBatch&&) noexcept = default;
MessageBatch::~MessageBatch() = default;

struct Consumer::Rep {
  KafkaConfig config;
  internal::HandlePtr rk;
  RebalanceHandlers handlers;
  std::set<TopicPartition> assignment;
  std::set<TopicPartition> at_eof;
  Status sticky;   // data loss: returned by every PollBatch until the next Assign
  Status pending;  // returned once, by the next PollBatch
  bool closed = false;
  bool read_headers = true;
  // The batch PollBatch is filling while librdkafka serves callbacks, so that a revocation can
  // withdraw records of the revoked partitions that the engine has not seen yet (the next
  // owner reads them again from the engine's stored offsets: no loss, no double count).
  MessageBatch* building = nullptr;

  // Checks a start offset against the log. kDataLoss when it is outside [low, high].
  Status CheckStart(const std::string& topic, int32_t partition, int64_t next_offset) {
    if (next_offset < 0) return Status::Ok();  // a sentinel: nothing stored to check
    Result<Watermarks> w =
        internal::QueryWatermarks(rk.get(), topic, partition, kWatermarkTimeoutMs);
    if (!w.ok()) {
      return Status(w.status().code(), "kafka consumer: cannot check the start offset " +
                                           std::to_string(next_offset) + " of " +
                                           TpName(topic, partition) + ": " + w.status().message());
    }
    return LossStatus(topic, partition, next_offset, *w, "");
  }

  // kDataLoss when next_offset is outside [w.low, w.high], else Ok.
  static Status LossStatus(const std::string& topic, int32_t partition, int64_t next_offset,
                           const Watermarks& w, const std::string& detail) {
    const std::string tp = TpName(topic, partition);
    std::string suffix = detail.empty() ? "" : " (" + detail + ")";
    if (next_offset < w.low) {
      return Status::DataLoss("kafka: records lost from " + tp + ": the stored next offset is " +
                              std::to_string(next_offset) + " but the log now starts at " +
                              std::to_string(w.low) + " (low watermark; high watermark " +
                              std::to_string(w.high) + "), so offsets " +
                              std::to_string(next_offset) + ".." + std::to_string(w.low - 1) +
                              " were deleted by retention before they were read" + suffix + ". " +
                              std::string(kWhatToDo));
    }
    if (next_offset > w.high) {
      return Status::DataLoss("kafka: the stored next offset " + std::to_string(next_offset) +
                              " of " + tp + " is past the end of the log (high watermark " +
                              std::to_string(w.high) + ", low watermark " + std::to_string(w.low) +
                              "): the topic was recreated or truncated" + suffix + ". " +
                              std::string(kWhatToDo));
    }
    return Status::Ok();
  }

  // An offset-out-of-range report from librdkafka (auto.offset.reset=error).
  Status OutOfRange(const rd_kafka_message_t* m) {
    const std::string topic = rd_kafka_topic_name(m->rkt);
    const std::string reason = rd_kafka_message_errstr(m);
    if (m->offset < 0) {
      return Status::NotFound("kafka consumer: no start offset for " + TpName(topic, m->partition) +
                              " (no committed offset; give one in on_assigned): " + reason);
    }
    Result<Watermarks> w =
        internal::QueryWatermarks(rk.get(), topic, m->partition, kWatermarkTimeoutMs);
    if (w.ok()) {
      Status st = LossStatus(topic, m->partition, m->offset, *w, reason);
      if (!st.ok()) return st;
    }
    return Status::DataLoss("kafka: records lost from " + TpName(topic, m->partition) +
                            ": offset " + std::to_string(m->offset) + " is no longer in the log (" +
                            reason + (w.ok() ? "" : "; ") + (w.ok() ? "" : w.status().message()) +
                            "). " + std::string(kWhatToDo));
  }

  static void WithdrawRevoked(const std::vector<TopicPartition>& revoked, MessageBatch* batch) {
    auto is_revoked = [&revoked](std::string_view topic, int32_t partition) {
      for (const TopicPartition& tp : revoked) {
        if (tp.partition == partition && tp.topic == topic) return true;
      }
      return false;
    };
    std::erase_if(batch->views_,
                  [&](const MessageView& v) { return is_revoked(v.topic, v.partition); });
    std::erase_if(batch->eofs_,
                  [&](const PartitionEof& e) { return is_revoked(e.topic, e.partition); });
  }

  bool Cooperative() const {
    return std::string_view(rd_kafka_rebalance_protocol(rk.get())) == "COOPERATIVE";
  }

  void OnRebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts) {
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      std::vector<TopicPartitionOffset> assigned;
      assigned.reserve(static_cast<size_t>(parts->cnt));
      for (int i = 0; i < parts->cnt; ++i) {
        assigned.push_back({parts->elems[i].topic, parts->elems[i].partition, kOffsetBeginning});
      }
      Status st;
      if (handlers.on_assigned) st = handlers.on_assigned(assigned);
      if (st.ok() && assigned.size() != static_cast<size_t>(parts->cnt)) {
        st = Status::Invalid("kafka consumer: on_assigned changed the partition list");
      }
      for (size_t i = 0; st.ok() && i < assigned.size(); ++i) {
        st = CheckStart(assigned[i].topic, assigned[i].partition, assigned[i].next_offset);
        parts->elems[i].offset = assigned[i].next_offset;
      }
      if (!st.ok()) {
        // Own nothing: the engine must not read past a gap or from an unknown position.
        if (sticky.ok()) sticky = st;
        return;
      }
      rd_kafka_error_t* error = nullptr;
      rd_kafka_resp_err_t aerr = RD_KAFKA_RESP_ERR_NO_ERROR;
      if (Cooperative()) {
        error = rd_kafka_incremental_assign(rk.get(), parts);
      } else {
        aerr = rd_kafka_assign(rk.get(), parts);
        assignment.clear();
        at_eof.clear();
      }
      if (error != nullptr) {
        pending =
            Status::Io(std::string("kafka consumer: assign: ") + rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
        return;
      }
      if (aerr != RD_KAFKA_RESP_ERR_NO_ERROR) {
        pending = ErrorStatus("kafka consumer: assign", aerr);
        return;
      }
      for (const TopicPartitionOffset& a : assigned) assignment.insert({a.topic, a.partition});
      return;
    }
    if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
      std::vector<TopicPartition> revoked;
      for (int i = 0; i < parts->cnt; ++i) {
        revoked.push_back({parts->elems[i].topic, parts->elems[i].partition});
      }
      if (building != nullptr) WithdrawRevoked(revoked, building);
      if (handlers.on_revoked) handlers.on_revoked(revoked);
      if (Cooperative()) {
        rd_kafka_error_t* error = rd_kafka_incremental_unassign(rk.get(), parts);
        if (error != nullptr) rd_kafka_error_destroy(error);
      } else {
        rd_kafka_assign(rk.get(), nullptr);
      }
      for (const TopicPartition& tp : revoked) {
        assignment.erase(tp);
        at_eof.erase(tp);
      }
      return;
    }
    // Rebalance failure: drop everything, say why.
    rd_kafka_assign(rk.get(), nullptr);
    assignment.clear();
    at_eof.clear();
    pending = ErrorStatus("kafka consumer: rebalance failed", err);
  }

  static void RebalanceCb(rd_kafka_t*, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* parts, void* opaque) {
    static_cast<Rep*>(opaque)->OnRebalance(err, parts);
  }
};

Consumer::Consumer(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

Consumer::~Consumer() {
  if (rep_) (void)Close();
}

Result<std::unique_ptr<Consumer>> Consumer::Create(KafkaConfig config) {
  if (config.find("bootstrap.servers") == config.end()) {
    return Status::Invalid("kafka consumer: bootstrap.servers is required");
  }
  auto rep = std::make_unique<Rep>();
  rep->config = ConsumerDefaults();
  for (const auto& [k, v] : config) rep->config[k] = v;
  internal::ConfPtr conf(rd_kafka_conf_new());
  VBP_RETURN_IF_ERROR(internal::ApplyConfig(conf.get(), rep->config));
  rd_kafka_conf_set_rebalance_cb(conf.get(), &Rep::RebalanceCb);
  rd_kafka_conf_set_opaque(conf.get(), rep.get());
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr, sizeof(errstr));
  if (rk == nullptr) return Status::Invalid(std::string("kafka consumer: ") + errstr);
  conf.release();
  rep->rk.reset(rk);
  rd_kafka_poll_set_consumer(rk);
  return std::unique_ptr<Consumer>(new Consumer(std::move(rep)));
}

void Consumer::set_read_headers(bool on) { rep_->read_headers = on; }

Status Consumer::Assign(const std::vector<TopicPartitionOffset>& assignment) {
  Rep& r = *rep_;
  if (r.closed) return Status::Invalid("kafka consumer: Assign after Close");
  for (const TopicPartitionOffset& a : assignment) {
    VBP_RETURN_IF_ERROR(r.CheckStart(a.topic, a.partition, a.next_offset));
  }
  internal::PartitionListPtr list(
      rd_kafka_topic_partition_list_new(static_cast<int>(assignment.size())));
  for (const TopicPartitionOffset& a : assignment) {
    rd_kafka_topic_partition_list_add(list.get(), a.topic.c_str(), a.partition)->offset =
        a.next_offset;
  }
  const rd_kafka_resp_err_t err = rd_kafka_assign(r.rk.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return ErrorStatus("kafka consumer: assign", err);
  r.assignment.clear();
  r.at_eof.clear();
  for (const TopicPartitionOffset& a : assignment) r.assignment.insert({a.topic, a.partition});
  r.sticky = Status::Ok();
  r.pending = Status::Ok();
  return Status::Ok();
}

Status Consumer::Subscribe(const std::vector<std::string>& topics, RebalanceHandlers handlers) {
  Rep& r = *rep_;
  if (r.closed) return Status::Invalid("kafka consumer: Subscribe after Close");
  r.handlers = std::move(handlers);
  internal::PartitionListPtr list(
      rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const std::string& t : topics) {
    rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  const rd_kafka_resp_err_t err = rd_kafka_subscribe(r.rk.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return ErrorStatus("kafka consumer: subscribe", err);
  return Status::Ok();
}

Result<MessageBatch> Consumer::PollBatch(size_t max_messages, int timeout_ms) {
  Rep& r = *rep_;
  if (r.closed) return Status::Invalid("kafka consumer: PollBatch after Close");
  if (!r.sticky.ok()) return r.sticky;
  if (!r.pending.ok()) {
    Status st = std::move(r.pending);
    r.pending = Status::Ok();
    return st;
  }
  MessageBatch batch;
  batch.views_.reserve(std::min<size_t>(max_messages, 4096));
  batch.owned_->messages.reserve(std::min<size_t>(max_messages, 4096));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  r.building = &batch;
  while (batch.views_.size() < max_messages) {
    int wait_ms = 0;
    if (batch.views_.empty()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      wait_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    rd_kafka_message_t* m = rd_kafka_consumer_poll(r.rk.get(), wait_ms);
    // Errors raised inside the poll (rebalance handlers) stop the batch.
    if (!r.sticky.ok() || !r.pending.ok()) {
      if (m != nullptr) rd_kafka_message_destroy(m);
      break;
    }
    if (m == nullptr) {
      if (wait_ms == 0) break;
      continue;  // woke up early (e.g. a rebalance was served); wait out the rest
    }
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      batch.owned_->messages.push_back(m);
      MessageView v;
      v.topic = rd_kafka_topic_name(m->rkt);
      v.partition = m->partition;
      v.offset = m->offset;
      if (m->key != nullptr) v.key = std::string_view(static_cast<const char*>(m->key), m->key_len);
      if (m->payload != nullptr) {
        v.value = std::string_view(static_cast<const char*>(m->payload), m->len);
      }
      rd_kafka_timestamp_type_t tstype;
      v.timestamp_ms = rd_kafka_message_timestamp(m, &tstype);
      rd_kafka_headers_t* hdrs = nullptr;
      if (r.read_headers && rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* val;
        size_t size;
        for (size_t i = 0;
             rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
          v.headers.push_back({name, val == nullptr
                                         ? std::string_view()
                                         : std::string_view(static_cast<const char*>(val), size)});
        }
      }
      if (!r.at_eof.empty()) r.at_eof.erase(TopicPartition{std::string(v.topic), v.partition});
      batch.views_.push_back(std::move(v));
      continue;
    }
    internal::MessagePtr owner(m);
    switch (m->err) {
      case RD_KAFKA_RESP_ERR__PARTITION_EOF: {
        std::string topic = rd_kafka_topic_name(m->rkt);
        r.at_eof.insert({topic, m->partition});
        batch.eofs_.push_back({std::move(topic), m->partition, m->offset});
        continue;
      }
      case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
      case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE: {
        Status st = r.OutOfRange(m);
        if (st.code() == StatusCode::kDataLoss) {
          r.sticky = st;
        } else {
          r.pending = st;
        }
        break;
      }
      case RD_KAFKA_RESP_ERR__FATAL: {
        char reason[512];
        rd_kafka_fatal_error(r.rk.get(), reason, sizeof(reason));
        r.sticky = Status::Io(std::string("kafka consumer: fatal error: ") + reason);
        break;
      }
      case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
      case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
      case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
      case RD_KAFKA_RESP_ERR__SSL:
      case RD_KAFKA_RESP_ERR__AUTHENTICATION:
      case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED: {
        std::string what = "kafka consumer";
        if (m->rkt != nullptr) what += " " + TpName(rd_kafka_topic_name(m->rkt), m->partition);
        r.pending = ErrorStatus(what + ": " + rd_kafka_message_errstr(m), m->err);
        break;
      }
      default:
        // Transient (broker down, transport): librdkafka reconnects and retries by itself.
        continue;
    }
    break;  // an error was recorded: return what was read before it
  }
  r.building = nullptr;
  if (batch.views_.empty() && !r.sticky.ok()) return r.sticky;
  if (batch.views_.empty() && !r.pending.ok()) {
    Status st = std::move(r.pending);
    r.pending = Status::Ok();
    return st;
  }
  return batch;
}

std::vector<TopicPartition> Consumer::Assignment() const {
  return {rep_->assignment.begin(), rep_->assignment.end()};
}

bool Consumer::CaughtUp() const {
  const Rep& r = *rep_;
  if (r.assignment.empty()) return false;
  for (const TopicPartition& tp : r.assignment) {
    if (r.at_eof.count(tp) == 0) return false;
  }
  return true;
}

Result<Watermarks> Consumer::QueryWatermarks(const std::string& topic, int32_t partition,
                                             int timeout_ms) {
  return internal::QueryWatermarks(rep_->rk.get(), topic, partition, timeout_ms);
}

Result<Watermarks> Consumer::CachedWatermarks(const std::string& topic, int32_t partition) const {
  Watermarks w;
  const rd_kafka_resp_err_t err =
      rd_kafka_get_watermark_offsets(rep_->rk.get(), topic.c_str(), partition, &w.low, &w.high);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return ErrorStatus("cached watermarks of " + TpName(topic, partition), err);
  }
  if (w.high < 0) {
    return Status::Unavailable("cached watermarks of " + TpName(topic, partition) +
                               ": no fetch response yet");
  }
  return w;
}

Result<std::vector<int32_t>> Consumer::ListPartitions(const std::string& topic, int timeout_ms) {
  return internal::ListPartitions(rep_->rk.get(), topic, timeout_ms);
}

Status Consumer::Close() {
  Rep& r = *rep_;
  if (r.closed) return Status::Ok();
  r.closed = true;
  const rd_kafka_resp_err_t err = rd_kafka_consumer_close(r.rk.get());
  r.assignment.clear();
  r.at_eof.clear();
  r.rk.reset();
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return ErrorStatus("kafka consumer: close", err);
  return Status::Ok();
}

}  // namespace vbp::kafka
