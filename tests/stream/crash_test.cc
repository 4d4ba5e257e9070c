// SPEC §5 exactly-once effect through the real binaries: `vbp run` is killed with SIGKILL at
// seeded random points of its ingest (one to three times per trial, with a seeded batch size
// per incarnation), then restarted until caught up; the final `vbp statements` output is
// byte-identical to an uninterrupted run's.
//
// A kill point is a number of messages the incarnation must have applied (read from its
// /metrics) plus a seeded delay, so kills land at different commit phases: during the group
// join, mid-batch, between commit and publication, after catching up. The seed is printed;
// rerun with VBP_STREAM_SEED=<seed> to replay a failure's kill plan.
//
// Each incarnation joins a fresh consumer group: the engine's offsets live in its RocksDB
// state, not in Kafka, so the group id does not change where it resumes, and the killed
// member's lingering session does not delay the restart.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <thread>

#include "tests/stream/stream_support.h"

namespace vbp::stream::testutil {
namespace {

constexpr int kPartitions = 4;
constexpr int kMembers = 3000;
constexpr int kTrials = 5;
constexpr uint64_t kDefaultSeed = 20250307;
constexpr int kKillDelayMsMax = 40;
constexpr int64_t kBatchSizes[] = {250, 1000, 5000, 20000};

// splitmix64: portable, so a seed replays the same plan everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  uint64_t state_;
};

uint64_t Seed() {
  const char* env = std::getenv("VBP_STREAM_SEED");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : kDefaultSeed;
}

TEST(StreamCrashTest, KillNineDuringIngestThenRestartGivesByteIdenticalStatements) {
  const uint64_t seed = Seed();
  std::printf("VBP_STREAM_SEED=%llu\n", static_cast<unsigned long long>(seed));
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  SCOPED_TRACE("VBP_STREAM_SEED=" + std::to_string(seed));
  Rng rng(seed);

  TestDir dir;
  const std::string data = dir / "data";
  Generate(data, kMembers, /*seed=*/7, /*malformed_per_mille=*/1);
  std::unique_ptr<Broker> broker = Broker::Start(dir, kPartitions);
  ASSERT_NE(broker, nullptr);
  const std::string& b = broker->bootstrap();
  std::vector<std::string> topics;
  for (const InputTopic& t : kInputTopics) {
    ProduceWithVbp(b, t.topic, data + "/" + t.file);
    topics.push_back(t.topic);
  }
  ASSERT_FALSE(::testing::Test::HasFailure());
  const int64_t messages = SumHighWatermarks(b, topics);

  RunUntilCaughtUp(b, dir / "reference", "reference");
  const std::string expected = Statements(dir / "reference", dir / "reference.json");
  ASSERT_FALSE(::testing::Test::HasFailure());
  for (int64_t r : Revisions(nlohmann::ordered_json::parse(expected))) EXPECT_EQ(r, messages);

  int total_kills = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    const std::string state = dir / ("trial" + std::to_string(trial));
    const int kills = 1 + static_cast<int>(rng.Below(3));
    std::string plan;
    for (int k = 0; k < kills; ++k) {
      const std::string name = "t" + std::to_string(trial) + "k" + std::to_string(k);
      const int64_t batch = kBatchSizes[rng.Below(std::size(kBatchSizes))];
      // Most kill points fall inside the ingest; some at 0 (during startup and the join).
      const int64_t target =
          rng.Below(5) == 0 ? 0 : static_cast<int64_t>(rng.Below(static_cast<uint64_t>(messages)));
      const int delay_ms = static_cast<int>(rng.Below(kKillDelayMsMax + 1));
      std::unique_ptr<Service> run =
          Service::Start(dir, name, b, state, "crash-" + name, {"--batch", std::to_string(batch)});
      ASSERT_NE(run, nullptr);
      // The incarnation resumes from its stored offsets, so it may catch up before reaching
      // the target: then it is killed after the ingest, which must be harmless too.
      const std::string m = run->WaitForMetrics(
          [target](const std::string& text) {
            return PrometheusValue(text, "vbp_messages_total").value_or(0) >= target ||
                   PrometheusValue(text, "vbp_caught_up").value_or(0) == 1;
          },
          name + " reaching message " + std::to_string(target));
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      run->process().Signal(SIGKILL);
      EXPECT_EQ(run->process().Wait(), std::optional<int>(128 + SIGKILL)) << name;
      plan += " kill(batch=" + std::to_string(batch) + ", after>=" + std::to_string(target) +
              " msgs +" + std::to_string(delay_ms) + "ms; saw " +
              std::to_string(PrometheusValue(m, "vbp_messages_total").value_or(-1)) + ")";
      ++total_kills;
    }
    std::printf("trial %d:%s, then restart until caught up\n", trial, plan.c_str());
    SCOPED_TRACE("trial " + std::to_string(trial) + ":" + plan);
    RunUntilCaughtUp(b, state, "crash-t" + std::to_string(trial) + "-final");
    const std::string got = Statements(state, dir / ("trial" + std::to_string(trial) + ".json"));
    EXPECT_EQ(got, expected) << "statements after the kills differ from the uninterrupted run's";
    ASSERT_FALSE(::testing::Test::HasFailure());
  }
  std::printf("%d kills over %d trials, %lld messages\n", total_kills, kTrials,
              static_cast<long long>(messages));
}

}  // namespace
}  // namespace vbp::stream::testutil
