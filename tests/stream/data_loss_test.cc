// Input deleted before the engine applied it is data loss: `vbp run` stops with a nonzero exit
// and a message naming the partition, never skips to the log start. The mock broker deletes the
// oldest record batches of a partition past 5 MiB (connectors/kafka/README.md), like retention.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "connectors/kafka/consumer.h"
#include "connectors/kafka/producer.h"
#include "connectors/kafka/synthetic_load.h"
#include "tests/stream/stream_support.h"

namespace vbp::stream::testutil {
namespace {

constexpr int kPartitions = 2;
// 12 000 claims of 557 B uncompressed: 6.7 MB into one partition, over the mock's 5 MiB.
constexpr uint64_t kBigRecords = 12000;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Claim-shaped records into vbp.claims partition 0, uncompressed so that the bytes count.
void ProduceIntoPartitionZero(const std::string& bootstrap, uint64_t first, uint64_t count) {
  kafka::ProducerOptions options;
  options.config = {{"bootstrap.servers", bootstrap}, {"compression.type", "none"}};
  auto p = kafka::Producer::Create(options);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  for (uint64_t i = first; i < first + count; ++i) {
    const std::string value = kafka::SyntheticClaimJson(i, kafka::kClaimRecordBytes, 1000);
    ASSERT_TRUE((*p)->Produce("vbp.claims", KeyOf(value, "member_id"), value, {}, 0).ok());
  }
  const Status st = (*p)->Flush(kafka::testutil::kDeadlineMs);
  ASSERT_TRUE(st.ok()) << st.ToString();
}

kafka::Watermarks PartitionZero(const std::string& bootstrap) {
  auto c = kafka::Consumer::Create({{"bootstrap.servers", bootstrap}});
  EXPECT_TRUE(c.ok());
  if (!c.ok()) return {};
  auto w = (*c)->QueryWatermarks("vbp.claims", 0);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  return w.ok() ? *w : kafka::Watermarks{};
}

void ExpectDataLossReported(const CommandResult& r) {
  EXPECT_NE(r.exit_code, 0) << "vbp run must not succeed over a truncated log:\n" << r.err;
  EXPECT_NE(Lower(r.err).find("data loss"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("vbp.claims[0]"), std::string::npos) << "names the partition:\n" << r.err;
}

TEST(StreamDataLossTest, LogTruncatedBeforeTheFirstRunStopsTheEngine) {
  TestDir dir;
  std::unique_ptr<Broker> broker = Broker::Start(dir, kPartitions);
  ASSERT_NE(broker, nullptr);
  const std::string& b = broker->bootstrap();
  ProduceIntoPartitionZero(b, 0, kBigRecords);
  ASSERT_FALSE(HasFailure());
  const kafka::Watermarks w = PartitionZero(b);
  ASSERT_GT(w.low, 0) << "precondition: the mock deleted the oldest batches";

  std::vector<std::string> args = RunArgs(b, dir / "state", "engine");
  args.push_back("--until-caught-up");
  const CommandResult r = RunVbp(args);
  ExpectDataLossReported(r);
  EXPECT_EQ(SumHighWatermarks(b, {"vbp.statements"}), 0) << "no statement from a partial log";
}

TEST(StreamDataLossTest, LogTruncatedPastTheStoredOffsetStopsTheRestart) {
  TestDir dir;
  std::unique_ptr<Broker> broker = Broker::Start(dir, kPartitions);
  ASSERT_NE(broker, nullptr);
  const std::string& b = broker->bootstrap();
  constexpr uint64_t kApplied = 500;
  ProduceIntoPartitionZero(b, 0, kApplied);
  RunUntilCaughtUp(b, dir / "state", "engine");
  ASSERT_FALSE(HasFailure());

  // While the engine is down, the log moves past its stored offset.
  ProduceIntoPartitionZero(b, kApplied, kBigRecords);
  ASSERT_FALSE(HasFailure());
  const kafka::Watermarks w = PartitionZero(b);
  ASSERT_GT(w.low, static_cast<int64_t>(kApplied)) << "precondition: records after the stored "
                                                      "offset were deleted";
  std::vector<std::string> args = RunArgs(b, dir / "state", "engine");
  args.push_back("--until-caught-up");
  const CommandResult r = RunVbp(args);
  ExpectDataLossReported(r);
  EXPECT_NE(r.err.find("stored next offset is " + std::to_string(kApplied)), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace vbp::stream::testutil
