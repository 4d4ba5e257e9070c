// Consumer-group mode: two members split the partitions; when one leaves, the survivor gets
// them all. Start offsets come from the engine's store (a map here) through on_assigned, so
// that across the rebalances every record is read exactly once.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>

#include "connectors/kafka/consumer.h"
#include "connectors/kafka/mock_cluster.h"
#include "connectors/kafka/producer.h"
#include "tests/kafka/test_support.h"

namespace vbp::kafka {
namespace {

constexpr int kPartitions = 4;
constexpr int kRecords = 400;

// What the engine would keep in RocksDB next to its state: the next offset per partition.
using OffsetStore = std::map<TopicPartition, int64_t>;

struct Member {
  std::string name;
  std::unique_ptr<Consumer> consumer;
  std::vector<std::vector<TopicPartitionOffset>> assigned_events;
  std::vector<std::vector<TopicPartition>> revoked_events;
};

class GroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<MockCluster>> c = MockCluster::Start({});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(c).value();
    ASSERT_TRUE(cluster_->CreateTopic("group.claims", kPartitions).ok());
    Result<std::unique_ptr<Producer>> p =
        Producer::Create({{{"bootstrap.servers", cluster_->bootstrap_servers()}}, nullptr});
    ASSERT_TRUE(p.ok());
    for (int i = 0; i < kRecords; ++i) {
      ASSERT_TRUE(
          (*p)->Produce("group.claims", "M" + std::to_string(i % 97), "claim " + std::to_string(i))
              .ok());
    }
    ASSERT_TRUE((*p)->Flush(testutil::kDeadlineMs).ok());
  }

  void Join(Member* m) {
    Result<std::unique_ptr<Consumer>> c =
        Consumer::Create({{"bootstrap.servers", cluster_->bootstrap_servers()},
                          {"group.id", "vbp-engine"},
                          {"client.id", m->name},
                          // Short sessions: the mock waits session.timeout.ms - 1 s for all
                          // members to rejoin before it completes a rebalance.
                          {"session.timeout.ms", "6000"},
                          {"heartbeat.interval.ms", "300"}});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    m->consumer = std::move(c).value();
    RebalanceHandlers h;
    h.on_assigned = [this, m](std::vector<TopicPartitionOffset>& parts) {
      for (TopicPartitionOffset& p : parts) {
        auto it = store_.find({p.topic, p.partition});
        p.next_offset = it == store_.end() ? kOffsetBeginning : it->second;
      }
      m->assigned_events.push_back(parts);
      return Status::Ok();
    };
    h.on_revoked = [m](const std::vector<TopicPartition>& parts) {
      m->revoked_events.push_back(parts);
    };
    ASSERT_TRUE(m->consumer->Subscribe({"group.claims"}, h).ok());
  }

  // One poll of `m`: applies records (here: remembers them and advances the store).
  void PollOnce(Member* m) {
    Result<MessageBatch> b = m->consumer->PollBatch(50, 50);
    ASSERT_TRUE(b.ok()) << m->name << ": " << b.status().ToString();
    std::set<TopicPartition> owned;
    for (const TopicPartition& tp : m->consumer->Assignment()) owned.insert(tp);
    for (const MessageView& v : *b) {
      TopicPartition tp{std::string(v.topic), v.partition};
      ASSERT_TRUE(owned.count(tp)) << m->name << " got a record of a partition it does not own";
      int64_t& next = store_[tp];
      ASSERT_EQ(v.offset, next) << m->name << " " << tp.ToString() << ": gap or duplicate";
      next = v.offset + 1;
      ++reads_[{tp, v.offset}];
    }
  }

  template <typename Pred>
  bool PollUntil(const std::vector<Member*>& members, Pred done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (std::chrono::steady_clock::now() < deadline) {
      for (Member* m : members) {
        PollOnce(m);
        if (::testing::Test::HasFatalFailure()) return false;
      }
      if (done()) return true;
    }
    return false;
  }

  std::unique_ptr<MockCluster> cluster_;
  OffsetStore store_;
  std::map<std::pair<TopicPartition, int64_t>, int> reads_;
};

std::set<int32_t> Partitions(const Consumer& c) {
  std::set<int32_t> out;
  for (const TopicPartition& tp : c.Assignment()) out.insert(tp.partition);
  return out;
}

TEST_F(GroupTest, TwoMembersSplitPartitionsAndTheSurvivorTakesAllWhenOneLeaves) {
  Member a{"member-a"}, b{"member-b"};
  Join(&a);
  ASSERT_TRUE(PollUntil({&a}, [&] { return a.consumer->Assignment().size() == kPartitions; }))
      << "member-a never got the " << kPartitions << " partitions";
  ASSERT_EQ(a.assigned_events.size(), 1u);

  Join(&b);
  ASSERT_TRUE(PollUntil({&a, &b}, [&] {
    const std::set<int32_t> pa = Partitions(*a.consumer), pb = Partitions(*b.consumer);
    std::set<int32_t> all(pa);
    all.insert(pb.begin(), pb.end());
    return pa.size() == kPartitions / 2 && pb.size() == kPartitions / 2 &&
           all.size() == kPartitions;
  })) << "the two members never split the partitions";
  EXPECT_GE(a.revoked_events.size(), 1u) << "eager rebalance revokes member-a's partitions first";
  EXPECT_GE(b.assigned_events.size(), 1u);

  // member-b leaves cleanly: its partitions are revoked (callback) and go to member-a, which
  // resumes them from the offsets member-b stored.
  const size_t b_revoked_before = b.revoked_events.size();
  ASSERT_TRUE(b.consumer->Close().ok());
  EXPECT_EQ(b.revoked_events.size(), b_revoked_before + 1) << "Close() must run on_revoked";
  const size_t a_assigned_before = a.assigned_events.size();
  ASSERT_TRUE(PollUntil({&a}, [&] { return a.consumer->Assignment().size() == kPartitions; }))
      << "member-a never took over member-b's partitions";
  EXPECT_GT(a.assigned_events.size(), a_assigned_before);

  ASSERT_TRUE(PollUntil({&a}, [&] { return a.consumer->CaughtUp(); }));
  // Every record exactly once, across both members and three rebalances.
  EXPECT_EQ(reads_.size(), static_cast<size_t>(kRecords));
  for (const auto& [where, n] : reads_) {
    EXPECT_EQ(n, 1) << where.first.ToString() << "@" << where.second;
  }
  ASSERT_TRUE(a.consumer->Close().ok());
}

}  // namespace
}  // namespace vbp::kafka
