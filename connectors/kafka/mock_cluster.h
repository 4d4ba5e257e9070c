#pragma once
// An in-process Kafka cluster (librdkafka's mock cluster) that speaks the real Kafka protocol
// over TCP on 127.0.0.1: the embedded default for the demo (`vbp broker`) and every Kafka test.
// Any Kafka client (kcat, kafka-python, our Producer/Consumer) can use bootstrap_servers().
//
// Limits of the mock (librdkafka 2.0.2, rdkafka_mock.c), see README.md for the details:
//  - each partition keeps at most kMockPartitionBytesMax bytes and kMockPartitionBatchesMax
//    record batches; the oldest batches are deleted first, like retention, and the log start
//    offset (low watermark) advances past them;
//  - a Fetch returns at most one record batch per partition;
//  - no replication, transactions accepted but not applied, no Admin API (CreateTopics).
//
// Thread safety: all methods may be called from any thread; the cluster runs on its own thread.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "domain/status.h"

namespace vbp::kafka {

inline constexpr int64_t kMockPartitionBytesMax = 5 * 1024 * 1024;  // per partition
inline constexpr int64_t kMockPartitionBatchesMax = 100000;         // per partition

struct MockClusterOptions {
  int brokers = 1;
  // 0: the brokers listen on ephemeral ports only (tests: never fix a port). Otherwise an extra
  // bootstrap listener on 127.0.0.1:<bootstrap_port> forwards to broker 1; clients bootstrap
  // there and then follow the metadata to the brokers' own (ephemeral) loopback ports. The
  // librdkafka 2.0.2 mock cannot bind a chosen port itself.
  int bootstrap_port = 0;
};

class MockCluster {
 public:
  // Starts the brokers. Fails (kUnavailable) when the bootstrap port is taken.
  static Result<std::unique_ptr<MockCluster>> Start(const MockClusterOptions& options);

  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;
  ~MockCluster();  // Stop()

  // "127.0.0.1:PORT": the bootstrap listener when a port was chosen, else the brokers' list.
  const std::string& bootstrap_servers() const;
  int brokers() const;

  // Creates `topic` with `partitions` partitions. Creating an existing topic is an error
  // (kAlreadyExists) unless it has the same partition count.
  Status CreateTopic(std::string_view topic, int partitions);
  // Creates the six SPEC §5 topics: <prefix>claims, members, providers, contracts,
  // statements, rejects.
  Status CreateSpecTopics(std::string_view prefix, int partitions);

  // Makes broker `broker_id` (1-based, -1 for all) refuse connections / accept them again:
  // for tests of broker outages.
  Status SetBrokerDown(int broker_id);
  Status SetBrokerUp(int broker_id);

  // Closes the bootstrap listener and destroys the brokers (and their logs). Idempotent.
  void Stop();

 private:
  struct Rep;
  explicit MockCluster(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace vbp::kafka
