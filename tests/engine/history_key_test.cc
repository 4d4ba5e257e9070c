// History keys (engine/state/history_key.h): what HistoryKey writes, ParseHistoryKey reads back;
// keys sort by step first (arrival order), then by position; malformed keys are data loss.
#include "engine/state/history_key.h"

#include <gtest/gtest.h>

#include <string>

namespace vbp {
namespace {

InputMessage At(std::string_view topic, int32_t partition, int64_t offset) {
  InputMessage m;
  m.topic = topic;
  m.partition = partition;
  m.offset = offset;
  return m;
}

std::string ClaimKey(std::string_view id, uint8_t version) {
  std::string k(id);
  k.push_back('\0');
  k.append(7, '\0');
  k.push_back(static_cast<char>(version));
  return k;
}

TEST(HistoryKeyTest, WhatIsWrittenIsReadBack) {
  const std::string claim = ClaimKey("CLM-9", 3);
  const std::string k = HistoryKey(258, 'c', claim, At("vbp.claims", 7, 1'000'000'007));
  // u64 step, topic, \0, u32 partition, u64 offset, kind, key.
  EXPECT_EQ(k.size(), 8 + 10 + 1 + 4 + 8 + 1 + claim.size());
  EXPECT_EQ(k.substr(0, 8), std::string("\0\0\0\0\0\0\x01\x02", 8));
  auto p = ParseHistoryKey(k);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->step, 258u);
  EXPECT_EQ(p->topic, "vbp.claims");
  EXPECT_EQ(p->partition, 7);
  EXPECT_EQ(p->offset, 1'000'000'007);
  EXPECT_EQ(p->kind, 'c');
  EXPECT_EQ(p->key, claim);
  EXPECT_EQ(p->Group(), "CLM-9");
  EXPECT_EQ(p->ClaimVersion(), 3);
  EXPECT_EQ(HistoryClaimKey("CLM-9", 3), claim);

  // The parts are views into the key: it must outlive them.
  const std::string mk = HistoryKey(0, 'm', "M1", At("t", 0, 0));
  auto m = ParseHistoryKey(mk);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->Group(), "M1");
  const std::string xk = HistoryKey(5, 'x', "", At("vbp.members", 2, 9));
  auto x = ParseHistoryKey(xk);
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x->kind, 'x');
  EXPECT_EQ(x->Group(), "");
  EXPECT_EQ(x->offset, 9);
}

TEST(HistoryKeyTest, KeysSortByStepBeforePosition) {
  // A later step sorts after an earlier one whatever the topic, partition and offset.
  const std::string early = HistoryKey(1, 'c', ClaimKey("Z", 1), At("vbp.members", 31, 900));
  const std::string late = HistoryKey(2, 'c', ClaimKey("A", 1), At("vbp.claims", 0, 0));
  EXPECT_LT(early, late);
  // Within a step: topic, partition, then offset (not record id).
  EXPECT_LT(HistoryKey(4, 'm', "Z", At("vbp.members", 1, 5)),
            HistoryKey(4, 'm', "A", At("vbp.members", 1, 6)));
  EXPECT_LT(HistoryKey(4, 'm', "Z", At("vbp.members", 1, 500)),
            HistoryKey(4, 'm', "A", At("vbp.members", 2, 6)));
}

TEST(HistoryKeyTest, MalformedKeysAreDataLoss) {
  const std::string good = HistoryKey(1, 'c', ClaimKey("C1", 1), At("vbp.claims", 0, 4));
  for (const std::string& bad : {
           std::string(), good.substr(0, 12),                                   // cut in the topic
           std::string(8, '\0') + "vbp.claims",                                 // no terminator
           std::string(8, '\0') + std::string(1, '\0') + std::string(13, 'a'),  // empty topic
           HistoryKey(1, 'q', "C1", At("vbp.claims", 0, 4)),                    // unknown kind
           HistoryKey(1, 'c', "C1", At("vbp.claims", 0, 4)),                    // no version
           HistoryKey(1, 'm', "M", At("vbp.claims", -1, 4)),                    // negative
       }) {
    auto p = ParseHistoryKey(bad);
    EXPECT_FALSE(p.ok()) << bad.size();
    if (!p.ok()) {
      EXPECT_EQ(p.status().code(), StatusCode::kDataLoss);
    }
  }
  EXPECT_TRUE(ParseHistoryKey(good).ok());
}

}  // namespace
}  // namespace vbp
