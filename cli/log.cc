#include "cli/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <mutex>
#include <set>

#include "cli/common.h"
#include "connectors/kafka/kafka_log.h"

namespace vbp::cli {
namespace {

std::shared_ptr<spdlog::logger>& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l =
        std::make_shared<spdlog::logger>("vbp", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");  // the line is JSON already
    l->set_level(spdlog::level::info);
    l->flush_on(spdlog::level::trace);  // every line at once: operators tail it
    return l;
  }();
  return logger;
}

spdlog::level::level_enum LevelOf(std::string_view name) {
  if (name == "debug") return spdlog::level::debug;
  if (name == "warn") return spdlog::level::warn;
  if (name == "error") return spdlog::level::err;
  return spdlog::level::info;
}

// librdkafka's syslog severities onto ours.
const char* LevelOfSyslog(int level) {
  if (level <= 3) return "error";
  if (level == 4) return "warn";
  if (level <= 6) return "info";
  return "debug";
}

}  // namespace

void InitLogging(const std::string& level) { Logger()->set_level(LevelOf(level)); }

std::string FailedConnectAddress(std::string_view message) {
  const size_t at = message.find("Connect to ");
  if (at == std::string_view::npos) return "";
  const size_t fail = message.find(" failed", at);
  if (fail == std::string_view::npos) return "";
  std::string_view addr = message.substr(at + 11, fail - at - 11);
  if (const size_t hash = addr.find('#'); hash != std::string_view::npos) {
    addr.remove_prefix(hash + 1);  // "ipv4#127.0.0.1:1"
  }
  return std::string(addr);
}

void RouteKafkaLogs() {
  kafka::SetLogHandler(
      [](int level, std::string_view facility, std::string_view client, std::string_view message) {
        // A broker that cannot be reached is said once in words; librdkafka's own repeats of it
        // (one per client, every retry, "N/N brokers are down") then go to debug.
        static std::mutex mu;
        static std::set<std::string> said;
        const std::string address = FailedConnectAddress(message);
        bool first = false;
        bool repeat = false;
        {
          std::lock_guard<std::mutex> lock(mu);
          if (!address.empty()) {
            first = said.insert(address).second;
            repeat = !first;
          } else {
            repeat = !said.empty() && message.find("brokers are down") != std::string_view::npos;
          }
        }
        Log(repeat ? "debug" : LevelOfSyslog(level), std::string(message),
            {{"source", "librdkafka"}, {"facility", facility}, {"client", client}});
        if (first) {
          Log("error",
              "cannot reach the Kafka broker at " + address +
                  ": check --brokers (or \"brokers\" in --config) and that the broker is up and "
                  "reachable from this host",
              {{"address", address}});
        }
      });
}

void Log(const char* level, const std::string& msg, const nlohmann::ordered_json& fields) {
  const spdlog::level::level_enum lvl = LevelOf(level);
  if (!Logger()->should_log(lvl)) return;
  nlohmann::ordered_json j;
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char ts[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
  j["ts"] = ts;
  j["level"] = level;
  j["msg"] = msg;
  if (fields.is_object()) {
    for (const auto& [k, v] : fields.items()) j[k] = v;
  }
  Logger()->log(lvl, "{}", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace vbp::cli
