#include "connectors/files/ndjson_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "connectors/files/ndjson_decode.h"
#include "tests/codec/test_util.h"

namespace vbp::files {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

// A fresh directory per test, removed afterwards.
class NdjsonFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("vbp_ndjson_" + std::to_string(::getpid()) + "_" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string WriteRaw(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  std::filesystem::path dir_;
};

std::vector<std::pair<int64_t, std::string>> ReadAll(NdjsonFile& f) {
  std::vector<std::pair<int64_t, std::string>> out;
  NdjsonLine line;
  while (f.Next(&line)) out.emplace_back(line.number, std::string(line.text));
  return out;
}

TEST_F(NdjsonFileTest, YieldsLinesWithOneBasedNumbersSkippingButCountingBlankOnes) {
  std::string path = WriteRaw("a.ndjson", "{\"a\":1}\n\n   \n{\"b\":2}\r\n\t\r\n{\"c\":3}");
  auto f = NdjsonFile::Open(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto lines = ReadAll(*f);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], std::make_pair(int64_t{1}, std::string("{\"a\":1}")));
  EXPECT_EQ(lines[1], std::make_pair(int64_t{4}, std::string("{\"b\":2}")));  // CR removed
  EXPECT_EQ(lines[2], std::make_pair(int64_t{6}, std::string("{\"c\":3}")));  // no final \n
  EXPECT_EQ(f->lines_read(), 6);
  EXPECT_EQ(f->blank_lines(), 3);
}

TEST_F(NdjsonFileTest, SkipsAByteOrderMarkAndReadsEmptyFiles) {
  auto bom = NdjsonFile::Open(WriteRaw("bom.ndjson", "\xEF\xBB\xBF{\"a\":1}\n"));
  ASSERT_TRUE(bom.ok());
  auto lines = ReadAll(*bom);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].second, "{\"a\":1}");
  auto empty = NdjsonFile::Open(WriteRaw("empty.ndjson", ""));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(ReadAll(*empty).empty());
  EXPECT_EQ(empty->lines_read(), 0);
}

TEST_F(NdjsonFileTest, StaysValidWhenMoved) {
  auto f = NdjsonFile::Open(WriteRaw("m.ndjson", "x\ny\n"));
  ASSERT_TRUE(f.ok());
  NdjsonLine line;
  ASSERT_TRUE(f->Next(&line));
  NdjsonFile moved = std::move(f).value();
  ASSERT_TRUE(moved.Next(&line));
  EXPECT_EQ(line.number, 2);
  EXPECT_EQ(line.text, "y");
}

TEST_F(NdjsonFileTest, NamesThePathAndWhatToDoWhenTheFileIsMissing) {
  std::string path = (dir_ / "nope.ndjson").string();
  auto f = NdjsonFile::Open(path);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(f.status().message(), HasSubstr(path));
  EXPECT_THAT(f.status().message(), HasSubstr("check the path"));
  auto d = NdjsonFile::Open(dir_.string());
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(), HasSubstr("is a directory"));
  auto dec = DecodeNdjsonFile(path, RecordKind::kClaim, 2);
  ASSERT_FALSE(dec.ok());
  EXPECT_THAT(dec.status().message(), HasSubstr(path));
}

TEST_F(NdjsonFileTest, WritesLinesAndRefusesLineBreaks) {
  std::string path = (dir_ / "out.ndjson").string();
  ASSERT_TRUE(WriteNdjsonLines(path, {"{\"a\":1}", "{\"b\":2}"}).ok());
  auto f = NdjsonFile::Open(path);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->text(), "{\"a\":1}\n{\"b\":2}\n");
  auto w = NdjsonWriter::Create(path);
  ASSERT_TRUE(w.ok());
  Status s = w->Append("a\nb");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(w->Close().ok());
  auto bad = NdjsonWriter::Create((dir_ / "no/such/dir.ndjson").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("no/such/dir.ndjson"));
}

// A claims file of `n` records: every 7th line blank, every 5th a CRLF line, every 11th bad.
std::string MixedClaims(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i % 7 == 3) out += (i % 2 ? "\n" : "  \r\n");
    json j = json::parse(codec::testing::kGoodClaim);
    j["claim_id"] = "C-" + std::to_string(i);
    j["lines"][0]["allowed"] = std::to_string(rng() % 100000) + ".25";
    if (i % 11 == 5) j["lines"][1]["units"] = "-1";
    out += j.dump();
    out += (i % 5 == 2) ? "\r\n" : "\n";
  }
  return out;
}

std::string Summary(const DecodedFile& f) {
  std::string s = std::to_string(f.lines) + "/" + std::to_string(f.blank_lines) + ";";
  for (const auto& r : f.records) {
    const Claim& c = std::get<Claim>(r);
    s += c.source.ToString() + "=" + c.claim_id.str() + "," + std::to_string(c.content_hash[0]) +
         ";";
  }
  for (const auto& r : f.rejects) s += r.source.ToString() + "!" + r.field + ";";
  return s;
}

TEST_F(NdjsonFileTest, DecodesInFileOrderWithCorrectLineNumbers) {
  std::string path = WriteRaw("claims.ndjson", MixedClaims(40, 7));
  auto out = DecodeNdjsonFile(path, RecordKind::kClaim, 1);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->records.size() + out->rejects.size() + static_cast<size_t>(out->blank_lines),
            static_cast<size_t>(out->lines));
  // Check each line number against the file itself.
  auto f = NdjsonFile::Open(path);
  ASSERT_TRUE(f.ok());
  size_t rec = 0;
  size_t rej = 0;
  NdjsonLine line;
  while (f->Next(&line)) {
    if (line.text.find("\"-1\"") != std::string_view::npos) {
      ASSERT_LT(rej, out->rejects.size());
      EXPECT_EQ(out->rejects[rej].source.position, line.number);
      EXPECT_EQ(out->rejects[rej].source.source, path);
      EXPECT_EQ(out->rejects[rej].field, "lines[1].units");
      EXPECT_EQ(out->rejects[rej].record, line.text);
      ++rej;
    } else {
      ASSERT_LT(rec, out->records.size());
      EXPECT_EQ(std::get<Claim>(out->records[rec]).source.position, line.number);
      ++rec;
    }
  }
  EXPECT_EQ(rec, out->records.size());
  EXPECT_EQ(rej, out->rejects.size());
  EXPECT_GT(rej, 0u);
  EXPECT_EQ(out->lines, f->lines_read());
}

TEST_F(NdjsonFileTest, OutputDoesNotDependOnTheThreadCount) {
  const uint64_t seed = 20250101;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::string text = MixedClaims(3000, seed);  // ~1.8 MB: many 64 KiB chunks
  DecodeOptions o;
  o.source = "claims.ndjson";
  std::string one = Summary(DecodeNdjsonText(text, RecordKind::kClaim, 1, o));
  for (int threads : {2, 3, 8}) {
    EXPECT_EQ(Summary(DecodeNdjsonText(text, RecordKind::kClaim, threads, o)), one)
        << threads << " threads";
  }
  o.chunk_bytes_max = 1;  // the smallest chunks allowed
  EXPECT_EQ(Summary(DecodeNdjsonText(text, RecordKind::kClaim, 4, o)), one);
}

TEST_F(NdjsonFileTest, DecodesMixedKindsWhenNoKindIsGiven) {
  std::string text = std::string(codec::testing::kGoodMember) + "\n" +
                     codec::testing::kGoodProvider + "\n" + codec::testing::kGoodContract + "\n" +
                     codec::testing::kGoodClaim + "\n";
  DecodedFile f = DecodeNdjsonText(text, std::nullopt, 2, DecodeOptions{"mixed", 1 << 20});
  ASSERT_EQ(f.records.size(), 4u);
  EXPECT_TRUE(std::holds_alternative<Member>(f.records[0]));
  EXPECT_TRUE(std::holds_alternative<Provider>(f.records[1]));
  EXPECT_TRUE(std::holds_alternative<Contract>(f.records[2]));
  EXPECT_TRUE(std::holds_alternative<Claim>(f.records[3]));
  DecodedFile claims_only = DecodeNdjsonText(text, RecordKind::kClaim, 2, DecodeOptions{"c", 1});
  EXPECT_EQ(claims_only.records.size(), 1u);
  EXPECT_EQ(claims_only.rejects.size(), 3u);
}

}  // namespace
}  // namespace vbp::files
