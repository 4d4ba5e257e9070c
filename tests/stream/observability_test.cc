// The operator's view of a running `vbp run` (issue 3 item 6): GET /health answers JSON with
// the status, GET /metrics Prometheus text with consumer lag per partition, records by kind
// and outcome, and the batch latency histogram; both follow the run as input arrives.
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <regex>
#include <sstream>

#include "tests/stream/stream_support.h"

namespace vbp::stream::testutil {
namespace {

constexpr int kPartitions = 3;
constexpr int kMembers = 800;

// Every non-comment line is `name{labels} value` or `name value` with an integer or decimal.
void ExpectPrometheusText(const std::string& text) {
  static const std::regex sample(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? -?[0-9]+(\.[0-9]+)?$)");
  std::istringstream in(text);
  std::string line;
  int samples = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    EXPECT_TRUE(std::regex_match(line, sample)) << "not a Prometheus sample: " << line;
    ++samples;
  }
  EXPECT_GT(samples, 0);
}

int64_t SumLag(const std::string& text) {
  int64_t sum = 0;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("vbp_consumer_lag_messages{", 0) == 0) {
      sum += std::stoll(line.substr(line.rfind(' ') + 1));
    }
  }
  return sum;
}

TEST(StreamObservabilityTest, HealthAndMetricsFollowARun) {
  TestDir dir;
  const std::string data = dir / "data";
  Generate(data, kMembers, /*seed=*/9, /*malformed_per_mille=*/3);
  std::unique_ptr<Broker> broker = Broker::Start(dir, kPartitions);
  ASSERT_NE(broker, nullptr);
  const std::string& b = broker->bootstrap();

  // The service starts on empty topics.
  std::unique_ptr<Service> run = Service::Start(dir, "run", b, dir / "state", "engine");
  ASSERT_NE(run, nullptr);
  auto health = run->Get("/health");
  ASSERT_TRUE(health.has_value()) << "GET /health failed";
  EXPECT_EQ(health->first, 200);
  const auto h = nlohmann::json::parse(health->second, nullptr, false);
  ASSERT_TRUE(h.is_object()) << health->second;
  EXPECT_EQ(h.value("status", ""), "ok") << health->second;
  EXPECT_TRUE(h.contains("caught_up")) << health->second;
  EXPECT_EQ(run->Get("/nothing-here").value_or(std::make_pair(0, std::string())).first, 404);

  const std::string idle = run->WaitForMetrics(
      [](const std::string& m) { return PrometheusValue(m, "vbp_caught_up") == 1; },
      "caught up on empty topics");
  ExpectPrometheusText(idle);
  for (const char* family :
       {"vbp_consumer_lag_messages", "vbp_records_total", "vbp_batch_latency_seconds"}) {
    EXPECT_NE(idle.find("# TYPE " + std::string(family) + " "), std::string::npos) << family;
  }

  // Input arrives while it runs.
  size_t claims = 0;
  std::vector<std::string> topics;
  for (const InputTopic& t : kInputTopics) {
    ProduceWithVbp(b, t.topic, data + "/" + t.file);
    topics.push_back(t.topic);
    if (std::string(t.topic) == "vbp.claims") claims = ReadLines(data + "/" + t.file).size();
  }
  const int64_t messages = SumHighWatermarks(b, topics);
  const std::string done = run->WaitForMetrics(
      [messages](const std::string& m) {
        return PrometheusValue(m, "vbp_messages_total") == messages &&
               PrometheusValue(m, "vbp_caught_up") == 1;
      },
      "every message applied");
  ExpectPrometheusText(done);
  EXPECT_EQ(SumLag(done), 0) << done;
  // Lag per partition of every input topic (reference topics are read whole).
  for (const std::string& t : topics) {
    std::vector<int32_t> parts = LagPartitions(done, t);
    std::sort(parts.begin(), parts.end());
    std::vector<int32_t> want(kPartitions);
    for (int32_t p = 0; p < kPartitions; ++p) want[p] = p;
    EXPECT_EQ(parts, want) << t;
  }
  const auto v = [&done](const std::string& series) {
    return PrometheusValue(done, series).value_or(-1);
  };
  EXPECT_EQ(v(R"(vbp_records_read_total{kind="claim"})"), static_cast<int64_t>(claims));
  EXPECT_GT(v(R"(vbp_records_total{kind="claim",outcome="rejected"})"), 0);
  int64_t read = 0;
  for (const char* kind : {"claim", "member", "provider", "contract"}) {
    const std::string k = std::string("vbp_records_total{kind=\"") + kind + "\",outcome=\"";
    const int64_t r = v(std::string("vbp_records_read_total{kind=\"") + kind + "\"}");
    EXPECT_EQ(v(k + "applied\"}") + v(k + "superseded\"}") + v(k + "rejected\"}"), r) << kind;
    read += r;
  }
  EXPECT_EQ(read, messages);
  // An independent parser (Debian's python3-prometheus-client) reads the whole page: every
  // family has HELP and TYPE, outcomes add up to reads, and the process families are there.
  WriteLines(dir / "metrics.txt", {done});
  const CommandResult parsed = RunCommand(
      {"/usr/bin/python3", VBP_SOURCE_DIR "/tests/stream/check_metrics.py", dir / "metrics.txt"},
      "", 60000);
  EXPECT_EQ(parsed.exit_code, 0) << parsed.out << parsed.err;
  EXPECT_GT(v("vbp_batch_latency_seconds_count"), 0);
  EXPECT_EQ(v("vbp_batch_latency_seconds_count"),
            v(R"(vbp_batch_latency_seconds_bucket{le="+Inf"})"));
  EXPECT_GT(v("vbp_state_bytes"), 0);

  health = run->Get("/health");
  ASSERT_TRUE(health.has_value());
  EXPECT_EQ(health->first, 200);
  EXPECT_EQ(nlohmann::json::parse(health->second).value("caught_up", false), true)
      << health->second;
  // Readiness apart from liveness: ready once caught up.
  auto ready = run->Get("/ready");
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->first, 200) << ready->second;
  EXPECT_EQ(nlohmann::json::parse(ready->second).value("ready", false), true) << ready->second;
  EXPECT_EQ(v("vbp_ready"), 1);
  // Freshness: the Unix time each contract's latest revision was delivered, within the last
  // hour of this machine's clock.
  const std::string published = run->WaitForMetrics(
      [](const std::string& m) {
        return m.find("vbp_last_revision_timestamp_seconds{contract=") != std::string::npos;
      },
      "a revision timestamp");
  const std::string series = "vbp_last_revision_timestamp_seconds{contract=";
  const size_t at = published.find(series);
  const size_t eol = published.find('\n', at);
  const std::string sample = published.substr(at, eol - at);
  EXPECT_NE(sample.find(",year=\""), std::string::npos) << sample;
  const double stamp = std::stod(sample.substr(sample.rfind(' ') + 1));
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_GT(stamp, now - 3600) << sample;
  EXPECT_LT(stamp, now + 60) << sample;
  ExpectPrometheusText(published);
  run->Stop();
}

}  // namespace
}  // namespace vbp::stream::testutil
