// SPEC §6 through Kafka: malformed messages (bad JSON, missing or invalid fields, inexact
// numbers, wrong schema: every line of tests/fixtures/records/bad) mixed at seeded positions
// into a clean generated population go to vbp.rejects, one each, with the reason, field and
// source offset in headers (read back with kcat, an independent client), and everything
// else is applied: the statements equal `vbp settle` over the good records alone.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "tests/stream/stream_support.h"

namespace vbp::stream::testutil {
namespace {

constexpr int kPartitions = 3;
constexpr int kMembers = 1000;

std::string FixtureDir() { return std::string(VBP_SOURCE_DIR) + "/tests/fixtures/records/bad"; }

// The field a reject must name: the fixture's "_field" for JSON objects, "" for lines that
// are not JSON objects (tests/fixtures/records/README.md).
std::string ExpectedField(const std::string& line) {
  const auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "";
  return j.value("_field", "");
}

struct Position {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string ToString() const {
    return topic + "/" + std::to_string(partition) + "@" + std::to_string(offset);
  }
};

// kcat -J prints headers as an object in newer versions, a flat [k, v, ...] array in older.
std::map<std::string, std::string> Headers(const nlohmann::json& envelope) {
  std::map<std::string, std::string> out;
  if (!envelope.contains("headers")) return out;
  const auto& h = envelope["headers"];
  if (h.is_object()) {
    for (auto it = h.begin(); it != h.end(); ++it) out[it.key()] = it.value().get<std::string>();
  } else if (h.is_array()) {
    for (size_t i = 0; i + 1 < h.size(); i += 2)
      out[h[i].get<std::string>()] = h[i + 1].get<std::string>();
  }
  return out;
}

TEST(StreamRejectsTest, MalformedMessagesGoToRejectsAndTheRestIsApplied) {
  TestDir dir;
  const std::string good = dir / "good";
  Generate(good, kMembers, /*seed=*/21, /*malformed_per_mille=*/0);
  // Each bad fixture line goes into the matching file at a seeded position.
  const std::string mixed = dir / "mixed";
  std::filesystem::create_directories(mixed);
  std::set<std::string> bad_lines;
  uint64_t rng = 0x5eed;
  size_t bad_count = 0;
  for (const InputTopic& t : kInputTopics) {
    std::vector<std::string> lines = ReadLines(good + "/" + t.file);
    for (const std::string& bad : ReadLines(FixtureDir() + "/" + t.file)) {
      rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
      const size_t at = static_cast<size_t>((rng >> 33) % (lines.size() + 1));
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), bad);
      bad_lines.insert(bad);
      ++bad_count;
    }
    WriteLines(mixed + "/" + t.file, lines);
  }
  ASSERT_EQ(bad_lines.size(), bad_count) << "fixture lines are distinct";

  std::unique_ptr<Broker> broker = Broker::Start(dir, kPartitions);
  ASSERT_NE(broker, nullptr);
  const std::string& b = broker->bootstrap();
  std::vector<std::string> topics;
  for (const InputTopic& t : kInputTopics) {
    ProduceWithVbp(b, t.topic, mixed + "/" + t.file);
    topics.push_back(t.topic);
  }
  ASSERT_FALSE(HasFailure());
  const int64_t messages = SumHighWatermarks(b, topics);

  // Where each bad line landed.
  std::map<std::string, Position> bad_at;  // source text -> position
  for (const std::string& t : topics) {
    auto all = kafka::testutil::ReadAll(b, t);
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    for (const kafka::Message& m : *all) {
      if (bad_lines.count(m.value)) bad_at[m.value] = {m.topic, m.partition, m.offset};
    }
  }
  ASSERT_EQ(bad_at.size(), bad_count);

  RunUntilCaughtUp(b, dir / "state", "engine");
  ASSERT_FALSE(HasFailure());

  // vbp.rejects through kcat.
  std::string why;
  const std::string kcat = kafka::testutil::KcatOrWhy(&why);
  ASSERT_FALSE(kcat.empty()) << why;
  const CommandResult r = RunCommand({kcat, "-C", "-b", b, "-t", "vbp.rejects", "-e", "-q", "-J"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::map<std::string, std::string>> by_source;  // source -> headers
  std::map<std::string, nlohmann::json> payload_by_source;
  std::istringstream lines(r.out);
  std::string line;
  size_t rejects = 0;
  while (std::getline(lines, line)) {
    const auto envelope = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(envelope.is_object()) << line;
    const auto headers = Headers(envelope);
    ASSERT_TRUE(headers.count("source")) << line;
    EXPECT_TRUE(by_source.emplace(headers.at("source"), headers).second)
        << "two rejects for " << headers.at("source");
    payload_by_source[headers.at("source")] =
        nlohmann::json::parse(envelope["payload"].get<std::string>(), nullptr, false);
    ++rejects;
  }
  EXPECT_EQ(rejects, bad_count) << "one reject per malformed message, none for a good one";

  for (const auto& [text, pos] : bad_at) {
    SCOPED_TRACE(pos.ToString() + ": " + text.substr(0, 120));
    auto f = by_source.find(pos.ToString());
    ASSERT_NE(f, by_source.end()) << "no reject names this source offset";
    const auto& h = f->second;
    EXPECT_FALSE(h.count("reason") == 0 || h.at("reason").empty()) << "a reason is given";
    EXPECT_EQ(h.count("field") ? h.at("field") : "<none>", ExpectedField(text));
    const nlohmann::json& p = payload_by_source[pos.ToString()];
    ASSERT_TRUE(p.is_object());
    EXPECT_EQ(p.value("record", ""), text) << "the reject carries the record whole";
    EXPECT_EQ(p.value("source", ""), pos.ToString());
    EXPECT_EQ(p.value("reason", ""), h.count("reason") ? h.at("reason") : "");
  }

  // The rest is applied: the statements of the good records alone.
  // (The bad contract records leave contracts without a statement: exit 3 unless allowed.)
  const auto streamed = nlohmann::ordered_json::parse(
      Statements(dir / "state", dir / "stream.json", /*allow_incomplete=*/true), nullptr, false);
  ExpectSameStatements(WithoutDataQuality(WithoutRevision(Settle(good, dir / "settle.json"))),
                       WithoutDataQuality(WithoutRevision(streamed)),
                       "figures of vbp run over good + bad vs vbp settle over good");
  // Data quality included: the same report as `vbp settle` over the same records (SPEC §6).
  ExpectSameStatements(
      WithoutRevision(Settle(mixed, dir / "settle-mixed.json", /*allow_incomplete=*/true)),
      WithoutRevision(streamed), "vbp run vs vbp settle over good + bad");

  for (int64_t rev : Revisions(streamed)) EXPECT_EQ(rev, messages) << "rejects count as consumed";
}

}  // namespace
}  // namespace vbp::stream::testutil
