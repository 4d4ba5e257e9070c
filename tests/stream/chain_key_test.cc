// Issue 16 item 2 through the command line: `vbp run --chain-key` seals every revision with
// HMAC-SHA256; `vbp statements` refuses to read them without the key and names it; the
// revisions published on the statements topic (read back with kcat, an independent client)
// anchor the state in `vbp verify --anchor`; a key file inside the state directory is refused.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/kafka/test_support.h"
#include "tests/stream/stream_support.h"

namespace vbp::stream::testutil {
namespace {

constexpr const char* kKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr const char* kKeyId = "630dcd2966c43366";  // sha256 of the key bytes, first 16 hex

TEST(ChainKeyTest, SealedRevisionsNeedTheKeyAndThePublishedCopiesAnchorTheState) {
  TestDir dir;
  const std::string data = dir / "data";
  Generate(data, 400, /*seed=*/11, /*malformed_per_mille=*/0);
  std::unique_ptr<Broker> broker = Broker::Start(dir, 2);
  ASSERT_NE(broker, nullptr);
  const std::string& b = broker->bootstrap();
  for (const InputTopic& t : kInputTopics) ProduceWithVbp(b, t.topic, data + "/" + t.file);
  const std::string key = dir / "chain.key";
  WriteLines(key, {"# vbp chain key", kKeyHex});
  const std::string state = dir / "state";
  RunUntilCaughtUp(b, state, "engine", {"--chain-key", key});

  // Without the key the revisions cannot be checked: refused, naming the key to configure.
  CommandResult no_key = RunVbp({"statements", "--state", state, "--out", dir / "x.json"});
  EXPECT_NE(no_key.exit_code, 0);
  EXPECT_NE(no_key.err.find(std::string("chain key ") + kKeyId), std::string::npos) << no_key.err;
  EXPECT_NE(no_key.err.find("--chain-key"), std::string::npos) << no_key.err;
  // With it, the statements equal `vbp settle` over the same files.
  CommandResult with_key =
      RunVbp({"statements", "--state", state, "--chain-key", key, "--out", dir / "s.json"});
  ASSERT_EQ(with_key.exit_code, 0) << with_key.err;
  ExpectSameStatements(WithoutRevision(Settle(data, dir / "settle.json")),
                       WithoutRevision(nlohmann::ordered_json::parse(ReadText(dir / "s.json"))),
                       "statements of the keyed state vs settle");

  // The published revisions, as a consumer of the statements topic keeps them.
  std::string why;
  const std::string kcat = kafka::testutil::KcatOrWhy(&why);
  ASSERT_FALSE(kcat.empty()) << why;
  CommandResult published =
      RunCommand({kcat, "-C", "-b", b, "-t", "vbp.statements", "-e", "-q"}, "", 60000);
  ASSERT_EQ(published.exit_code, 0) << published.err;
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < published.out.size()) {
    size_t nl = published.out.find('\n', pos);
    if (nl == std::string::npos) nl = published.out.size();
    if (nl > pos) lines.push_back(published.out.substr(pos, nl - pos));
    pos = nl + 1;
  }
  ASSERT_FALSE(lines.empty());
  for (const auto& l : lines) {
    const std::string seal = nlohmann::ordered_json::parse(l)["hash"].get<std::string>();
    EXPECT_EQ(seal.rfind(std::string("hmac-sha256:") + kKeyId + ":", 0), 0u) << seal;
  }
  WriteLines(dir / "anchors.ndjson", lines);
  CommandResult verified = RunVbp({"verify", "--state", state, "--chain-key", key, "--anchor",
                                   dir / "anchors.ndjson", "--chain-only", "--quiet"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_NE(verified.out.find("keyed (hmac-sha256) and sha256 chains checked, " +
                              std::to_string(lines.size()) + " anchors"),
            std::string::npos)
      << verified.out;
  // An anchor the state does not hold (a later publication, or a deleted revision).
  auto forged = nlohmann::ordered_json::parse(lines.back());
  forged["revision"] = forged["revision"].get<int64_t>() + 1000;
  WriteLines(dir / "extra.ndjson", {forged.dump()});
  CommandResult missing = RunVbp({"verify", "--state", state, "--chain-key", key, "--anchor",
                                  dir / "extra.ndjson", "--chain-only", "--quiet"});
  EXPECT_EQ(missing.exit_code, 1) << missing.out << missing.err;
  EXPECT_NE(missing.out.find("anchor: published in"), std::string::npos) << missing.out;

  // A key kept inside the state directory seals nothing: refused.
  WriteLines(state + "/chain.key", {kKeyHex});
  CommandResult inside =
      RunVbp({"statements", "--state", state, "--chain-key", state + "/chain.key"});
  EXPECT_EQ(inside.exit_code, 1) << inside.err;
  EXPECT_NE(inside.err.find("inside the state directory"), std::string::npos) << inside.err;
}

}  // namespace
}  // namespace vbp::stream::testutil
