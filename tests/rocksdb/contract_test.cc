// The StateStore contract (engine/core/ports.h), run against the in-memory fake and the RocksDB
// adapter alike: the adapter must behave exactly like the fake for every operation.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "connectors/rocksdb/rocksdb_state_store.h"
#include "engine/core/memory_state_store.h"
#include "tests/rocksdb/test_support.h"

namespace vbp {
namespace {

using rocksdb_test::TempDir;

struct MemoryFixture {
  static constexpr bool kPersistent = false;
  MemoryFixture() : store(std::make_unique<MemoryStateStore>()) {}
  StateStore& get() { return *store; }
  Status Reopen() { return Status::Ok(); }
  std::unique_ptr<MemoryStateStore> store;
};

struct RocksFixture {
  static constexpr bool kPersistent = true;
  RocksFixture() {
    auto opened = RocksDbStateStore::Open(dir.Sub("state"), Options());
    VBP_CHECK_MSG(opened.ok(), opened.status().ToString().c_str());
    store = std::move(opened).value();
  }
  static RocksDbOptions Options() {
    RocksDbOptions o;
    o.block_cache_mb = 8;
    o.write_buffer_mb = 4;
    o.write_buffer_total_mb = 32;
    return o;
  }
  StateStore& get() { return *store; }
  Status Reopen() {
    VBP_RETURN_IF_ERROR(store->Close());
    store.reset();
    auto opened = RocksDbStateStore::Open(dir.Sub("state"), Options());
    if (!opened.ok()) return opened.status();
    store = std::move(opened).value();
    return Status::Ok();
  }
  TempDir dir;
  std::unique_ptr<RocksDbStateStore> store;
};

template <typename F>
class StateStoreContractTest : public ::testing::Test {
 protected:
  StateStore& store() { return f_.get(); }

  std::optional<std::string> GetOk(Space s, std::string_view key) {
    auto r = store().Get(s, key);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::nullopt;
  }

  std::vector<std::string> ScanKeys(Space s, std::string_view prefix) {
    std::vector<std::string> keys;
    Status st = store().Scan(s, prefix, [&](std::string_view k, std::string_view) {
      keys.emplace_back(k);
      return true;
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return keys;
  }

  void CommitOk(const StateStore::Batch& b, bool sync = false) {
    Status st = store().Commit(b, sync);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  F f_;
};

class FixtureNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return T::kPersistent ? "RocksDb" : "Memory";
  }
};

using Fixtures = ::testing::Types<MemoryFixture, RocksFixture>;
TYPED_TEST_SUITE(StateStoreContractTest, Fixtures, FixtureNames);

TYPED_TEST(StateStoreContractTest, GetOfAMissingKeyIsEmptyNotAnError) {
  EXPECT_EQ(this->GetOk(Space::kClaims, "absent"), std::nullopt);
  EXPECT_EQ(this->GetOk(Space::kClaims, ""), std::nullopt);
}

TYPED_TEST(StateStoreContractTest, PutThenGetReturnsTheValue) {
  StateStore::Batch b;
  b.Put(Space::kClaims, "k1", "v1");
  b.Put(Space::kClaims, std::string("\0\xff", 2), std::string("\0v\0", 3));
  b.Put(Space::kClaims, "empty", "");
  this->CommitOk(b);
  EXPECT_EQ(this->GetOk(Space::kClaims, "k1"), "v1");
  EXPECT_EQ(this->GetOk(Space::kClaims, std::string("\0\xff", 2)), std::string("\0v\0", 3));
  EXPECT_EQ(this->GetOk(Space::kClaims, "empty"), "");
}

TYPED_TEST(StateStoreContractTest, TheSameKeyInTwoSpacesIsTwoKeys) {
  StateStore::Batch b;
  b.Put(Space::kMembers, "k", "member");
  b.Put(Space::kResults, "k", "result");
  this->CommitOk(b);
  EXPECT_EQ(this->GetOk(Space::kMembers, "k"), "member");
  EXPECT_EQ(this->GetOk(Space::kResults, "k"), "result");
  EXPECT_EQ(this->GetOk(Space::kClaims, "k"), std::nullopt);
}

TYPED_TEST(StateStoreContractTest, DeleteRemovesAKeyAndDeletingAMissingKeyIsHarmless) {
  StateStore::Batch put;
  put.Put(Space::kParts, "a", "1");
  put.Put(Space::kParts, "b", "2");
  this->CommitOk(put);
  StateStore::Batch del;
  del.Delete(Space::kParts, "a");
  del.Delete(Space::kParts, "never-written");
  this->CommitOk(del);
  EXPECT_EQ(this->GetOk(Space::kParts, "a"), std::nullopt);
  EXPECT_EQ(this->GetOk(Space::kParts, "b"), "2");
  EXPECT_EQ(this->ScanKeys(Space::kParts, ""), (std::vector<std::string>{"b"}));
}

TYPED_TEST(StateStoreContractTest, OperationsOnOneKeyApplyInBatchOrder) {
  StateStore::Batch b;
  b.Put(Space::kClaims, "put-put", "first");
  b.Put(Space::kClaims, "put-put", "second");
  b.Put(Space::kClaims, "put-delete", "x");
  b.Delete(Space::kClaims, "put-delete");
  b.Delete(Space::kClaims, "delete-put");
  b.Put(Space::kClaims, "delete-put", "back");
  this->CommitOk(b);
  EXPECT_EQ(this->GetOk(Space::kClaims, "put-put"), "second");
  EXPECT_EQ(this->GetOk(Space::kClaims, "put-delete"), std::nullopt);
  EXPECT_EQ(this->GetOk(Space::kClaims, "delete-put"), "back");

  StateStore::Batch overwrite;
  overwrite.Put(Space::kClaims, "put-put", "third");
  this->CommitOk(overwrite);
  EXPECT_EQ(this->GetOk(Space::kClaims, "put-put"), "third");
}

TYPED_TEST(StateStoreContractTest, ABatchOverEverySpaceLandsWhole) {
  StateStore::Batch b;
  for (int i = 0; i < kSpaceCount; ++i) {
    b.Put(static_cast<Space>(i), "key-" + std::to_string(i), "value-" + std::to_string(i));
  }
  this->CommitOk(b, /*sync=*/true);
  for (int i = 0; i < kSpaceCount; ++i) {
    EXPECT_EQ(this->GetOk(static_cast<Space>(i), "key-" + std::to_string(i)),
              "value-" + std::to_string(i))
        << SpaceName(static_cast<Space>(i));
  }
}

// CommitParts is Commit of the parts' concatenation: one atomic batch, later parts winning
// on a shared key, empty parts ignored.
TYPED_TEST(StateStoreContractTest, CommitPartsIsCommitOfThePartsInOrder) {
  StateStore::Batch before;
  before.Put(Space::kClaims, "deleted-by-part-b", "old");
  this->CommitOk(before);

  StateStore::Batch a;
  a.Put(Space::kClaims, "shared", "from-a");
  a.Put(Space::kHistory, "only-a", "1");
  a.Put(Space::kClaims, "put-then-deleted", "x");
  StateStore::Batch empty;
  StateStore::Batch b;
  b.Put(Space::kClaims, "shared", "from-b");
  b.Delete(Space::kClaims, "deleted-by-part-b");
  b.Delete(Space::kClaims, "put-then-deleted");
  b.Put(Space::kOffsets, "p0", "41");
  StateStore::Batch c;
  c.Put(Space::kOffsets, "p0", "42");
  Status st = this->store().CommitParts({&a, &empty, &b, &c}, /*sync=*/false);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(this->GetOk(Space::kClaims, "shared"), "from-b");
  EXPECT_EQ(this->GetOk(Space::kHistory, "only-a"), "1");
  EXPECT_EQ(this->GetOk(Space::kClaims, "deleted-by-part-b"), std::nullopt);
  EXPECT_EQ(this->GetOk(Space::kClaims, "put-then-deleted"), std::nullopt);
  EXPECT_EQ(this->GetOk(Space::kOffsets, "p0"), "42");
  EXPECT_EQ(this->ScanKeys(Space::kClaims, ""), (std::vector<std::string>{"shared"}));

  // Only empty parts, or none: nothing changes, with or without sync.
  ASSERT_TRUE(this->store().CommitParts({&empty}, true).ok());
  ASSERT_TRUE(this->store().CommitParts({}, false).ok());
  EXPECT_EQ(this->GetOk(Space::kOffsets, "p0"), "42");
  if constexpr (TypeParam::kPersistent) {
    ASSERT_TRUE(this->f_.Reopen().ok());
    EXPECT_EQ(this->GetOk(Space::kClaims, "shared"), "from-b");
    EXPECT_EQ(this->GetOk(Space::kOffsets, "p0"), "42");
  }
}

// A failing CommitParts lands none of its parts (the fault-injecting wrapper fails the
// whole commit).
TYPED_TEST(StateStoreContractTest, AFailedCommitPartsLandsNoPart) {
  FaultyStateStore faulty(&this->store(), /*fail_at=*/2);
  StateStore::Batch a;
  a.Put(Space::kOffsets, "p0", "1");
  ASSERT_TRUE(faulty.CommitParts({&a}, false).ok());
  StateStore::Batch b;
  b.Put(Space::kOffsets, "p0", "2");
  StateStore::Batch c;
  c.Put(Space::kClaims, "c2", "x");
  EXPECT_EQ(faulty.CommitParts({&b, &c}, false).code(), StatusCode::kIoError);
  EXPECT_EQ(this->GetOk(Space::kOffsets, "p0"), "1");
  EXPECT_EQ(this->GetOk(Space::kClaims, "c2"), std::nullopt);
}

TYPED_TEST(StateStoreContractTest, AnEmptyBatchCommitsWithOrWithoutSync) {
  StateStore::Batch empty;
  this->CommitOk(empty, false);
  this->CommitOk(empty, true);
  EXPECT_EQ(this->ScanKeys(Space::kClaims, ""), std::vector<std::string>{});
}

TYPED_TEST(StateStoreContractTest, LargeValuesRoundTrip) {
  std::string big(3 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 % 251);
  StateStore::Batch b;
  b.Put(Space::kHistory, "big", big);
  this->CommitOk(b);
  EXPECT_EQ(this->GetOk(Space::kHistory, "big"), big);
}

// Keys chosen to sit on every edge of a prefix range: 0x00 and 0xFF bytes, a prefix ending in
// 0xFF (whose successor must carry), an all-0xFF prefix (no successor), the empty key.
const std::vector<std::string>& EdgeKeys() {
  static const std::vector<std::string> keys = {
      std::string(""),           std::string("\0", 1),       std::string("\0\0", 2),
      std::string("\0\xff", 2),  std::string("\x01"),        std::string("a"),
      std::string("a\0", 2),     std::string("a\0\0", 3),    std::string("a\x7f"),
      std::string("a\x80"),      std::string("a\xfe\xff"),   std::string("a\xff"),
      std::string("a\xff\0", 3), std::string("a\xff\xff"),   std::string("a\xff\xff\xff"),
      std::string("ab"),         std::string("b"),           std::string("b\0", 2),
      std::string("\x7f"),       std::string("\x80"),        std::string("\xfe"),
      std::string("\xfe\xff"),   std::string("\xff"),        std::string("\xff\0", 2),
      std::string("\xff\xff"),   std::string("\xff\xff\xff")};
  return keys;
}

// What a scan must return: the keys with the prefix, in unsigned byte order (std::string
// compares as unsigned char).
std::vector<std::string> Expected(const std::set<std::string>& keys, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& k : keys) {
    if (k.compare(0, prefix.size(), prefix) == 0) out.push_back(k);
  }
  return out;
}

TYPED_TEST(StateStoreContractTest, ScanVisitsThePrefixInUnsignedByteOrderAtEveryEdge) {
  StateStore::Batch b;
  // Write in reverse so nothing depends on insertion order.
  for (auto it = EdgeKeys().rbegin(); it != EdgeKeys().rend(); ++it) {
    b.Put(Space::kMemberClaims, *it, "v" + *it);
  }
  // Neighbouring spaces hold keys that must never leak into the scan.
  b.Put(Space::kMembers, "a", "other space");
  b.Put(Space::kClaims, "a\xff", "other space");
  this->CommitOk(b);
  const std::set<std::string> keys(EdgeKeys().begin(), EdgeKeys().end());
  std::vector<std::string> prefixes = EdgeKeys();
  prefixes.push_back("c");  // matches nothing
  prefixes.push_back(std::string("a\xff\xff\xff\xff"));
  for (const auto& prefix : prefixes) {
    EXPECT_EQ(this->ScanKeys(Space::kMemberClaims, prefix), Expected(keys, prefix))
        << "prefix " << rocksdb_test::Printable(prefix);
  }
  // A prefix ending in 0xff stops before the next key up ("b").
  EXPECT_EQ(
      this->ScanKeys(Space::kMemberClaims, "a\xff"),
      (std::vector<std::string>{"a\xff", std::string("a\xff\0", 3), "a\xff\xff", "a\xff\xff\xff"}));
  // Values travel with their keys.
  std::vector<std::pair<std::string, std::string>> seen;
  ASSERT_TRUE(this->store()
                  .Scan(Space::kMemberClaims, "\xff",
                        [&](std::string_view k, std::string_view v) {
                          seen.emplace_back(k, v);
                          return true;
                        })
                  .ok());
  ASSERT_EQ(seen.size(), 4u);
  for (const auto& [k, v] : seen) EXPECT_EQ(v, "v" + k);
}

TYPED_TEST(StateStoreContractTest, ScanStopsWhenTheVisitorSaysSo) {
  StateStore::Batch b;
  for (char c = 'a'; c <= 'j'; ++c) b.Put(Space::kRevisions, std::string("r") + c, "");
  this->CommitOk(b);
  std::vector<std::string> seen;
  Status st = this->store().Scan(Space::kRevisions, "r", [&](std::string_view k, std::string_view) {
    seen.emplace_back(k);
    return seen.size() < 3;
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(seen, (std::vector<std::string>{"ra", "rb", "rc"}));
}

// Random binary keys over an alphabet of edge bytes, random prefixes, compared with a model.
TYPED_TEST(StateStoreContractTest, RandomBinaryKeysScanLikeTheModel) {
  const uint64_t seed = 20240611;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  const std::string alphabet("\x00\x01\x61\x7f\x80\xfe\xff", 7);
  auto random_bytes = [&](int max_len) {
    std::string s(rng() % static_cast<uint64_t>(max_len + 1), '\0');
    for (auto& c : s) c = alphabet[rng() % alphabet.size()];
    return s;
  };
  std::map<std::string, std::string> model;
  for (int round = 0; round < 20; ++round) {
    StateStore::Batch b;
    for (int i = 0; i < 50; ++i) {
      std::string k = random_bytes(5);
      if (rng() % 4 == 0) {
        model.erase(k);
        b.Delete(Space::kHistory, k);
      } else {
        std::string v = random_bytes(8);
        model[k] = v;
        b.Put(Space::kHistory, k, v);
      }
    }
    this->CommitOk(b);
    for (int q = 0; q < 20; ++q) {
      const std::string prefix = random_bytes(3);
      std::vector<std::pair<std::string, std::string>> want;
      for (const auto& [k, v] : model) {
        if (k.compare(0, prefix.size(), prefix) == 0) want.emplace_back(k, v);
      }
      std::vector<std::pair<std::string, std::string>> got;
      ASSERT_TRUE(this->store()
                      .Scan(Space::kHistory, prefix,
                            [&](std::string_view k, std::string_view v) {
                              got.emplace_back(k, v);
                              return true;
                            })
                      .ok());
      ASSERT_EQ(got, want) << "round " << round << " prefix " << rocksdb_test::Printable(prefix);
    }
  }
}

TYPED_TEST(StateStoreContractTest, CommittedBatchesSurviveAReopen) {
  if constexpr (!TypeParam::kPersistent) GTEST_SKIP() << "the in-memory store has no reopen";
  StateStore::Batch b;
  b.Put(Space::kOffsets, "claims[0]", "41");
  b.Put(Space::kClaims, std::string("\0c", 2), "claim");
  b.Put(Space::kClaims, "gone", "x");
  this->CommitOk(b, /*sync=*/false);
  StateStore::Batch d;
  d.Delete(Space::kClaims, "gone");
  d.Put(Space::kOffsets, "claims[0]", "42");
  this->CommitOk(d, /*sync=*/true);
  ASSERT_TRUE(this->f_.Reopen().ok());
  EXPECT_EQ(this->GetOk(Space::kOffsets, "claims[0]"), "42");
  EXPECT_EQ(this->GetOk(Space::kClaims, std::string("\0c", 2)), "claim");
  EXPECT_EQ(this->GetOk(Space::kClaims, "gone"), std::nullopt);
  EXPECT_EQ(this->GetOk(Space::kMeta, RocksDbStateStore::kSchemaVersionKey),
            std::string(RocksDbStateStore::kSchemaVersion));
}

// The fault-injecting wrapper: from the failing commit on, nothing lands in the inner store
// (and, for RocksDB, nothing appears after a reopen either).
TYPED_TEST(StateStoreContractTest, CommitsAfterAnInjectedFailureNeverLand) {
  FaultyStateStore faulty(&this->store(), /*fail_at=*/3);
  for (int i = 1; i <= 5; ++i) {
    StateStore::Batch b;
    b.Put(Space::kOffsets, "p0", std::to_string(i));
    b.Put(Space::kClaims, "c" + std::to_string(i), "x");
    Status st = faulty.Commit(b, /*sync=*/i % 2 == 0);
    if (i < 3) {
      EXPECT_TRUE(st.ok()) << i << ": " << st.ToString();
    } else {
      EXPECT_EQ(st.code(), StatusCode::kIoError) << i;
    }
  }
  EXPECT_TRUE(faulty.crashed());
  auto check = [&] {
    EXPECT_EQ(this->GetOk(Space::kOffsets, "p0"), "2");
    EXPECT_EQ(this->ScanKeys(Space::kClaims, "c"), (std::vector<std::string>{"c1", "c2"}));
  };
  check();
  if constexpr (TypeParam::kPersistent) {
    ASSERT_TRUE(this->f_.Reopen().ok());
    check();
  }
}

TYPED_TEST(StateStoreContractTest, ApproximateBytesGrowsWithData) {
  const uint64_t before = this->store().ApproximateBytes();
  StateStore::Batch b;
  for (int i = 0; i < 1000; ++i)
    b.Put(Space::kHistory, "h" + std::to_string(i), std::string(100, 'x'));
  this->CommitOk(b);
  EXPECT_GT(this->store().ApproximateBytes(), before);
}

}  // namespace
}  // namespace vbp
