// `vbp produce`: every non-blank NDJSON line becomes one record, keyed by the topic's field,
// compressed on the wire; failures give a nonzero exit.
#include <gtest/gtest.h>

#include <fstream>

#include "connectors/kafka/consumer.h"
#include "connectors/kafka/mock_cluster.h"
#include "tests/kafka/test_support.h"

namespace vbp::kafka {
namespace {

using testutil::RunCommand;

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = testutil::TempFile(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

class ProduceVerbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<MockCluster>> c = MockCluster::Start({});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(c).value();
    ASSERT_TRUE(cluster_->CreateSpecTopics("t.", 4).ok());
  }
  std::unique_ptr<MockCluster> cluster_;
};

TEST_F(ProduceVerbTest, ProducesEveryNonBlankLineKeyedByMemberId) {
  std::string ndjson;
  std::vector<std::pair<std::string, std::string>> expected;  // (key, value)
  for (int i = 0; i < 30; ++i) {
    const std::string member = "M" + std::to_string(500 + i % 11);
    const std::string line = R"({"schema":"vbp.claim/1","claim_id":"C)" + std::to_string(i) +
                             R"(","lines":[{"member_id":"not-this"}],"member_id":")" + member +
                             R"("})";
    ndjson += line + (i == 7 ? "\r\n" : "\n");  // one CRLF line
    if (i % 10 == 0) ndjson += "\n   \n";       // blank lines are skipped
    expected.push_back({member, line});
  }
  const std::string keyless = R"({"schema":"vbp.claim/1","claim_id":"C-nokey"})";
  ndjson += keyless;  // last line without a newline, and without member_id
  expected.push_back({"", keyless});
  const std::string file = WriteFile("claims.ndjson", ndjson);

  testutil::CommandResult r =
      RunCommand({testutil::VbpPath(), "produce", "--brokers", cluster_->bootstrap_servers(),
                  "--topic", "t.claims", "--file", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("31 records"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("delivered 31, failed 0"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 record(s) have no top-level 'member_id' (first at line 37)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("\r  "), std::string::npos) << "no progress bar when not a TTY";

  Result<std::vector<Message>> got = testutil::ReadAll(cluster_->bootstrap_servers(), "t.claims");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  std::multiset<std::pair<std::string, std::string>> want(expected.begin(), expected.end());
  std::multiset<std::pair<std::string, std::string>> have;
  std::map<std::string, std::set<int32_t>> partitions_of_key;
  for (const Message& m : *got) {
    have.insert({m.key, m.value});
    if (!m.key.empty()) partitions_of_key[m.key].insert(m.partition);
  }
  EXPECT_EQ(have, want);
  for (const auto& [key, parts] : partitions_of_key) EXPECT_EQ(parts.size(), 1u) << key;
}

TEST_F(ProduceVerbTest, KeysProvidersByNpiAndHonoursAnExplicitKeyField) {
  const std::string file = WriteFile("providers.ndjson", R"({"npi":"1234567890","tin":"111"})"
                                                         "\n"
                                                         R"({"npi":1987654321,"tin":"222"})"
                                                         "\n");
  testutil::CommandResult r =
      RunCommand({testutil::VbpPath(), "produce", "--brokers", cluster_->bootstrap_servers(),
                  "--topic", "t.providers", "--file", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCommand({testutil::VbpPath(), "produce", "--brokers", cluster_->bootstrap_servers(),
                  "--topic", "t.contracts", "--file", file, "--key", "tin", "--progress"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("\r  2 records"), std::string::npos) << "--progress forces the bar";

  Result<std::vector<Message>> providers =
      testutil::ReadAll(cluster_->bootstrap_servers(), "t.providers");
  ASSERT_TRUE(providers.ok()) << providers.status().ToString();
  std::set<std::string> keys;
  for (const Message& m : *providers) keys.insert(m.key);
  EXPECT_EQ(keys, (std::set<std::string>{"1234567890", "1987654321"}));
  Result<std::vector<Message>> contracts =
      testutil::ReadAll(cluster_->bootstrap_servers(), "t.contracts");
  ASSERT_TRUE(contracts.ok()) << contracts.status().ToString();
  keys.clear();
  for (const Message& m : *contracts) keys.insert(m.key);
  EXPECT_EQ(keys, (std::set<std::string>{"111", "222"}));
}

// The mock keeps the last 5 MiB of record batches per partition, counted in wire bytes. Six
// MiB of compressible claims therefore all stay when compressed (the default), while the same
// file sent uncompressed loses its head: proof that compression is on the wire.
TEST_F(ProduceVerbTest, CompressesOnTheWireByDefault) {
  ASSERT_TRUE(cluster_->CreateTopic("one.zstd", 1).ok());
  ASSERT_TRUE(cluster_->CreateTopic("one.none", 1).ok());
  std::string ndjson;
  int lines = 0;
  while (ndjson.size() < 6u * 1024 * 1024) {
    ndjson += R"({"member_id":"M)" + std::to_string(lines % 100) + R"(","pad":")" +
              std::string(900, 'x') + "\"}\n";
    ++lines;
  }
  const std::string file = WriteFile("big.ndjson", ndjson);
  testutil::CommandResult r =
      RunCommand({testutil::VbpPath(), "produce", "--brokers", cluster_->bootstrap_servers(),
                  "--topic", "one.zstd", "--file", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCommand({testutil::VbpPath(), "produce", "--brokers", cluster_->bootstrap_servers(),
                  "--topic", "one.none", "--file", file, "--set", "compression.type=none"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  Result<std::unique_ptr<Consumer>> c =
      Consumer::Create({{"bootstrap.servers", cluster_->bootstrap_servers()}});
  ASSERT_TRUE(c.ok());
  Result<Watermarks> zstd = (*c)->QueryWatermarks("one.zstd", 0);
  Result<Watermarks> none = (*c)->QueryWatermarks("one.none", 0);
  ASSERT_TRUE(zstd.ok() && none.ok());
  EXPECT_EQ(zstd->low, 0);
  EXPECT_EQ(zstd->high, lines);
  EXPECT_GT(none->low, 0) << "uncompressed, the mock must have dropped the oldest batches";
  EXPECT_EQ(none->high, lines);
}

TEST_F(ProduceVerbTest, ExitsNonzeroWhenRecordsCannotBeDelivered) {
  Result<std::unique_ptr<MockCluster>> gone = MockCluster::Start({});
  ASSERT_TRUE(gone.ok());
  const std::string dead = (*gone)->bootstrap_servers();
  (*gone)->Stop();  // nothing listens there any more
  const std::string file = WriteFile("c.ndjson", R"({"member_id":"M1"})"
                                                 "\n");
  testutil::CommandResult r =
      RunCommand({testutil::VbpPath(), "produce", "--brokers", dead, "--topic", "t.claims",
                  "--file", file, "--set", "message.timeout.ms=1500"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("failed 1"), std::string::npos) << r.err;
}

TEST_F(ProduceVerbTest, RejectsAnUnknownLibrdkafkaProperty) {
  const std::string file = WriteFile("c.ndjson", R"({"member_id":"M1"})"
                                                 "\n");
  testutil::CommandResult r =
      RunCommand({testutil::VbpPath(), "produce", "--brokers", cluster_->bootstrap_servers(),
                  "--topic", "t.claims", "--file", file, "--set", "no.such.property=1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no.such.property"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace vbp::kafka
