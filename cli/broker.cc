// `vbp broker`: an embedded Kafka cluster (librdkafka's mock) for demos and local runs, with
// the SPEC §5 topics created. Prints `bootstrap=127.0.0.1:PORT` on stdout and serves until
// SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/verbs.h"
#include "connectors/kafka/kafka_types.h"
#include "connectors/kafka/mock_cluster.h"

namespace vbp::cli {
namespace {

struct BrokerFlags {
  int port = 0;
  int partitions = 16;
  int brokers = 1;
  std::string prefix = std::string(kafka::kDefaultTopicPrefix);
};

int RunBroker(const BrokerFlags& flags) {
  // Block the stop signals before any thread starts, so that every librdkafka thread inherits
  // the mask and this thread receives them in sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Result<std::unique_ptr<kafka::MockCluster>> cluster =
      kafka::MockCluster::Start({.brokers = flags.brokers, .bootstrap_port = flags.port});
  if (!cluster.ok()) {
    std::fprintf(stderr, "vbp broker: %s\n", cluster.status().ToString().c_str());
    return 1;
  }
  Status st = (*cluster)->CreateSpecTopics(flags.prefix, flags.partitions);
  // The engine's internal topic: instances of one group exchange their partitions' contract
  // parts through it (engine/stream/streaming_engine.h).
  if (st.ok()) st = (*cluster)->CreateTopic(flags.prefix + "parts", flags.partitions);
  if (!st.ok()) {
    std::fprintf(stderr, "vbp broker: %s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("bootstrap=%s\n", (*cluster)->bootstrap_servers().c_str());
  std::fflush(stdout);
  std::string topics;
  for (const std::string& t : kafka::SpecTopicNames(flags.prefix)) {
    topics += (topics.empty() ? "" : ", ") + t;
  }
  topics += ", " + flags.prefix + "parts";
  std::fprintf(stderr,
               "vbp broker: in-process Kafka mock cluster (%d broker%s) at %s\n"
               "  topics: %s (%d partitions each)\n"
               "  the mock keeps only the last %lld MiB (and %lld batches) per partition: older "
               "records are deleted like retention\n"
               "  Ctrl-C or SIGTERM stops it; all data is lost then\n",
               flags.brokers, flags.brokers == 1 ? "" : "s",
               (*cluster)->bootstrap_servers().c_str(), topics.c_str(), flags.partitions,
               static_cast<long long>(kafka::kMockPartitionBytesMax >> 20),
               static_cast<long long>(kafka::kMockPartitionBatchesMax));
  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::fprintf(stderr, "vbp broker: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  (*cluster)->Stop();
  return 0;
}

}  // namespace

void AddBrokerCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<BrokerFlags>();
  auto* cmd = app.add_subcommand(
      "broker", "Run an embedded Kafka cluster (librdkafka mock) with the SPEC topics");
  cmd->add_option("--port", flags->port,
                  "Bootstrap port on 127.0.0.1 (default: an ephemeral port, printed)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--partitions", flags->partitions, "Partitions per topic")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--brokers", flags->brokers, "Number of mock brokers")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  cmd->add_option("--prefix", flags->prefix, "Topic name prefix")->capture_default_str();
  cmd->callback([flags, exit_code] { *exit_code = RunBroker(*flags); });
}

}  // namespace vbp::cli
