#pragma once
// Helpers shared by the Kafka tests: running the independent clients (kcat, kafka-python),
// reading a topic back with our Consumer, base64.

#include <string>
#include <vector>

#include "connectors/kafka/consumer.h"
#include "connectors/kafka/kafka_types.h"
#include "domain/status.h"

namespace vbp::kafka::testutil {

// Generous deadlines: correctness must never depend on timing luck.
inline constexpr int kDeadlineMs = 60000;

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv[0] (no shell) with `input` on stdin; captures stdout and stderr.
// A command that runs longer than timeout_ms is killed (SIGKILL) and reported as exit code
// 124 with "timed out" on its stderr, so that a hang fails the test with what it printed.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& input = "",
                         int timeout_ms = 180000);

// Absolute path of `name` found on PATH, or "" when absent.
std::string FindInPath(const std::string& name);

// The kcat binary, or "" with *why set to a message telling to run ops/install-deps.
std::string KcatOrWhy(std::string* why);
// Empty when /usr/bin/python3 can import kafka (and zstandard when with_zstd), else why not.
std::string KafkaPythonMissing(bool with_zstd);

std::string PythonClientPath();                 // tests/kafka/kafka_python_client.py
std::string VbpPath();                          // the vbp binary of this build
std::string TempFile(const std::string& name);  // a fresh path under the test temp dir

std::string Base64Encode(const std::string& in);
std::string Base64Decode(const std::string& in);

// Reads every partition of `topic` from its beginning until each reports its end, with our
// Consumer (headers read unless read_headers is false). Records come back ordered by
// (partition, offset).
Result<std::vector<Message>> ReadAll(const std::string& bootstrap, const std::string& topic,
                                     int timeout_ms = kDeadlineMs, bool read_headers = true);

}  // namespace vbp::kafka::testutil
