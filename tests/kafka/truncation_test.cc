// A log truncated past the consumer's stored offset is data loss, reported loudly
// (kDataLoss naming topic, partition, stored offset and low watermark), never skipped.
//
// The mock (rdkafka_mock.c) keeps per partition at most 5 MiB of record-batch bytes
// (mpart->max_size = 1024 * 1024 * 5) and 100000 batches (max_cnt); on each append it deletes
// the oldest batches while either limit is exceeded, moving the log start offset.
#include <gtest/gtest.h>

#include <chrono>

#include "connectors/kafka/consumer.h"
#include "connectors/kafka/mock_cluster.h"
#include "connectors/kafka/producer.h"
#include "tests/kafka/test_support.h"

namespace vbp::kafka {
namespace {

constexpr size_t kValueBytes = 100000;

class TruncationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<MockCluster>> c = MockCluster::Start({});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(c).value();
    bootstrap_ = cluster_->bootstrap_servers();
  }

  // Produces `count` records of kValueBytes, each in its own uncompressed batch, so that the
  // mock's byte accounting is predictable.
  void ProduceBigRecords(const std::string& topic, int first, int count) {
    ProducerOptions options;
    options.config = {{"bootstrap.servers", bootstrap_},
                      {"compression.type", "none"},
                      {"linger.ms", "0"},
                      {"batch.num.messages", "1"}};
    Result<std::unique_ptr<Producer>> p = Producer::Create(options);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    for (int i = first; i < first + count; ++i) {
      std::string value(kValueBytes, static_cast<char>('a' + i % 26));
      value.replace(0, std::to_string(i).size(), std::to_string(i));
      ASSERT_TRUE((*p)->Produce(topic, "k" + std::to_string(i), value, {}, 0).ok());
    }
    Status st = (*p)->Flush(testutil::kDeadlineMs);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  std::unique_ptr<Consumer> NewConsumer(KafkaConfig extra = {}) {
    extra["bootstrap.servers"] = bootstrap_;
    Result<std::unique_ptr<Consumer>> c = Consumer::Create(extra);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(c).value() : nullptr;
  }

  std::unique_ptr<MockCluster> cluster_;
  std::string bootstrap_;
};

TEST_F(TruncationTest, MockKeepsTheLastFiveMiBOfBatchesPerPartition) {
  ASSERT_TRUE(cluster_->CreateTopic("trunc.size", 1).ok());
  ProduceBigRecords("trunc.size", 0, 100);
  std::unique_ptr<Consumer> c = NewConsumer();
  Result<Watermarks> w = c->QueryWatermarks("trunc.size", 0);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->high, 100);
  const int64_t kept = w->high - w->low;
  // Each batch is the value plus ~100 bytes of batch and record framing.
  EXPECT_LE(kept * static_cast<int64_t>(kValueBytes), kMockPartitionBytesMax);
  EXPECT_GT((kept + 1) * static_cast<int64_t>(kValueBytes + 100), kMockPartitionBytesMax);
  std::printf("mock retention: %lld of 100 batches of %zu bytes kept, low watermark %lld\n",
              static_cast<long long>(kept), kValueBytes, static_cast<long long>(w->low));
}

TEST_F(TruncationTest, AssigningBelowTheLowWatermarkIsDataLoss) {
  ASSERT_TRUE(cluster_->CreateTopic("trunc.assign", 1).ok());
  ProduceBigRecords("trunc.assign", 0, 80);
  std::unique_ptr<Consumer> c = NewConsumer();
  Result<Watermarks> w = c->QueryWatermarks("trunc.assign", 0);
  ASSERT_TRUE(w.ok());
  ASSERT_GT(w->low, 0);

  Status st = c->Assign({{"trunc.assign", 0, 0}});
  ASSERT_EQ(st.code(), StatusCode::kDataLoss) << st.ToString();
  EXPECT_NE(st.message().find("trunc.assign[0]"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("stored next offset is 0"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("starts at " + std::to_string(w->low)), std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("re-ingest"), std::string::npos) << st.message();
  EXPECT_TRUE(c->Assignment().empty()) << "nothing may be read after a gap";

  // Past the end is data loss too (the topic was recreated under the engine's state).
  st = c->Assign({{"trunc.assign", 0, w->high + 5}});
  EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st.ToString();

  // At the low watermark exactly, everything that is left is read, densely.
  ASSERT_TRUE(c->Assign({{"trunc.assign", 0, w->low}}).ok());
  int64_t next = w->low;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!c->CaughtUp() && std::chrono::steady_clock::now() < deadline) {
    Result<MessageBatch> b = c->PollBatch(100, 200);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    for (const MessageView& m : *b) {
      ASSERT_EQ(m.offset, next);
      EXPECT_EQ(m.value.substr(0, std::to_string(next).size()), std::to_string(next));
      ++next;
    }
  }
  EXPECT_EQ(next, w->high);
  // The fetch responses carried the watermarks: a lag gauge needs no network call.
  Result<Watermarks> cached = c->CachedWatermarks("trunc.assign", 0);
  ASSERT_TRUE(cached.ok()) << cached.status().ToString();
  EXPECT_EQ(cached->high, w->high);
}

// The consumer falls behind retention while it runs: librdkafka's fetch gets
// OFFSET_OUT_OF_RANGE and, with auto.offset.reset=error, we turn it into kDataLoss. Everything
// returned before is dense; nothing after the gap is ever returned.
TEST_F(TruncationTest, FallingBehindRetentionWhileConsumingIsDataLoss) {
  ASSERT_TRUE(cluster_->CreateTopic("trunc.live", 1).ok());
  ProduceBigRecords("trunc.live", 0, 10);
  // Prefetch as little as possible, so that the fetch position stays near what was read.
  std::unique_ptr<Consumer> c =
      NewConsumer({{"queued.min.messages", "1"}, {"queued.max.messages.kbytes", "1"}});
  ASSERT_TRUE(c->Assign({{"trunc.live", 0, 0}}).ok());
  int64_t next = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (next == 0 && std::chrono::steady_clock::now() < deadline) {
    Result<MessageBatch> b = c->PollBatch(1, 200);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    for (const MessageView& m : *b) ASSERT_EQ(m.offset, next++);
  }
  ASSERT_EQ(next, 1);
  // 8 MB more: the first records (and the consumer's position) fall out of the log.
  ProduceBigRecords("trunc.live", 10, 80);
  Result<Watermarks> w = c->QueryWatermarks("trunc.live", 0);
  ASSERT_TRUE(w.ok());
  ASSERT_GT(w->low, 10);

  Status loss;
  while (loss.ok() && std::chrono::steady_clock::now() < deadline) {
    Result<MessageBatch> b = c->PollBatch(100, 200);
    if (!b.ok()) {
      loss = b.status();
      break;
    }
    for (const MessageView& m : *b) ASSERT_EQ(m.offset, next++) << "a gap was skipped silently";
  }
  ASSERT_EQ(loss.code(), StatusCode::kDataLoss) << loss.ToString();
  EXPECT_NE(loss.message().find("trunc.live[0]"), std::string::npos) << loss.message();
  EXPECT_NE(loss.message().find("starts at " + std::to_string(w->low)), std::string::npos)
      << loss.message();
  EXPECT_LT(next, w->low);
  // Sticky: asking again gives the same answer, never records past the gap.
  Result<MessageBatch> again = c->PollBatch(100, 200);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().message(), loss.message());
}

// Group mode: the engine's stored offset handed over in on_assigned is checked the same way.
TEST_F(TruncationTest, GroupStartBelowTheLowWatermarkIsDataLoss) {
  ASSERT_TRUE(cluster_->CreateTopic("trunc.group", 1).ok());
  ProduceBigRecords("trunc.group", 0, 80);
  std::unique_ptr<Consumer> c = NewConsumer({{"group.id", "trunc-group"},
                                             {"session.timeout.ms", "6000"},
                                             {"heartbeat.interval.ms", "500"}});
  int assigned_calls = 0;
  RebalanceHandlers handlers;
  handlers.on_assigned = [&](std::vector<TopicPartitionOffset>& parts) {
    ++assigned_calls;
    for (TopicPartitionOffset& p : parts) p.next_offset = 0;  // "our store says offset 0"
    return Status::Ok();
  };
  ASSERT_TRUE(c->Subscribe({"trunc.group"}, handlers).ok());
  Status loss;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (loss.ok() && std::chrono::steady_clock::now() < deadline) {
    Result<MessageBatch> b = c->PollBatch(100, 200);
    if (!b.ok()) {
      loss = b.status();
    } else {
      ASSERT_TRUE(b->empty()) << "no record may be read from a truncated start";
    }
  }
  EXPECT_EQ(assigned_calls, 1);
  EXPECT_EQ(loss.code(), StatusCode::kDataLoss) << loss.ToString();
  EXPECT_NE(loss.message().find("trunc.group[0]"), std::string::npos) << loss.message();
}

}  // namespace
}  // namespace vbp::kafka
