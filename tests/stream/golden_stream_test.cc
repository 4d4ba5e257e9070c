// Golden cases through the streaming service: `vbp run` over the case's input, produced to
// the embedded broker, gives the statements of `vbp settle` over the same files, data
// quality included (SPEC §6: streaming and batch behave the same), and the hand-computed
// figures of the case's expected/statements.json.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "tests/stream/stream_support.h"

namespace vbp::stream::testutil {
namespace {

constexpr int kPartitions = 3;

std::string CaseDir(const std::string& name) {
  return std::string(VBP_SOURCE_DIR) + "/tests/golden/" + name;
}

void StreamCase(const std::string& name) {
  SCOPED_TRACE(name);
  TestDir dir;
  std::unique_ptr<Broker> broker = Broker::Start(dir, kPartitions);
  ASSERT_NE(broker, nullptr);
  for (const InputTopic& t : kInputTopics) {
    ProduceWithVbp(broker->bootstrap(), t.topic, CaseDir(name) + "/input/" + t.file);
  }
  ASSERT_FALSE(::testing::Test::HasFailure());
  RunUntilCaughtUp(broker->bootstrap(), dir / "state", "engine");
  ASSERT_FALSE(::testing::Test::HasFailure());
  const auto streamed = WithoutRevision(nlohmann::ordered_json::parse(
      Statements(dir / "state", dir / "stream.json"), nullptr, false));
  const auto settled = WithoutRevision(Settle(CaseDir(name) + "/input", dir / "settle.json"));
  ExpectSameStatements(settled, streamed, "vbp run vs vbp settle over " + name);
  // Every field the expected file pins (it leaves out `detail`).
  const auto expected =
      nlohmann::ordered_json::parse(ReadText(CaseDir(name) + "/expected/statements.json"));
  ASSERT_EQ(expected.size(), streamed.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    for (const auto& [field, value] : expected[i].items()) {
      if (field == "revision") continue;  // streaming numbers revisions by the input watermark
      EXPECT_EQ(streamed[i].value(field, nlohmann::ordered_json()), value) << field;
    }
  }
}

TEST(GoldenStreamTest, DescriptiveCodesOfAnotherShapeAreKeptAndReportedAsInSettle) {
  StreamCase("claims/descriptive_codes");
}

// Issue 16 item 4: overlapping coverage spans are reported in data quality by `vbp run` as by
// `vbp settle` (the hand-counted members and months of the cases' READMEs).
TEST(GoldenStreamTest, OverlappingCoverageIsReportedAsInSettle) {
  for (const char* c :
       {"eligibility/partial_year_first_of_month", "eligibility/excluded_program"}) {
    StreamCase(c);
  }
}

TEST(GoldenStreamTest, VersionCasesGiveTheSettleStatements) {
  for (const char* c : {"claims/conflict", "claims/duplicate", "claims/replacement"}) {
    StreamCase(c);
  }
}

// Exit codes a job scheduler can trust (README.md, "Exit codes"): a contract record the
// engine rejected leaves that contract without a statement, and `vbp statements` says so,
// naming it and why, with exit 3 (0 with --allow-incomplete).
TEST(GoldenStreamTest, StatementsExitThreeNamingAContractTheEngineRejected) {
  TestDir dir;
  const std::string data = dir / "data";
  std::filesystem::create_directories(data);
  const std::string src = CaseDir("sharing/savings_cap_and_reduction") + "/input";
  for (const InputTopic& t : kInputTopics) {
    std::vector<std::string> lines = ReadLines(src + "/" + t.file);
    if (std::string(t.file) == "contracts.ndjson") {
      auto c2 = nlohmann::ordered_json::parse(lines.at(1));
      c2["parameters"]["savings_capp"] = "0.05";  // a mistyped parameter name
      lines.at(1) = c2.dump();
    }
    WriteLines(data + "/" + t.file, lines);
  }
  std::unique_ptr<Broker> broker = Broker::Start(dir, kPartitions);
  ASSERT_NE(broker, nullptr);
  for (const InputTopic& t : kInputTopics) {
    ProduceWithVbp(broker->bootstrap(), t.topic, data + "/" + t.file);
  }
  ASSERT_FALSE(::testing::Test::HasFailure());
  RunUntilCaughtUp(broker->bootstrap(), dir / "state", "engine");
  ASSERT_FALSE(::testing::Test::HasFailure());
  CommandResult r =
      RunVbp({"statements", "--state", dir / "state", "--out", dir / "statements.json"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("contract C2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("savings_capp"), std::string::npos) << r.err;
  const auto written = nlohmann::ordered_json::parse(ReadText(dir / "statements.json"));
  ASSERT_EQ(written.size(), 2u);  // C1 and C3 are written all the same
  r = RunVbp({"statements", "--state", dir / "state", "--out", dir / "statements.json",
              "--allow-incomplete"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace vbp::stream::testutil
