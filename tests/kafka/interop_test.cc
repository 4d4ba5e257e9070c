// Interoperability with independent Kafka clients (kcat and kafka-python), both directions,
// against the in-process mock cluster: same partitions, offsets, keys, values and headers.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <tuple>

#include "connectors/kafka/mock_cluster.h"
#include "connectors/kafka/producer.h"
#include "tests/kafka/test_support.h"

namespace vbp::kafka {
namespace {

using testutil::Base64Decode;
using testutil::Base64Encode;
using testutil::RunCommand;

// One record as every client sees it.
struct Rec {
  int32_t partition = -1;
  int64_t offset = -1;
  std::string key;
  std::string value;
  std::vector<Header> headers;
  friend bool operator==(const Rec&, const Rec&) = default;
  friend bool operator<(const Rec& a, const Rec& b) {
    return std::tie(a.partition, a.offset, a.key, a.value) <
           std::tie(b.partition, b.offset, b.key, b.value);
  }
};

std::ostream& operator<<(std::ostream& os, const Rec& r) {
  os << "{p=" << r.partition << " o=" << r.offset << " k='" << r.key << "' v='" << r.value
     << "' h=[";
  for (const Header& h : r.headers) os << h.key << "=" << h.value << ",";
  return os << "]}";
}

struct Input {
  std::string key;
  std::string value;
  std::vector<Header> headers;
  std::optional<int32_t> partition;
};

// Printable records (kcat's text format splits on tabs and newlines), some UTF-8, some headers,
// some pinned to a partition.
std::vector<Input> SampleInputs(int n) {
  std::vector<Input> out;
  for (int i = 0; i < n; ++i) {
    Input in;
    in.key = "M" + std::to_string(1000 + i);
    in.value = R"({"member_id":")" + in.key + R"(","i":)" + std::to_string(i) +
               R"(,"name":"Zoë \"Ω\" )" + std::string(static_cast<size_t>(i % 7) * 13, 'x') +
               R"("})";
    if (i % 3 == 0) in.headers = {{"vbp.source", "test:" + std::to_string(i)}};
    if (i % 5 == 0) in.partition = i % 3;
    out.push_back(std::move(in));
  }
  return out;
}

class InteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<MockCluster>> c = MockCluster::Start({});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(c).value();
    bootstrap_ = cluster_->bootstrap_servers();
  }

  // Produces `inputs` with our Producer; returns them as written (partition/offset from the
  // delivery reports).
  std::vector<Rec> ProduceOurs(const std::string& topic, const std::vector<Input>& inputs,
                               const std::string& compression) {
    std::vector<Rec> written(inputs.size());
    ProducerOptions options;
    options.config = {{"bootstrap.servers", bootstrap_}, {"compression.type", compression}};
    options.on_delivery = [&written](const DeliveryReport& r) {
      EXPECT_TRUE(r.status.ok()) << r.status.ToString();
      written[r.sequence].partition = r.partition;
      written[r.sequence].offset = r.offset;
    };
    Result<std::unique_ptr<Producer>> producer = Producer::Create(options);
    EXPECT_TRUE(producer.ok()) << producer.status().ToString();
    if (!producer.ok()) return {};
    for (size_t i = 0; i < inputs.size(); ++i) {
      const Input& in = inputs[i];
      written[i].key = in.key;
      written[i].value = in.value;
      written[i].headers = in.headers;
      Status st = (*producer)->Produce(topic, in.key, in.value, in.headers, in.partition);
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
    Status st = (*producer)->Flush(testutil::kDeadlineMs);
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ((*producer)->stats().delivered, inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].partition) {
        EXPECT_EQ(written[i].partition, *inputs[i].partition) << i;
      }
    }
    std::sort(written.begin(), written.end());
    return written;
  }

  std::vector<Rec> ReadOurs(const std::string& topic, bool read_headers = true) {
    Result<std::vector<Message>> got =
        testutil::ReadAll(bootstrap_, topic, testutil::kDeadlineMs, read_headers);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    std::vector<Rec> out;
    if (!got.ok()) return out;
    for (Message& m : *got) {
      out.push_back({m.partition, m.offset, m.key, m.value, m.headers});
    }
    return out;
  }

  std::vector<Rec> ReadKafkaPython(const std::string& topic, size_t count) {
    testutil::CommandResult r =
        RunCommand({"/usr/bin/python3", testutil::PythonClientPath(), "consume", bootstrap_, topic,
                    std::to_string(count), "60"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<Rec> out;
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line)) {
      const nlohmann::json j = nlohmann::json::parse(line);
      Rec rec;
      rec.partition = j["partition"].get<int32_t>();
      rec.offset = j["offset"].get<int64_t>();
      if (!j["key_b64"].is_null()) rec.key = Base64Decode(j["key_b64"].get<std::string>());
      rec.value = Base64Decode(j["value_b64"].get<std::string>());
      for (const auto& h : j["headers"]) {
        rec.headers.push_back({h[0].get<std::string>(), Base64Decode(h[1].get<std::string>())});
      }
      out.push_back(std::move(rec));
    }
    return out;
  }

  std::unique_ptr<MockCluster> cluster_;
  std::string bootstrap_;
};

TEST_F(InteropTest, KcatReadsWhatOurProducerWrote) {
  std::string why;
  const std::string kcat = testutil::KcatOrWhy(&why);
  ASSERT_FALSE(kcat.empty()) << why;
  ASSERT_TRUE(cluster_->CreateTopic("interop.kcat", 3).ok());
  const std::vector<Rec> written = ProduceOurs("interop.kcat", SampleInputs(40), "zstd");
  // %h prints headers as "k=v,k2=v2" (or an empty string when there are none).
  testutil::CommandResult r = RunCommand({kcat, "-C", "-b", bootstrap_, "-t", "interop.kcat", "-e",
                                          "-q", "-f", "%p\t%o\t%k\t%h\t%s\n"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<Rec> read;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> f;
    size_t start = 0;
    for (int i = 0; i < 4; ++i) {
      const size_t tab = line.find('\t', start);
      ASSERT_NE(tab, std::string::npos) << line;
      f.push_back(line.substr(start, tab - start));
      start = tab + 1;
    }
    Rec rec{std::stoi(f[0]), std::stoll(f[1]), f[2], line.substr(start), {}};
    if (!f[3].empty()) {
      const size_t eq = f[3].find('=');
      rec.headers.push_back({f[3].substr(0, eq), f[3].substr(eq + 1)});
    }
    read.push_back(std::move(rec));
  }
  std::sort(read.begin(), read.end());
  EXPECT_EQ(read, written);
}

// The engine's input consumer skips header parsing (set_read_headers(false)): the same
// records, without their headers; a default consumer reads them all.
TEST_F(InteropTest, OurConsumerSkipsHeadersOnlyWhenToldTo) {
  ASSERT_TRUE(cluster_->CreateTopic("interop.noheaders", 3).ok());
  const std::vector<Rec> written = ProduceOurs("interop.noheaders", SampleInputs(30), "zstd");
  ASSERT_EQ(std::count_if(written.begin(), written.end(),
                          [](const Rec& r) { return !r.headers.empty(); }),
            10);  // every third input carries a header
  EXPECT_EQ(ReadOurs("interop.noheaders"), written);
  std::vector<Rec> without = written;
  for (Rec& r : without) r.headers.clear();
  EXPECT_EQ(ReadOurs("interop.noheaders", /*read_headers=*/false), without);
}

TEST_F(InteropTest, KafkaPythonReadsWhatOurProducerWroteWithZstd) {
  const std::string missing = testutil::KafkaPythonMissing(/*with_zstd=*/true);
  ASSERT_TRUE(missing.empty()) << missing;
  ASSERT_TRUE(cluster_->CreateTopic("interop.py.zstd", 3).ok());
  const std::vector<Rec> written = ProduceOurs("interop.py.zstd", SampleInputs(40), "zstd");
  EXPECT_EQ(ReadKafkaPython("interop.py.zstd", written.size()), written);
}

TEST_F(InteropTest, KafkaPythonReadsWhatOurProducerWroteWithGzip) {
  const std::string missing = testutil::KafkaPythonMissing(/*with_zstd=*/false);
  ASSERT_TRUE(missing.empty()) << missing;
  ASSERT_TRUE(cluster_->CreateTopic("interop.py.gzip", 3).ok());
  const std::vector<Rec> written = ProduceOurs("interop.py.gzip", SampleInputs(25), "gzip");
  EXPECT_EQ(ReadKafkaPython("interop.py.gzip", written.size()), written);
}

TEST_F(InteropTest, OurConsumerReadsWhatKcatWrote) {
  std::string why;
  const std::string kcat = testutil::KcatOrWhy(&why);
  ASSERT_FALSE(kcat.empty()) << why;
  ASSERT_TRUE(cluster_->CreateTopic("interop.from.kcat", 3).ok());
  std::string input;
  std::multiset<std::pair<std::string, std::string>> expected;
  for (const Input& in : SampleInputs(50)) {
    input += in.key + "\t" + in.value + "\n";
    expected.insert({in.key, in.value});
  }
  testutil::CommandResult r = RunCommand({kcat, "-P", "-b", bootstrap_, "-t", "interop.from.kcat",
                                          "-K", "\t", "-z", "lz4", "-H", "origin=kcat"},
                                         input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<Rec> read = ReadOurs("interop.from.kcat");
  std::multiset<std::pair<std::string, std::string>> got;
  for (const Rec& rec : read) {
    got.insert({rec.key, rec.value});
    EXPECT_EQ(rec.headers, (std::vector<Header>{{"origin", "kcat"}})) << rec;
  }
  EXPECT_EQ(got, expected);
  // Offsets are dense per partition: nothing skipped.
  std::map<int32_t, int64_t> next;
  for (const Rec& rec : read) EXPECT_EQ(rec.offset, next[rec.partition]++) << rec;
}

TEST_F(InteropTest, OurConsumerReadsWhatKafkaPythonWrote) {
  for (const std::string compression : {"gzip", "zstd", "none"}) {
    SCOPED_TRACE(compression);
    const std::string missing = testutil::KafkaPythonMissing(compression == "zstd");
    ASSERT_TRUE(missing.empty()) << missing;
    const std::string topic = "interop.from.py." + compression;
    ASSERT_TRUE(cluster_->CreateTopic(topic, 3).ok());
    const std::vector<Input> inputs = SampleInputs(30);
    std::string input;
    for (const Input& in : inputs) {
      nlohmann::json j;
      // Base64 through the python side keeps arbitrary bytes exact.
      j["key_b64"] = Base64Encode(in.key);
      j["value_b64"] = Base64Encode(in.value);
      if (in.partition) j["partition"] = *in.partition;
      nlohmann::json headers = nlohmann::json::array();
      for (const Header& h : in.headers) headers.push_back({h.key, Base64Encode(h.value)});
      j["headers"] = headers;
      input += j.dump() + "\n";
    }
    testutil::CommandResult r = RunCommand({"/usr/bin/python3", testutil::PythonClientPath(),
                                            "produce", bootstrap_, topic, compression},
                                           input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<Rec> written;
    std::istringstream lines(r.out);
    std::string line;
    for (const Input& in : inputs) {
      ASSERT_TRUE(std::getline(lines, line)) << r.out;
      const nlohmann::json md = nlohmann::json::parse(line);
      written.push_back({md["partition"].get<int32_t>(), md["offset"].get<int64_t>(), in.key,
                         in.value, in.headers});
    }
    std::sort(written.begin(), written.end());
    EXPECT_EQ(ReadOurs(topic), written);
  }
}

// Member-keyed partitioning must not depend on which client wrote a record: our producer
// hashes keys like the Java client and kafka-python (murmur2).
TEST_F(InteropTest, KeysLandOnTheSamePartitionAsWithKafkaPython) {
  const std::string missing = testutil::KafkaPythonMissing(false);
  ASSERT_TRUE(missing.empty()) << missing;
  ASSERT_TRUE(cluster_->CreateTopic("keys.ours", 8).ok());
  ASSERT_TRUE(cluster_->CreateTopic("keys.py", 8).ok());
  std::vector<Input> inputs = SampleInputs(64);
  for (Input& in : inputs) in.partition.reset();
  const std::vector<Rec> ours = ProduceOurs("keys.ours", inputs, "zstd");
  std::string script_input;
  for (const Input& in : inputs) {
    nlohmann::json j;
    j["key_b64"] = Base64Encode(in.key);
    j["value_b64"] = Base64Encode(in.value);
    script_input += j.dump() + "\n";
  }
  testutil::CommandResult r = RunCommand(
      {"/usr/bin/python3", testutil::PythonClientPath(), "produce", bootstrap_, "keys.py", "none"},
      script_input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, int32_t> ours_by_key;
  for (const Rec& rec : ours) ours_by_key[rec.key] = rec.partition;
  std::istringstream lines(r.out);
  std::string line;
  std::set<int32_t> used;
  for (const Input& in : inputs) {
    ASSERT_TRUE(std::getline(lines, line));
    const int32_t py_partition = nlohmann::json::parse(line)["partition"].get<int32_t>();
    EXPECT_EQ(ours_by_key[in.key], py_partition) << in.key;
    used.insert(py_partition);
  }
  EXPECT_GT(used.size(), 4u) << "keys should spread over partitions";
}

}  // namespace
}  // namespace vbp::kafka
