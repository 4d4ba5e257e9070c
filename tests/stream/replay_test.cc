// Replaying input into the same state changes no figure (SPEC §5):
//  - a second `vbp run` over the same state (same group, or a fresh group: the offsets live in
//    the state, not in Kafka) reads nothing, publishes nothing, and leaves the statements
//    byte-identical;
//  - the same files produced again (every record duplicated at new offsets) leave every
//    figure unchanged; the counts show the duplicates as superseded, and the revision is the
//    new input watermark.
// Counts come from the service's /metrics (vbp_records_total), read by a run that applies
// nothing; after the first pass they equal `vbp settle --summary`'s.
#include <gtest/gtest.h>

#include "tests/stream/stream_support.h"

namespace vbp::stream::testutil {
namespace {

constexpr int kPartitions = 3;
constexpr int kMembers = 1500;

struct Counts {
  int64_t read = 0, applied = 0, superseded = 0, rejected = 0;
  friend bool operator==(const Counts&, const Counts&) = default;
};
std::ostream& operator<<(std::ostream& os, const Counts& c) {
  return os << "{read " << c.read << ", applied " << c.applied << ", superseded " << c.superseded
            << ", rejected " << c.rejected << "}";
}
using KindCounts = std::map<std::string, Counts>;  // claim, member, provider, contract

constexpr const char* kKinds[] = {"claim", "member", "provider", "contract"};

KindCounts FromMetrics(const std::string& text) {
  KindCounts out;
  for (const char* kind : kKinds) {
    auto v = [&](const char* outcome) {
      return PrometheusValue(text, std::string("vbp_records_total{kind=\"") + kind +
                                       "\",outcome=\"" + outcome + "\"}")
          .value_or(-1);
    };
    const int64_t read =
        PrometheusValue(text, std::string("vbp_records_read_total{kind=\"") + kind + "\"}")
            .value_or(-1);
    out[kind] = {read, v("applied"), v("superseded"), v("rejected")};
  }
  return out;
}

// Starts a service over `state` that has nothing new to read, waits until it caught up, and
// returns its /metrics; it must have applied no message.
std::string IdleMetrics(const TestDir& dir, const std::string& name, const std::string& bootstrap,
                        const std::string& state) {
  // A group of its own: offsets live in the state, not in Kafka, so it resumes the same way,
  // and a member of "engine" that lingers after Stop() (until the mock broker notices it left)
  // cannot hold partitions of the next `vbp run --until-caught-up` in "engine", which would
  // then see itself caught up on a subset and, not owning claims partition 0, publish nothing.
  std::unique_ptr<Service> s = Service::Start(dir, name, bootstrap, state, name + "-group");
  EXPECT_NE(s, nullptr);
  if (!s) return "";
  const std::string m = s->WaitForMetrics(
      [](const std::string& t) { return PrometheusValue(t, "vbp_caught_up") == 1; },
      name + " caught up");
  EXPECT_EQ(PrometheusValue(m, "vbp_messages_total"), 0) << name << " applied input again";
  EXPECT_EQ(PrometheusValue(m, "vbp_revisions_published_total"), 0) << name;
  s->Stop();
  return m;
}

class StreamReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_ / "data";
    Generate(data_, kMembers, /*seed=*/5, /*malformed_per_mille=*/2);
    broker_ = Broker::Start(dir_, kPartitions);
    ASSERT_NE(broker_, nullptr);
    ProduceAll();
  }
  void ProduceAll() {
    for (const InputTopic& t : kInputTopics) {
      ProduceWithVbp(broker_->bootstrap(), t.topic, data_ + "/" + t.file);
    }
  }
  int64_t InputMessages() {
    std::vector<std::string> topics;
    for (const InputTopic& t : kInputTopics) topics.push_back(t.topic);
    return SumHighWatermarks(broker_->bootstrap(), topics);
  }

  TestDir dir_;
  std::string data_;
  std::unique_ptr<Broker> broker_;
};

TEST_F(StreamReplayTest, RunningAgainOverTheSameStateChangesNothing) {
  const std::string& b = broker_->bootstrap();
  const std::string state = dir_ / "state";
  RunUntilCaughtUp(b, state, "engine");
  const std::string first = Statements(state, dir_ / "first.json");
  ASSERT_FALSE(HasFailure());
  const int64_t statements_published = SumHighWatermarks(b, {"vbp.statements"});
  const int64_t rejects_published = SumHighWatermarks(b, {"vbp.rejects"});
  EXPECT_GT(rejects_published, 0) << "the generator wrote malformed records";

  // Same group, then a fresh group: both resume from the offsets stored with the state.
  for (const std::string group : {"engine", "another-group"}) {
    SCOPED_TRACE(group);
    CommandResult r = RunUntilCaughtUp(b, state, group);
    EXPECT_NE(r.err.find(R"("msg":"stopped","messages":0)"), std::string::npos) << r.err;
    EXPECT_EQ(Statements(state, dir_ / "again.json"), first);
    EXPECT_EQ(SumHighWatermarks(b, {"vbp.statements"}), statements_published)
        << "no new revision for unchanged input";
    EXPECT_EQ(SumHighWatermarks(b, {"vbp.rejects"}), rejects_published)
        << "rejects published twice";
  }
}

TEST_F(StreamReplayTest, ProducingTheSameRecordsAgainChangesNoFigure) {
  const std::string& b = broker_->bootstrap();
  const std::string state = dir_ / "state";
  const int64_t once = InputMessages();
  RunUntilCaughtUp(b, state, "engine");
  const auto first = nlohmann::ordered_json::parse(Statements(state, dir_ / "first.json"));
  ASSERT_FALSE(HasFailure());
  for (int64_t r : Revisions(first)) EXPECT_EQ(r, once);
  const KindCounts c1 = FromMetrics(IdleMetrics(dir_, "idle1", b, state));

  // The streamed counts are the batch settlement's.
  CommandResult s = RunVbp({"settle", "--data", data_, "--out", dir_ / "settle.json", "--summary",
                            dir_ / "summary.json", "--quiet"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const auto summary = nlohmann::json::parse(ReadText(dir_ / "summary.json"));
  for (const char* kind : kKinds) {
    const auto& k = summary["counts"][std::string(kind) + "s"];
    const Counts settled{k["read"].get<int64_t>(), k["applied"].get<int64_t>(),
                         k["superseded"].get<int64_t>(), k["rejected"].get<int64_t>()};
    EXPECT_EQ(c1.at(kind), settled) << kind;
  }
  ExpectSameStatements(
      WithoutRevision(nlohmann::ordered_json::parse(ReadText(dir_ / "settle.json"))),
      WithoutRevision(first), "settle vs first pass");

  ProduceAll();  // every record again, at new offsets
  const int64_t twice = InputMessages();
  ASSERT_EQ(twice, 2 * once);
  RunUntilCaughtUp(b, state, "engine");
  const auto second = nlohmann::ordered_json::parse(Statements(state, dir_ / "second.json"));
  // Every figure is unchanged; data quality reports the second delivery (SPEC §6): every
  // record produced again is a superseded duplicate or a rejected record once more.
  ExpectSameStatements(WithoutDataQuality(WithoutRevision(first)),
                       WithoutDataQuality(WithoutRevision(second)), "after the duplicates");
  for (size_t i = 0; i < first.size() && i < second.size(); ++i) {
    const auto& q1 = first[i]["data_quality"];
    const auto& q2 = second[i]["data_quality"];
    EXPECT_EQ(q2["rejected_claim_records"], 2 * q1["rejected_claim_records"].get<int64_t>());
    EXPECT_GT(q2["superseded_claim_records"].get<int64_t>(),
              q1["superseded_claim_records"].get<int64_t>());
  }
  for (int64_t r : Revisions(second)) EXPECT_EQ(r, twice);

  const KindCounts c2 = FromMetrics(IdleMetrics(dir_, "idle2", b, state));
  for (const char* kind : kKinds) {
    SCOPED_TRACE(kind);
    const Counts& a = c1.at(kind);
    const Counts& z = c2.at(kind);
    EXPECT_EQ(z.read, 2 * a.read);
    EXPECT_EQ(z.applied, a.applied) << "a duplicate is never applied";
    // Each good record is now superseded (a duplicate of, or older than, the effective
    // version); each bad one is rejected again.
    EXPECT_EQ(z.superseded, a.superseded + a.applied + a.superseded);
    EXPECT_EQ(z.rejected, 2 * a.rejected);
    EXPECT_EQ(z.applied + z.superseded + z.rejected, z.read) << "counts balance";
  }
}

}  // namespace
}  // namespace vbp::stream::testutil
