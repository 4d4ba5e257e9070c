// `vbp produce --format cclf|fhir` (issue 14, item 3): claims files converted while they are
// produced to the input topics give, through `vbp run`, the statements `vbp settle` gives over
// `vbp import` of the same files (one converter, two destinations).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/stream/stream_support.h"

namespace vbp::stream::testutil {
namespace {

constexpr int kPartitions = 3;

// The options naming what claims files do not carry, as `vbp generate --format` writes them.
std::vector<std::string> SideFiles(const std::string& format, const std::string& src) {
  if (format == "cclf") {
    return {"--contract",
            src + "/contracts.ndjson",
            "--roster",
            src + "/providers.ndjson",
            "--member-attributes",
            src + "/member_attributes.ndjson"};
  }
  return {"--contract", src + "/vbp/contracts.ndjson", "--roster", src + "/vbp/providers.ndjson"};
}

void StreamFormat(const std::string& format) {
  SCOPED_TRACE(format);
  TestDir dir;
  const std::string src = dir / "src";
  CommandResult gen = RunVbp({"generate", "--members", "150", "--seed", "11",
                              "--malformed-per-mille", "0", "--format", format, "--out", src});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  const std::vector<std::string> side = SideFiles(format, src);

  std::vector<std::string> import = {"import", format, "--dir", src, "--out", dir / "imported"};
  import.insert(import.end(), side.begin(), side.end());
  CommandResult imported = RunVbp(import);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;

  std::unique_ptr<Broker> broker = Broker::Start(dir, kPartitions);
  ASSERT_NE(broker, nullptr);
  std::vector<std::string> produce = {"produce",  "--brokers", broker->bootstrap(),
                                      "--format", format,      "--dir",
                                      src,        "--rejects", dir / "rejects.ndjson"};
  produce.insert(produce.end(), side.begin(), side.end());
  CommandResult produced = RunVbp(produce);
  ASSERT_EQ(produced.exit_code, 0) << produced.err;
  EXPECT_NE(produced.err.find("vbp.claims"), std::string::npos) << produced.err;
  EXPECT_EQ(ReadLines(dir / "rejects.ndjson").size(),
            ReadLines(dir / "imported/rejects.ndjson").size());

  RunUntilCaughtUp(broker->bootstrap(), dir / "state", "engine");
  ASSERT_FALSE(::testing::Test::HasFailure());
  const auto streamed = WithoutRevision(nlohmann::ordered_json::parse(
      Statements(dir / "state", dir / "stream.json"), nullptr, false));
  const auto settled = WithoutRevision(Settle(dir / "imported", dir / "settle.json"));
  ASSERT_GT(settled.size(), 0u);
  // `vbp statements --format csv` over the streamed state: one row per statement, each with
  // the statement's net payment.
  CommandResult csv = RunVbp(
      {"statements", "--state", dir / "state", "--format", "csv", "--out", dir / "statements.csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const std::vector<std::string> rows = ReadLines(dir / "statements.csv");
  ASSERT_EQ(rows.size(), streamed.size() + 1);  // the header
  for (size_t i = 0; i < streamed.size(); ++i) {
    EXPECT_NE(rows[i + 1].find("," + streamed[i]["net_payment"].get<std::string>() + ","),
              std::string::npos)
        << rows[i + 1];
  }
  ExpectSameStatements(
      settled, streamed,
      "vbp run over produce --format " + format + " vs vbp settle over vbp import " + format);
}

TEST(ProduceFormatTest, CclfFilesStreamedGiveTheStatementsOfTheirImport) { StreamFormat("cclf"); }

TEST(ProduceFormatTest, FhirFilesStreamedGiveTheStatementsOfTheirImport) { StreamFormat("fhir"); }

}  // namespace
}  // namespace vbp::stream::testutil
