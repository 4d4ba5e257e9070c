// kafka_raw_consume: how fast can a consumer drain claim-sized records from the embedded mock
// broker? Starts a MockCluster, produces M synthetic claims (557 B, zstd, keyed by member_id)
// over P partitions with ProduceSyntheticClaims (reusable by the streaming benchmark), checks
// that the mock's 5 MiB-per-partition retention dropped nothing, then drains the topic with
//   1. a bare librdkafka loop (rd_kafka_consumer_poll, one message per call),
//   2. a bare librdkafka batch loop (rd_kafka_consume_batch_queue),
//   3. our Consumer::PollBatch,
// each with a fresh consumer from offset 0, and prints messages/s and MB/s (value bytes),
// timed from the first message received (connection set-up and the first fetch's round trip
// excluded, as in vbp_stream_bench, whose engine figure also starts at its first record).
//
// Usage: kafka_raw_consume [--messages M] [--partitions P] [--bytes B] [--compression C]
//                          [--rounds R]
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "connectors/kafka/consumer.h"
#include "connectors/kafka/mock_cluster.h"
#include "connectors/kafka/synthetic_load.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kTopic = "bench.claims";
constexpr int kDrainTimeoutSec = 300;

struct Flags {
  long long messages = 1000000;
  int partitions = 16;
  size_t bytes = vbp::kafka::kClaimRecordBytes;
  std::string compression = "zstd";
  int rounds = 2;
};

struct Drain {
  long long messages = 0;
  long long bytes = 0;
  double seconds = 0;
};

void Report(const char* name, const Drain& d) {
  std::printf("  %-44s %10.0f msg/s  %8.1f MB/s  (%lld msgs in %.2f s)\n", name,
              d.messages / d.seconds, d.bytes / d.seconds / 1e6, d.messages, d.seconds);
}

rd_kafka_t* BareConsumer(const std::string& bootstrap, int partitions) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const char* kv[][2] = {{"bootstrap.servers", bootstrap.c_str()},
                         {"group.id", "bench-raw"},
                         {"enable.auto.commit", "false"},
                         {"enable.partition.eof", "false"}};
  for (auto& p : kv) {
    if (rd_kafka_conf_set(conf, p[0], p[1], err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "%s\n", err);
      std::exit(1);
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (rk == nullptr) {
    std::fprintf(stderr, "%s\n", err);
    std::exit(1);
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list, kTopic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  return rk;
}

Drain DrainBarePoll(const std::string& bootstrap, const Flags& f) {
  rd_kafka_t* rk = BareConsumer(bootstrap, f.partitions);
  Drain d;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::seconds(kDrainTimeoutSec);
  std::optional<Clock::time_point> first;
  while (d.messages < f.messages && Clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 1000);
    if (m == nullptr) continue;
    if (!first) first = Clock::now();
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++d.messages;
      d.bytes += static_cast<long long>(m->len);
    }
    rd_kafka_message_destroy(m);
  }
  d.seconds = std::chrono::duration<double>(Clock::now() - first.value_or(start)).count();
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return d;
}

Drain DrainBareBatch(const std::string& bootstrap, const Flags& f) {
  rd_kafka_t* rk = BareConsumer(bootstrap, f.partitions);
  rd_kafka_queue_t* q = rd_kafka_queue_get_consumer(rk);
  std::vector<rd_kafka_message_t*> msgs(10000);
  Drain d;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::seconds(kDrainTimeoutSec);
  std::optional<Clock::time_point> first;
  while (d.messages < f.messages && Clock::now() < deadline) {
    // consume_batch_queue waits up to its timeout for the whole count: never ask for more
    // than remain, or the drain ends with a timeout's wait.
    const size_t want =
        static_cast<size_t>(std::min<long long>(f.messages - d.messages, std::ssize(msgs)));
    const ssize_t n = rd_kafka_consume_batch_queue(q, 1000, msgs.data(), want);
    if (n > 0 && !first) first = Clock::now();
    for (ssize_t i = 0; i < n; ++i) {
      if (msgs[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++d.messages;
        d.bytes += static_cast<long long>(msgs[i]->len);
      }
      rd_kafka_message_destroy(msgs[i]);
    }
  }
  d.seconds = std::chrono::duration<double>(Clock::now() - first.value_or(start)).count();
  rd_kafka_queue_destroy(q);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return d;
}

Drain DrainOurConsumer(const std::string& bootstrap, const Flags& f) {
  auto c = vbp::kafka::Consumer::Create(
      {{"bootstrap.servers", bootstrap}, {"enable.partition.eof", "false"}});
  if (!c.ok()) {
    std::fprintf(stderr, "%s\n", c.status().ToString().c_str());
    std::exit(1);
  }
  std::vector<vbp::kafka::TopicPartitionOffset> assignment;
  for (int p = 0; p < f.partitions; ++p) assignment.push_back({kTopic, p, 0});
  const auto start = Clock::now();
  vbp::Status st = (*c)->Assign(assignment);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    std::exit(1);
  }
  Drain d;
  const auto deadline = start + std::chrono::seconds(kDrainTimeoutSec);
  std::optional<Clock::time_point> first;
  while (d.messages < f.messages && Clock::now() < deadline) {
    auto batch = (*c)->PollBatch(
        static_cast<size_t>(std::min<long long>(f.messages - d.messages, 10000)), 1000);
    if (!batch.ok()) {
      std::fprintf(stderr, "%s\n", batch.status().ToString().c_str());
      std::exit(1);
    }
    if (!batch->empty() && !first) first = Clock::now();
    for (const vbp::kafka::MessageView& m : *batch) {
      ++d.messages;
      d.bytes += static_cast<long long>(m.value.size());
    }
  }
  d.seconds = std::chrono::duration<double>(Clock::now() - first.value_or(start)).count();
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  Flags f;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--messages") {
      f.messages = std::atoll(argv[i + 1]);
    } else if (k == "--partitions") {
      f.partitions = std::atoi(argv[i + 1]);
    } else if (k == "--bytes") {
      f.bytes = static_cast<size_t>(std::atoll(argv[i + 1]));
    } else if (k == "--rounds") {
      f.rounds = std::atoi(argv[i + 1]);
    } else if (k == "--compression") {
      f.compression = argv[i + 1];
    } else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  std::printf("kafka_raw_consume: %lld messages of %zu B, %d partitions, %s, librdkafka %s\n",
              f.messages, f.bytes, f.partitions, f.compression.c_str(), rd_kafka_version_str());
  std::printf(
      "reproduce: %s --messages %lld --partitions %d --bytes %zu --compression %s --rounds %d\n",
      argv[0], f.messages, f.partitions, f.bytes, f.compression.c_str(), f.rounds);

  auto cluster = vbp::kafka::MockCluster::Start({});
  if (!cluster.ok() || !(*cluster)->CreateTopic(kTopic, f.partitions).ok()) {
    std::fprintf(stderr, "cannot start the mock cluster\n");
    return 1;
  }
  const std::string bootstrap = (*cluster)->bootstrap_servers();

  vbp::kafka::SyntheticLoadOptions load;
  load.config = {{"bootstrap.servers", bootstrap}, {"compression.type", f.compression}};
  load.topic = kTopic;
  load.records = static_cast<uint64_t>(f.messages);
  load.record_bytes = f.bytes;
  auto produced = vbp::kafka::ProduceSyntheticClaims(load);
  if (!produced.ok()) {
    std::fprintf(stderr, "produce: %s\n", produced.status().ToString().c_str());
    return 1;
  }
  std::printf("  %-44s %10.0f msg/s  %8.1f MB/s  (%lld msgs in %.2f s)\n",
              "produce (our Producer, idempotent)", f.messages / produced->seconds,
              static_cast<double>(produced->stats.value_bytes) / produced->seconds / 1e6,
              f.messages, produced->seconds);
  std::printf("  (producer waited on a full local queue %llu times)\n",
              static_cast<unsigned long long>(produced->stats.queue_full_waits));

  // The mock keeps only the last 5 MiB per partition: a figure over a truncated log is void.
  auto probe = vbp::kafka::Consumer::Create({{"bootstrap.servers", bootstrap}});
  for (int p = 0; probe.ok() && p < f.partitions; ++p) {
    auto w = (*probe)->QueryWatermarks(kTopic, p);
    if (!w.ok() || w->low != 0) {
      std::fprintf(stderr,
                   "partition %d: the mock dropped records (low watermark %lld): use more "
                   "partitions or compression\n",
                   p, w.ok() ? static_cast<long long>(w->low) : -1LL);
      return 1;
    }
  }

  // Two rounds, interleaved, so that a neighbour's CPU burst does not favour one loop.
  for (int round = 1; round <= f.rounds; ++round) {
    std::printf(" round %d\n", round);
    Report("bare librdkafka, rd_kafka_consumer_poll", DrainBarePoll(bootstrap, f));
    Report("bare librdkafka, rd_kafka_consume_batch_queue", DrainBareBatch(bootstrap, f));
    Report("vbp::kafka::Consumer::PollBatch(10000)", DrainOurConsumer(bootstrap, f));
  }
  return 0;
}
