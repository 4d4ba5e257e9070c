// Records written by independent Kafka clients (kcat and kafka-python, Debian packages) settle
// through `vbp run --until-caught-up` to the statements `vbp settle` computes from the same
// files (every field but `revision`), and the revision is the number of messages consumed.
//
// The two clients split the topics so that claims and members of one member come from
// different clients: the engine reads them co-partitioned only because every client hashes
// keys with murmur2 (the Java client's partitioner; kcat is told to use it, kafka-python does by
// default). Each test checks every keyed record's partition against murmur2 itself.
#include <gtest/gtest.h>

#include "tests/stream/stream_support.h"

namespace vbp::stream::testutil {
namespace {

constexpr int kPartitions = 4;
constexpr int kMembers = 1500;
constexpr uint64_t kSeed = 11;

enum class Client { kKcat, kKafkaPython };

void SettlesLikeVbpSettle(Client claims_and_providers, Client members_and_contracts) {
  TestDir dir;
  const std::string data = dir / "data";
  // The generator's malformed extra copies (1 per mille) go to rejects on both paths.
  Generate(data, kMembers, kSeed, /*malformed_per_mille=*/1);
  std::unique_ptr<Broker> broker = Broker::Start(dir, kPartitions);
  ASSERT_NE(broker, nullptr);
  const std::string& b = broker->bootstrap();

  size_t lines = 0;
  for (const InputTopic& t : kInputTopics) {
    const std::string file = data + "/" + t.file;
    lines += ReadLines(file).size();
    const bool first_group =
        std::string(t.topic) == "vbp.claims" || std::string(t.topic) == "vbp.providers";
    const Client client = first_group ? claims_and_providers : members_and_contracts;
    SCOPED_TRACE(t.topic);
    if (client == Client::kKcat) {
      ProduceWithKcat(b, t.topic, file, t.key_field);
    } else {
      ProduceWithKafkaPython(b, t.topic, file, t.key_field, "zstd");
    }
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
  }
  std::vector<std::string> topics;
  for (const InputTopic& t : kInputTopics) {
    topics.push_back(t.topic);
    EXPECT_GT(ExpectMurmur2Placement(b, t.topic), 0u) << t.topic;
  }
  const int64_t messages = SumHighWatermarks(b, topics);
  ASSERT_EQ(messages, static_cast<int64_t>(lines)) << "every line is one message";

  RunUntilCaughtUp(b, dir / "state", "engine");
  ASSERT_FALSE(::testing::Test::HasFailure());
  const auto streamed =
      nlohmann::ordered_json::parse(Statements(dir / "state", dir / "stream.json"), nullptr, false);
  const auto settled = Settle(data, dir / "settle.json");
  ExpectSameStatements(WithoutRevision(settled), WithoutRevision(streamed),
                       "vbp settle vs vbp run");
  for (int64_t r : Revisions(streamed)) EXPECT_EQ(r, messages) << "revision = input watermark";
}

TEST(IndependentClientsTest, KcatClaimsAndKafkaPythonMembersSettleLikeVbpSettle) {
  SettlesLikeVbpSettle(/*claims_and_providers=*/Client::kKcat,
                       /*members_and_contracts=*/Client::kKafkaPython);
}

TEST(IndependentClientsTest, KafkaPythonClaimsAndKcatMembersSettleLikeVbpSettle) {
  SettlesLikeVbpSettle(/*claims_and_providers=*/Client::kKafkaPython,
                       /*members_and_contracts=*/Client::kKcat);
}

}  // namespace
}  // namespace vbp::stream::testutil
