#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/core/ports.h"

namespace vbp {
namespace {

std::vector<std::string> Describe(const StateStore::Batch& b) {
  std::vector<std::string> out;
  for (const auto& op : b.ops()) {
    out.push_back(std::string(SpaceName(op.space)) + (op.is_delete ? " del " : " put ") +
                  std::string(op.key) + "=" + std::string(op.value));
  }
  return out;
}

TEST(StateBatchTest, OperationsReadBackInOrderAndAppendKeepsBothOrders) {
  StateStore::Batch a;
  a.Put(Space::kClaims, "k1", "v1");
  a.Delete(Space::kResults, "gone");
  a.Put(Space::kHistory, std::string("bin\0key", 7), "");
  StateStore::Batch b;
  b.Put(Space::kOffsets, "o", "42");
  b.Delete(Space::kMeta, "m");
  EXPECT_EQ(a.size(), 3u);
  EXPECT_EQ(a.ByteSize(), 2u + 2u + 4u + 7u);
  a.Append(b);
  EXPECT_EQ(a.size(), 5u);
  EXPECT_EQ(Describe(a), (std::vector<std::string>{
                             "claims put k1=v1",
                             "results del gone=", "history put " + std::string("bin\0key", 7) + "=",
                             "offsets put o=42", "meta del m="}));
  EXPECT_EQ(a.ops().front().key, "k1");
  // The appended batch is unchanged.
  EXPECT_EQ(Describe(b), (std::vector<std::string>{"offsets put o=42", "meta del m="}));
  StateStore::Batch empty;
  a.Append(empty);
  EXPECT_EQ(a.size(), 5u);
  EXPECT_TRUE(empty.empty());
}

}  // namespace
}  // namespace vbp
