#include "connectors/stream/kafka_ports.h"

namespace vbp::stream {

const kafka::KafkaConfig& InputPrefetchDefaults() {
  static const kafka::KafkaConfig kDefaults = {
      {"queued.min.messages", "1000000"},
      {"queued.max.messages.kbytes", "262144"},
  };
  return kDefaults;
}

Result<std::unique_ptr<KafkaRecordSource>> KafkaRecordSource::Create(
    kafka::KafkaConfig config, std::vector<std::string> topics, Mode mode) {
  if (mode == Mode::kGroup) {
    // Claims and members partitions with the same number must land on the same instance.
    config.emplace("partition.assignment.strategy", "range");
    for (const auto& [k, v] : InputPrefetchDefaults()) config.emplace(k, v);
  }
  auto consumer = kafka::Consumer::Create(std::move(config));
  if (!consumer.ok()) return consumer.status();
  std::unique_ptr<KafkaRecordSource> s(new KafkaRecordSource());
  s->consumer_ = std::move(consumer).value();
  s->consumer_->set_read_headers(false);  // InputMessage has no headers
  s->topics_ = std::move(topics);
  s->mode_ = mode;
  return s;
}

KafkaRecordSource::~KafkaRecordSource() { (void)Close(); }

Status KafkaRecordSource::Start(Listener* listener) {
  listener_ = listener;
  if (mode_ == Mode::kAllPartitions) {
    std::vector<std::pair<LogPartition, int64_t>> starts;
    for (const auto& t : topics_) {
      auto parts = consumer_->ListPartitions(t);
      if (!parts.ok()) return parts.status();
      if (parts->empty()) {
        return Status::NotFound(
            "topic " + t + " does not exist; create it (`vbp broker` creates the SPEC topics)");
      }
      for (int32_t p : *parts) starts.push_back({{t, p}, kafka::kOffsetBeginning});
    }
    VBP_RETURN_IF_ERROR(listener_->OnAssigned(starts));
    std::vector<kafka::TopicPartitionOffset> assignment;
    for (const auto& [lp, start] : starts) {
      assignment.push_back({lp.topic, lp.partition, start < 0 ? kafka::kOffsetBeginning : start});
      positions_[lp] = std::max<int64_t>(start, 0);
    }
    assigned_ = true;
    return consumer_->Assign(assignment);
  }
  kafka::RebalanceHandlers handlers;
  handlers.on_assigned = [this](std::vector<kafka::TopicPartitionOffset>& assigned) -> Status {
    std::vector<std::pair<LogPartition, int64_t>> starts;
    for (const auto& a : assigned) starts.push_back({{a.topic, a.partition}, -2});
    VBP_RETURN_IF_ERROR(listener_->OnAssigned(starts));
    for (size_t i = 0; i < assigned.size(); ++i) {
      int64_t start = starts[i].second;
      assigned[i].next_offset = start < 0 ? kafka::kOffsetBeginning : start;
      positions_[starts[i].first] = std::max<int64_t>(start, 0);
    }
    assigned_ = true;
    return Status::Ok();
  };
  handlers.on_revoked = [this](const std::vector<kafka::TopicPartition>& revoked) {
    std::vector<LogPartition> parts;
    for (const auto& r : revoked) {
      parts.push_back({r.topic, r.partition});
      positions_.erase({r.topic, r.partition});
    }
    listener_->OnRevoked(parts);
  };
  return consumer_->Subscribe(topics_, std::move(handlers));
}

Status KafkaRecordSource::Poll(size_t max, int timeout_ms, std::vector<InputMessage>* out) {
  out->clear();
  auto batch = consumer_->PollBatch(max, timeout_ms);
  if (!batch.ok()) return batch.status();
  batch_ = std::move(batch).value();
  for (const auto& m : batch_) {
    out->push_back({m.topic, m.partition, m.offset, m.key, m.value});
    auto f = positions_.find({std::string(m.topic), m.partition});
    if (f != positions_.end()) f->second = m.offset + 1;
  }
  for (const auto& eof : batch_.eofs()) {
    auto f = positions_.find({eof.topic, eof.partition});
    if (f != positions_.end()) f->second = std::max(f->second, eof.next_offset);
  }
  return Status::Ok();
}

bool KafkaRecordSource::CaughtUp() const { return assigned_ && consumer_->CaughtUp(); }

std::vector<RecordSource::PartitionLag> KafkaRecordSource::Lag() {
  std::vector<PartitionLag> out;
  // Cached watermarks (from fetch responses): a broker round trip per partition per call
  // would stall the engine when lag is sampled.
  for (const auto& [lp, pos] : positions_) {
    auto w = consumer_->CachedWatermarks(lp.topic, lp.partition);
    out.push_back({lp, pos, w.ok() ? std::max(w->high, pos) : pos});
  }
  return out;
}

Result<int32_t> KafkaRecordSource::PartitionCount(const std::string& topic) {
  auto parts = consumer_->ListPartitions(topic);
  if (!parts.ok()) return parts.status();
  return static_cast<int32_t>(parts->size());
}

Status KafkaRecordSource::Close() {
  // The last poll's librdkafka messages hold references to the consumer's partitions:
  // rd_kafka_destroy waits for them forever, so they go first.
  batch_ = kafka::MessageBatch();
  if (!consumer_) return Status::Ok();
  Status st = consumer_->Close();
  return st;
}

Result<std::unique_ptr<KafkaRecordSink>> KafkaRecordSink::Create(kafka::KafkaConfig config,
                                                                 std::string topic) {
  kafka::ProducerOptions opt;
  opt.config = std::move(config);
  auto p = kafka::Producer::Create(std::move(opt));
  if (!p.ok()) return p.status();
  std::unique_ptr<KafkaRecordSink> s(new KafkaRecordSink());
  s->producer_ = std::move(p).value();
  s->topic_ = std::move(topic);
  return s;
}

Status KafkaRecordSink::Publish(const PublishedRecord& record) {
  std::vector<kafka::Header> headers;
  for (const auto& [k, v] : record.headers) headers.push_back({k, v});
  return producer_->Produce(topic_, record.key, record.value, headers);
}

Status KafkaRecordSink::Flush(int timeout_ms) { return producer_->Flush(timeout_ms); }

}  // namespace vbp::stream
