// SPEC §5 scale-out through the real binaries: two `vbp run` services in one consumer group
// split the member-keyed partitions (each with its own state directory); the one owning
// partition 0 publishes statements summed from both instances' parts (exchanged through
// vbp.parts), equal to `vbp settle` on the records so far. Then that leader leaves (SIGTERM),
// the survivor takes over every partition (rebuilding the ones it never held from the log),
// more claims arrive, and its final statements are byte-identical to a single instance's.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

#include "tests/stream/stream_support.h"

namespace vbp::stream::testutil {
namespace {

constexpr int kPartitions = 4;
constexpr int kMembers = 2000;

std::set<int32_t> ClaimPartitions(const std::string& metrics) {
  const std::vector<int32_t> v = LagPartitions(metrics, "vbp.claims");
  return {v.begin(), v.end()};
}

// The latest revision of every statement on vbp.statements (by key, highest offset wins).
std::map<std::string, nlohmann::ordered_json> LatestPublished(const std::string& bootstrap) {
  std::map<std::string, nlohmann::ordered_json> latest;
  auto all = kafka::testutil::ReadAll(bootstrap, "vbp.statements");
  EXPECT_TRUE(all.ok()) << all.status().ToString();
  if (!all.ok()) return latest;
  for (const kafka::Message& m : *all) latest[m.key] = nlohmann::ordered_json::parse(m.value);
  return latest;
}

// Waits until every statement's latest published revision is `revision`; returns them in
// `vbp statements` order (year, contract_id) without revision_info and hash.
nlohmann::ordered_json WaitForPublishedRevision(const std::string& bootstrap, int64_t revision) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kProcessDeadlineMs);
  std::string seen;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto latest = LatestPublished(bootstrap);
    bool all = !latest.empty();
    std::map<std::pair<int, std::string>, nlohmann::ordered_json> ordered;
    seen.clear();
    for (const auto& [key, j] : latest) {
      seen += key + "@" + std::to_string(j["revision"].get<int64_t>()) + " ";
      all = all && j["revision"].get<int64_t>() == revision;
      nlohmann::ordered_json s = j;
      s.erase("revision_info");
      s.erase("hash");
      ordered[{s["performance_year"].get<int>(), s["contract_id"].get<std::string>()}] = s;
    }
    if (all) {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (auto& [k, s] : ordered) out.push_back(s);
      return out;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ADD_FAILURE() << "no complete revision " << revision << " on vbp.statements; latest: " << seen;
  return nlohmann::ordered_json::array();
}

TEST(StreamGroupTest, TwoInstancesSplitThePartitionsThenTheSurvivorTakesOver) {
  TestDir dir;
  const std::string all = dir / "all";
  Generate(all, kMembers, /*seed=*/3, /*malformed_per_mille=*/1);
  // The first half of the claims file, with all reference data and members.
  const std::string half = dir / "half";
  std::filesystem::create_directories(half);
  for (const char* f : {"members.ndjson", "providers.ndjson", "contracts.ndjson"}) {
    std::filesystem::copy_file(all + "/" + f, half + "/" + f);
  }
  const std::vector<std::string> claims = ReadLines(all + "/claims.ndjson");
  const auto middle = claims.begin() + static_cast<std::ptrdiff_t>(claims.size() / 2);
  WriteLines(half + "/claims.ndjson", {claims.begin(), middle});
  WriteLines(dir / "rest.ndjson", {middle, claims.end()});

  std::unique_ptr<Broker> broker = Broker::Start(dir, kPartitions);
  ASSERT_NE(broker, nullptr);
  const std::string& b = broker->bootstrap();
  std::vector<std::string> topics;
  for (const InputTopic& t : kInputTopics) {
    ProduceWithVbp(b, t.topic, half + "/" + t.file);
    topics.push_back(t.topic);
  }
  ASSERT_FALSE(::testing::Test::HasFailure());
  const int64_t first_watermark = SumHighWatermarks(b, topics);

  std::unique_ptr<Service> one = Service::Start(dir, "one", b, dir / "state-one", "pair");
  std::unique_ptr<Service> two = Service::Start(dir, "two", b, dir / "state-two", "pair");
  ASSERT_NE(one, nullptr);
  ASSERT_NE(two, nullptr);

  // Both caught up on disjoint, non-empty shares of the claims partitions that cover them all.
  const auto split_deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kProcessDeadlineMs);
  std::string m1, m2;
  std::set<int32_t> p1, p2;
  while (true) {
    m1 = one->WaitForMetrics([](const std::string&) { return true; }, "one");
    m2 = two->WaitForMetrics([](const std::string&) { return true; }, "two");
    p1 = ClaimPartitions(m1);
    p2 = ClaimPartitions(m2);
    std::set<int32_t> both = p1;
    both.insert(p2.begin(), p2.end());
    const bool split = !p1.empty() && !p2.empty() && both.size() == p1.size() + p2.size() &&
                       both.size() == static_cast<size_t>(kPartitions);
    if (split && PrometheusValue(m1, "vbp_caught_up") == 1 &&
        PrometheusValue(m2, "vbp_caught_up") == 1) {
      break;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), split_deadline)
        << "the two instances did not split the partitions; one:\n"
        << m1 << "\ntwo:\n"
        << m2;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::printf("split: one owns %zu claims partitions, two owns %zu\n", p1.size(), p2.size());
  const auto claims_read = [](const std::string& m) {
    return PrometheusValue(m, R"(vbp_records_read_total{kind="claim"})").value_or(0);
  };
  EXPECT_GT(claims_read(m1), 0);
  EXPECT_GT(claims_read(m2), 0);

  // The leader's statements combine both instances' parts.
  const nlohmann::ordered_json shared = WaitForPublishedRevision(b, first_watermark);
  ExpectSameStatements(WithoutRevision(Settle(half, dir / "settle-half.json")),
                       WithoutRevision(shared), "two instances vs vbp settle (first half)");

  // The leader (owner of partition 0) leaves; the other one takes over every partition.
  const bool one_leads = p1.count(0) != 0;
  Service& leader = one_leads ? *one : *two;
  Service& survivor = one_leads ? *two : *one;
  const std::string survivor_state = dir / (one_leads ? "state-two" : "state-one");
  leader.Stop();

  ProduceWithVbp(b, "vbp.claims", dir / "rest.ndjson");
  const int64_t final_watermark = SumHighWatermarks(b, topics);
  ASSERT_GT(final_watermark, first_watermark);
  survivor.WaitForMetrics(
      [](const std::string& m) {
        return ClaimPartitions(m).size() == static_cast<size_t>(kPartitions) &&
               PrometheusValue(m, "vbp_caught_up") == 1;
      },
      "the survivor owning every partition, caught up");
  const nlohmann::ordered_json taken_over = WaitForPublishedRevision(b, final_watermark);
  survivor.Stop();
  const std::string after = Statements(survivor_state, dir / "survivor.json");

  // The same topics settled by a single instance from scratch.
  RunUntilCaughtUp(b, dir / "state-single", "single");
  const std::string single = Statements(dir / "state-single", dir / "single.json");
  EXPECT_EQ(after, single) << "survivor vs single instance";
  ExpectSameStatements(WithoutRevision(Settle(all, dir / "settle-all.json")),
                       WithoutRevision(nlohmann::ordered_json::parse(after, nullptr, false)),
                       "survivor vs vbp settle (all)");
  ExpectSameStatements(WithoutRevision(nlohmann::ordered_json::parse(after, nullptr, false)),
                       WithoutRevision(taken_over), "published vs stored");
}

}  // namespace
}  // namespace vbp::stream::testutil
