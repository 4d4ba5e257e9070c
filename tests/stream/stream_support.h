#pragma once
// Helpers for the end-to-end streaming tests (tests/stream): each test starts its own
// `vbp broker` (ephemeral port) and its own `vbp run` processes with state under a private
// temp directory, feeds records through independent clients, and compares what `vbp
// statements` reports with `vbp settle` over the same files.
//
// Nothing here sleeps for correctness: every wait polls a condition under a generous
// deadline and fails with what it saw.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "connectors/kafka/kafka_types.h"
#include "domain/status.h"
#include "tests/kafka/test_support.h"

namespace vbp::stream::testutil {

using kafka::testutil::CommandResult;
using kafka::testutil::RunCommand;

// Generous: the kafka label runs on a shared 2-core box.
inline constexpr int kProcessDeadlineMs = 120000;
// `vbp run` joins the input group with short sessions: the mock waits session.timeout.ms - 1 s
// for members to rejoin on every rebalance (connectors/kafka/README.md).
inline constexpr const char* kShortSession = "session.timeout.ms=6000";
inline constexpr const char* kFastHeartbeat = "heartbeat.interval.ms=300";
// A connection the mock broker accepts but never answers (seen rarely under load) is dropped
// and retried after 10 s instead of librdkafka's 30 s.
inline constexpr const char* kConnectTimeout = "socket.connection.setup.timeout.ms=10000";

// A private directory for one test, removed by the destructor unless the test failed (then
// its path is printed for a post-mortem).
class TestDir {
 public:
  TestDir();
  ~TestDir();
  TestDir(const TestDir&) = delete;
  TestDir& operator=(const TestDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A child process with stdout and stderr in files. The destructor kills it (SIGKILL) if it
// still runs. Only ever signals its own pid.
class Process {
 public:
  // Starts argv (no shell); stdout and stderr go to <log_prefix>.out / .err.
  static std::unique_ptr<Process> Start(const std::vector<std::string>& argv,
                                        const std::string& log_prefix);
  ~Process();
  pid_t pid() const { return pid_; }
  bool Running();
  void Signal(int sig);
  // Waits for the exit; the exit code, 128 + signal when killed, or nullopt at the deadline.
  std::optional<int> Wait(int timeout_ms = kProcessDeadlineMs);
  std::string Stdout() const;
  std::string Stderr() const;
  const std::string& command() const { return command_; }

 private:
  Process() = default;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string out_path_;
  std::string err_path_;
  std::string command_;
};

// `vbp broker --partitions N` on an ephemeral port; stopped (SIGTERM) by the destructor.
class Broker {
 public:
  static std::unique_ptr<Broker> Start(const TestDir& dir, int partitions);
  ~Broker();
  const std::string& bootstrap() const { return bootstrap_; }
  int partitions() const { return partitions_; }

 private:
  Broker() = default;
  std::unique_ptr<Process> process_;
  std::string bootstrap_;
  int partitions_ = 0;
};

std::string Vbp();  // the vbp binary of this build
// Runs vbp with args to completion (deadline kProcessDeadlineMs).
CommandResult RunVbp(const std::vector<std::string>& args);

// Lines of an NDJSON file (non-blank), in file order.
std::vector<std::string> ReadLines(const std::string& path);
void WriteLines(const std::string& path, const std::vector<std::string>& lines);
std::string ReadText(const std::string& path);

// The SPEC §5 input topics with their files and key fields.
struct InputTopic {
  const char* topic;
  const char* file;
  const char* key_field;
};
inline constexpr InputTopic kInputTopics[] = {{"vbp.members", "members.ndjson", "member_id"},
                                              {"vbp.providers", "providers.ndjson", "npi"},
                                              {"vbp.contracts", "contracts.ndjson", "contract_id"},
                                              {"vbp.claims", "claims.ndjson", "member_id"}};

// The top-level string `field` of a JSON line, or "" when absent or not a string (or not
// JSON at all).
std::string KeyOf(const std::string& line, const std::string& field);

// Java / kafka-python / librdkafka murmur2_random partition of a non-empty key.
int32_t Murmur2Partition(const std::string& key, int32_t partitions);

// `vbp generate` into dir (deterministic for (members, seed)).
void Generate(const std::string& dir, int members, uint64_t seed, int malformed_per_mille);

// Producers: each writes the lines of `file` to `topic`, keyed by `key_field`.
void ProduceWithVbp(const std::string& bootstrap, const std::string& topic,
                    const std::string& file);
void ProduceWithKcat(const std::string& bootstrap, const std::string& topic,
                     const std::string& file, const std::string& key_field);
void ProduceWithKafkaPython(const std::string& bootstrap, const std::string& topic,
                            const std::string& file, const std::string& key_field,
                            const std::string& compression);

// Sum of the high watermarks of `topics` (records ever written to them).
int64_t SumHighWatermarks(const std::string& bootstrap, const std::vector<std::string>& topics);

// Every keyed record of `topic` sits on its key's murmur2 partition; returns how many were
// checked.
size_t ExpectMurmur2Placement(const std::string& bootstrap, const std::string& topic);

// `vbp settle --data dir --out <dir>/settle.json`: the statements JSON array. It must exit 0
// (with `allow_incomplete`, also when a contract record is rejected: exit code 3 otherwise).
nlohmann::ordered_json Settle(const std::string& data_dir, const std::string& out_file,
                              bool allow_incomplete = false);
// `vbp statements --state DIR --out FILE`: the file's bytes (exit 0, as for Settle).
std::string Statements(const std::string& state_dir, const std::string& out_file,
                       bool allow_incomplete = false);
// The statements without their `data_quality` blocks (figures only).
nlohmann::ordered_json WithoutDataQuality(nlohmann::ordered_json statements);
// Parses a statements file and removes each statement's `revision` (the only field where
// streaming and settle differ: settle writes 1, streaming the input watermark).
nlohmann::ordered_json WithoutRevision(nlohmann::ordered_json statements);
// Statement by statement (order included); a difference prints the two statements.
void ExpectSameStatements(const nlohmann::ordered_json& expected,
                          const nlohmann::ordered_json& actual, const std::string& what);
// The `revision` of every statement (must all be equal after a complete run).
std::vector<int64_t> Revisions(const nlohmann::ordered_json& statements);

// Arguments of `vbp run` shared by the tests: brokers, state, group, short sessions.
std::vector<std::string> RunArgs(const std::string& bootstrap, const std::string& state,
                                 const std::string& group);
// `vbp run --until-caught-up` to completion; fails the test on a nonzero exit.
CommandResult RunUntilCaughtUp(const std::string& bootstrap, const std::string& state,
                               const std::string& group,
                               const std::vector<std::string>& extra = {});

// A `vbp run` service (no --until-caught-up) with its HTTP endpoint on an ephemeral port.
class Service {
 public:
  static std::unique_ptr<Service> Start(const TestDir& dir, const std::string& name,
                                        const std::string& bootstrap, const std::string& state,
                                        const std::string& group,
                                        const std::vector<std::string>& extra = {});
  ~Service();
  Process& process() { return *process_; }
  int http_port() const { return http_port_; }
  // GET path; nullopt when the request failed.
  std::optional<std::pair<int, std::string>> Get(const std::string& path);
  // The value of one Prometheus sample (exact series text, e.g.
  // `vbp_records_total{kind="claim",outcome="applied"}`), or nullopt.
  std::optional<int64_t> Metric(const std::string& series);
  // Polls /metrics until `ready(metrics text)` holds; fails the test at the deadline.
  std::string WaitForMetrics(const std::function<bool(const std::string&)>& ready,
                             const std::string& what, int timeout_ms = kProcessDeadlineMs);
  // SIGTERM and wait for a clean exit (0).
  void Stop();

 private:
  Service() = default;
  std::unique_ptr<Process> process_;
  int http_port_ = 0;
};

// The value of one sample in Prometheus text, or nullopt.
std::optional<int64_t> PrometheusValue(const std::string& text, const std::string& series);
// Partitions of `topic` listed in the vbp_consumer_lag_messages gauge.
std::vector<int32_t> LagPartitions(const std::string& text, const std::string& topic);

}  // namespace vbp::stream::testutil
