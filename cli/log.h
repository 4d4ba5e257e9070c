#pragma once
// The process logger of `vbp`: one spdlog logger writing JSON lines to stderr (`Log` in
// cli/common.h builds each line), with a level set by `--log-level`, and librdkafka's own log
// lines routed into it at their severity. A broker that cannot be reached is said once in
// words, with the address and what to check. Logs carry no personal health information:
// messages name files, topics, partitions, counts and ids of contracts, never members.

#include <string>
#include <string_view>

namespace vbp::cli {

// "debug", "info", "warn" or "error"; anything else is refused by the option's check.
void InitLogging(const std::string& level);

// Routes librdkafka's log lines into the logger (kafka::SetLogHandler).
void RouteKafkaLogs();

// The address in a librdkafka connection failure ("... Connect to ipv4#127.0.0.1:1 failed:
// Connection refused ..." -> "127.0.0.1:1"); "" when the line is not one. Public for tests.
std::string FailedConnectAddress(std::string_view message);

}  // namespace vbp::cli
