// RocksDB-specific behaviour: opening and refusing directories, schema versions, read-only
// opens and their locking, checkpoints, corruption, option variants and status conversion.

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/statistics.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "connectors/rocksdb/rocksdb_internal.h"
#include "connectors/rocksdb/rocksdb_state_store.h"
#include "tests/rocksdb/test_support.h"

namespace vbp {
namespace {

namespace fs = std::filesystem;
using rocksdb_test::TempDir;

RocksDbOptions SmallOptions() {
  RocksDbOptions o;
  o.block_cache_mb = 8;
  o.write_buffer_mb = 4;
  o.write_buffer_total_mb = 32;
  return o;
}

std::unique_ptr<RocksDbStateStore> OpenOk(const std::string& dir,
                                          const RocksDbOptions& opts = SmallOptions()) {
  auto r = RocksDbStateStore::Open(dir, opts);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

std::unique_ptr<RocksDbStateStore> OpenReadOnlyOk(const std::string& dir) {
  auto r = RocksDbStateStore::OpenReadOnly(dir, SmallOptions());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

std::optional<std::string> GetOk(const StateStore& s, Space space, std::string_view key) {
  auto r = s.Get(space, key);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::nullopt;
}

void Put(StateStore& s, Space space, const std::string& k, const std::string& v,
         bool sync = false) {
  StateStore::Batch b;
  b.Put(space, k, v);
  Status st = s.Commit(b, sync);
  ASSERT_TRUE(st.ok()) << st.ToString();
}

// A raw RocksDB database with the given column families (besides "default"), for the tests of
// directories vbp did not write.
void MakeRawDb(const std::string& dir, const std::vector<std::string>& families,
               const std::vector<std::pair<std::string, std::string>>& meta = {}) {
  rocksdb::DBOptions o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfds = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()}};
  for (const auto& f : families) cfds.emplace_back(f, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(o, dir, cfds, &handles, &db).ok());
  for (const auto& [k, v] : meta) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[1], k, v).ok());  // meta comes first
  }
  for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  ASSERT_TRUE(db->Close().ok());
  delete db;
}

std::vector<std::string> AllFamilies() {
  std::vector<std::string> v;
  for (int i = 0; i < kSpaceCount; ++i) v.emplace_back(SpaceName(static_cast<Space>(i)));
  return v;
}

// ---- opening ------------------------------------------------------------------------------

TEST(RocksDbOpenTest, ANewDirectoryGetsEveryFamilyAndTheSchemaVersion) {
  TempDir tmp;
  const std::string dir = tmp.Sub("a/b/state");  // parents are created too
  {
    auto store = OpenOk(dir);
    ASSERT_NE(store, nullptr);
    EXPECT_FALSE(store->read_only());
    EXPECT_EQ(store->dir(), dir);
    EXPECT_EQ(GetOk(*store, Space::kMeta, "schema_version"), std::string(kStateSchemaVersion));
    ASSERT_TRUE(store->Close().ok());
    ASSERT_TRUE(store->Close().ok());  // idempotent
  }
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  for (const auto& f : AllFamilies()) {
    EXPECT_NE(std::find(names.begin(), names.end(), f), names.end()) << f;
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kSpaceCount) + 1);  // + "default"
}

TEST(RocksDbOpenTest, AnExistingEmptyDirectoryIsUsed) {
  TempDir tmp;
  auto store = OpenOk(tmp.path());
  ASSERT_NE(store, nullptr);
}

TEST(RocksDbOpenTest, ADirectoryWithOtherFilesIsRefused) {
  TempDir tmp;
  std::ofstream(tmp.Sub("notes.txt")) << "not a database";
  auto r = RocksDbStateStore::Open(tmp.path(), SmallOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("not a vbp state directory"), std::string::npos)
      << r.status().message();
  EXPECT_TRUE(fs::exists(tmp.Sub("notes.txt")));
  EXPECT_FALSE(fs::exists(tmp.Sub("CURRENT")));  // nothing was created
}

TEST(RocksDbOpenTest, AFileIsRefused) {
  TempDir tmp;
  std::ofstream(tmp.Sub("file")) << "x";
  auto r = RocksDbStateStore::Open(tmp.Sub("file"), SmallOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
}

TEST(RocksDbOpenTest, AnEmptyPathIsRefused) {
  auto r = RocksDbStateStore::Open("", SmallOptions());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(RocksDbOpenTest, ARocksDbDatabaseWithoutAMetaFamilyIsRefused) {
  TempDir tmp;
  MakeRawDb(tmp.path(), {"users"});
  auto r = RocksDbStateStore::Open(tmp.path(), SmallOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("not a vbp state directory"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(RocksDbStateStore::OpenReadOnly(tmp.path(), SmallOptions()).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(RocksDbOpenTest, UnknownFamiliesAreRefused) {
  TempDir tmp;
  auto families = AllFamilies();
  families.push_back("future_space");
  MakeRawDb(tmp.path(), families, {{"schema_version", std::string(kStateSchemaVersion)}});
  auto r = RocksDbStateStore::Open(tmp.path(), SmallOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("future_space"), std::string::npos) << r.status().message();
}

TEST(RocksDbOpenTest, AnotherSchemaVersionIsRefusedWithWhatToDo) {
  TempDir tmp;
  {
    auto store = OpenOk(tmp.path());
    ASSERT_NE(store, nullptr);
    Put(*store, Space::kMeta, "schema_version", "1", /*sync=*/true);
  }
  auto r = RocksDbStateStore::Open(tmp.path(), SmallOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("schema version \"1\""), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("new state directory"), std::string::npos);
  EXPECT_EQ(RocksDbStateStore::OpenReadOnly(tmp.path(), SmallOptions()).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(RocksDbOpenTest, AMissingFamilyOfThisSchemaIsDataLoss) {
  TempDir tmp;
  auto families = AllFamilies();
  families.erase(std::find(families.begin(), families.end(), "history"));
  MakeRawDb(tmp.path(), families, {{"schema_version", std::string(kStateSchemaVersion)}});
  auto r = RocksDbStateStore::Open(tmp.path(), SmallOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("history"), std::string::npos) << r.status().message();
}

TEST(RocksDbOpenTest, AMetaFamilyWithDataButNoSchemaVersionIsRefused) {
  TempDir tmp;
  MakeRawDb(tmp.path(), {"meta"}, {{"something", "else"}});
  auto r = RocksDbStateStore::Open(tmp.path(), SmallOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
}

TEST(RocksDbOpenTest, ARocksDbDatabaseWithDataOnlyInDefaultIsRefusedAndLeftAlone) {
  TempDir tmp;
  {
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, tmp.path(), &db).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "someone", "else's").ok());
    ASSERT_TRUE(db->Close().ok());
    delete db;
  }
  std::vector<std::string> before;
  for (const auto& e : fs::directory_iterator(tmp.path())) before.push_back(e.path().filename());
  std::sort(before.begin(), before.end());
  auto r = RocksDbStateStore::Open(tmp.path(), SmallOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("not a vbp state directory"), std::string::npos)
      << r.status().message();
  std::vector<std::string> after;
  for (const auto& e : fs::directory_iterator(tmp.path())) after.push_back(e.path().filename());
  std::sort(after.begin(), after.end());
  EXPECT_EQ(after, before);
}

// A creation interrupted after CURRENT but before the meta family existed: only "default".
TEST(RocksDbOpenTest, ACreationInterruptedBeforeTheMetaFamilyIsCompleted) {
  TempDir tmp;
  MakeRawDb(tmp.path(), {});
  auto store = OpenOk(tmp.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(GetOk(*store, Space::kMeta, "schema_version"), std::string(kStateSchemaVersion));
}

// A creation interrupted after some families existed but before the schema version landed
// leaves an empty database with a meta family: the next writer finishes the job.
TEST(RocksDbOpenTest, AnInterruptedCreationIsCompleted) {
  TempDir tmp;
  MakeRawDb(tmp.path(), {"meta", "offsets"});
  EXPECT_EQ(RocksDbStateStore::OpenReadOnly(tmp.path(), SmallOptions()).status().code(),
            StatusCode::kInvalidArgument);
  {
    auto store = OpenOk(tmp.path());
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(GetOk(*store, Space::kMeta, "schema_version"), std::string(kStateSchemaVersion));
    Put(*store, Space::kHistory, "h", "1");
  }
  auto store = OpenOk(tmp.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(GetOk(*store, Space::kHistory, "h"), "1");
}

// Killed inside DB::Open before CURRENT was written: RocksDB's own files, no data.
TEST(RocksDbOpenTest, ACreationInterruptedBeforeCurrentIsStartedAgain) {
  TempDir tmp;
  for (const char* f : {"LOCK", "LOG", "IDENTITY", "MANIFEST-000001", "000001.dbtmp"}) {
    std::ofstream(tmp.Sub(f)) << "";
  }
  auto store = OpenOk(tmp.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(GetOk(*store, Space::kMeta, "schema_version"), std::string(kStateSchemaVersion));
}

TEST(RocksDbOpenTest, RocksDbFilesWithDataButNoCurrentAreRefused) {
  for (const char* f : {"000005.sst", "000003.log"}) {
    TempDir tmp;
    std::ofstream(tmp.Sub("MANIFEST-000001")) << "";
    std::ofstream(tmp.Sub(f)) << "data";
    auto r = RocksDbStateStore::Open(tmp.path(), SmallOptions());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << f;
    EXPECT_FALSE(fs::exists(tmp.Sub("CURRENT")));
  }
}

TEST(RocksDbOpenTest, ASecondWriterIsRefusedByTheLock) {
  TempDir tmp;
  auto first = OpenOk(tmp.path());
  ASSERT_NE(first, nullptr);
  auto second = RocksDbStateStore::Open(tmp.path(), SmallOptions());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kIoError);
  EXPECT_NE(second.status().message().find("LOCK"), std::string::npos) << second.status().message();
  // The refused open left the first one working.
  Put(*first, Space::kClaims, "k", "v");
  EXPECT_EQ(GetOk(*first, Space::kClaims, "k"), "v");
}

TEST(RocksDbOpenTest, ReadOnlyOpenOfNothingIsNotFound) {
  TempDir tmp;
  EXPECT_EQ(RocksDbStateStore::OpenReadOnly(tmp.Sub("absent"), SmallOptions()).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(RocksDbStateStore::OpenReadOnly(tmp.path(), SmallOptions()).status().code(),
            StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(tmp.Sub("absent")));
}

// ---- read-only opens -----------------------------------------------------------------------

TEST(RocksDbReadOnlyTest, AReaderIsRefusedWhileAWriterHasTheDirectoryOpen) {
  TempDir tmp;
  auto writer = OpenOk(tmp.path());
  ASSERT_NE(writer, nullptr);
  Put(*writer, Space::kClaims, "a", "1");
  auto reader = RocksDbStateStore::OpenReadOnly(tmp.path(), SmallOptions());
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kUnavailable) << reader.status().ToString();
  EXPECT_NE(reader.status().message().find("checkpoint"), std::string::npos);
  // The refused reader released nothing of the writer's lock.
  EXPECT_EQ(RocksDbStateStore::Open(tmp.path(), SmallOptions()).status().code(),
            StatusCode::kIoError);
  Put(*writer, Space::kClaims, "b", "2");
  EXPECT_EQ(GetOk(*writer, Space::kClaims, "b"), "2");
}

TEST(RocksDbReadOnlyTest, ReadersShareTheDirectoryAndKeepWritersOut) {
  TempDir tmp;
  {
    auto writer = OpenOk(tmp.path());
    ASSERT_NE(writer, nullptr);
    Put(*writer, Space::kClaims, "a", "1");  // left in the write-ahead log
  }
  auto first = OpenReadOnlyOk(tmp.path());
  auto second = OpenReadOnlyOk(tmp.path());
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(first->read_only());
  EXPECT_EQ(GetOk(*first, Space::kClaims, "a"), "1");
  EXPECT_EQ(GetOk(*second, Space::kClaims, "a"), "1");
  auto writer = RocksDbStateStore::Open(tmp.path(), SmallOptions());
  EXPECT_EQ(writer.status().code(), StatusCode::kIoError) << writer.status().ToString();
  ASSERT_TRUE(first->Close().ok());
  EXPECT_EQ(RocksDbStateStore::Open(tmp.path(), SmallOptions()).status().code(),
            StatusCode::kIoError);  // the second reader still holds it
  ASSERT_TRUE(second->Close().ok());
  EXPECT_NE(OpenOk(tmp.path()), nullptr);
}

TEST(RocksDbReadOnlyTest, AReaderCannotWriteFlushOrCheckpoint) {
  TempDir tmp;
  { ASSERT_NE(OpenOk(tmp.Sub("state")), nullptr); }
  auto reader = OpenReadOnlyOk(tmp.Sub("state"));
  ASSERT_NE(reader, nullptr);
  StateStore::Batch b;
  b.Put(Space::kClaims, "k", "v");
  EXPECT_EQ(reader->Commit(b, false).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(reader->Flush().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(reader->Checkpoint(tmp.Sub("cp")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(GetOk(*reader, Space::kClaims, "k"), std::nullopt);
}

// Name, size and modification time of every file: what a reader must leave untouched.
std::map<std::string, std::pair<uintmax_t, fs::file_time_type>> Listing(const std::string& dir) {
  std::map<std::string, std::pair<uintmax_t, fs::file_time_type>> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    out[e.path().filename().string()] = {fs::file_size(e.path()), fs::last_write_time(e.path())};
  }
  return out;
}

TEST(RocksDbReadOnlyTest, AReaderChangesNoFile) {
  TempDir tmp;
  {
    auto writer = OpenOk(tmp.path());
    ASSERT_NE(writer, nullptr);
    Put(*writer, Space::kClaims, "a", "1");
  }
  const auto before = Listing(tmp.path());
  {
    auto reader = OpenReadOnlyOk(tmp.path());
    ASSERT_NE(reader, nullptr);
    EXPECT_EQ(GetOk(*reader, Space::kClaims, "a"), "1");
  }
  EXPECT_EQ(Listing(tmp.path()), before);
}

// ---- checkpoints --------------------------------------------------------------------------

TEST(RocksDbCheckpointTest, ACheckpointIsIndependentOfLaterWritesAndOpensReadOnly) {
  TempDir tmp;
  auto live = OpenOk(tmp.Sub("live"));
  ASSERT_NE(live, nullptr);
  StateStore::Batch before;
  before.Put(Space::kOffsets, "p0", "10");
  before.Put(Space::kClaims, "keep", "old");
  before.Put(Space::kClaims, "doomed", "x");
  ASSERT_TRUE(live->Commit(before, false).ok());
  Status st = live->Checkpoint(tmp.Sub("cp"));
  ASSERT_TRUE(st.ok()) << st.ToString();

  StateStore::Batch after;
  after.Put(Space::kOffsets, "p0", "11");
  after.Put(Space::kClaims, "keep", "new");
  after.Delete(Space::kClaims, "doomed");
  after.Put(Space::kHistory, "later", "y");
  ASSERT_TRUE(live->Commit(after, true).ok());
  ASSERT_TRUE(live->Flush().ok());  // even after the live files move on

  auto cp = OpenReadOnlyOk(tmp.Sub("cp"));
  ASSERT_NE(cp, nullptr);
  EXPECT_EQ(GetOk(*cp, Space::kOffsets, "p0"), "10");
  EXPECT_EQ(GetOk(*cp, Space::kClaims, "keep"), "old");
  EXPECT_EQ(GetOk(*cp, Space::kClaims, "doomed"), "x");
  EXPECT_EQ(GetOk(*cp, Space::kHistory, "later"), std::nullopt);
  EXPECT_EQ(GetOk(*cp, Space::kMeta, "schema_version"), std::string(kStateSchemaVersion));
  StateStore::Batch b;
  b.Put(Space::kClaims, "k", "v");
  EXPECT_EQ(cp->Commit(b, false).code(), StatusCode::kInvalidArgument);

  EXPECT_EQ(GetOk(*live, Space::kOffsets, "p0"), "11");
  EXPECT_EQ(GetOk(*live, Space::kClaims, "doomed"), std::nullopt);
}

TEST(RocksDbCheckpointTest, ACheckpointOpenedForWritingIsARestoreThatSharesNothing) {
  TempDir tmp;
  auto live = OpenOk(tmp.Sub("live"));
  ASSERT_NE(live, nullptr);
  Put(*live, Space::kClaims, "k", "v1");
  ASSERT_TRUE(live->Flush().ok());  // SST files are hard-linked into the checkpoint
  ASSERT_TRUE(live->Checkpoint(tmp.Sub("cp")).ok());
  auto restored = OpenOk(tmp.Sub("cp"));
  ASSERT_NE(restored, nullptr);
  Put(*restored, Space::kClaims, "k", "restored");
  ASSERT_TRUE(restored->Flush().ok());
  Put(*live, Space::kClaims, "k", "v2");
  EXPECT_EQ(GetOk(*restored, Space::kClaims, "k"), "restored");
  EXPECT_EQ(GetOk(*live, Space::kClaims, "k"), "v2");
}

TEST(RocksDbCheckpointTest, ACheckpointIntoAnExistingDirectoryFailsCleanly) {
  TempDir tmp;
  auto live = OpenOk(tmp.Sub("live"));
  ASSERT_NE(live, nullptr);
  fs::create_directory(tmp.Sub("taken"));
  std::ofstream(tmp.Sub("taken/keep.txt")) << "mine";
  Status st = live->Checkpoint(tmp.Sub("taken"));
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists) << st.ToString();
  EXPECT_TRUE(fs::exists(tmp.Sub("taken/keep.txt")));
  EXPECT_FALSE(fs::exists(tmp.Sub("taken/CURRENT")));
  // A second checkpoint to the same new path: the first wins, the second is refused.
  ASSERT_TRUE(live->Checkpoint(tmp.Sub("cp")).ok());
  EXPECT_EQ(live->Checkpoint(tmp.Sub("cp")).code(), StatusCode::kAlreadyExists);
  // A missing parent is an error, not a crash.
  EXPECT_FALSE(live->Checkpoint(tmp.Sub("no/such/parent")).ok());
}

// ---- corruption and durability ------------------------------------------------------------

// Issue 16 item 3: corruption is reported as corruption (not as lost input), names the family
// and says what to do; `vbp verify --storage` (VerifyStorage) finds it on demand although
// nothing reads the damaged family.
TEST(RocksDbCorruptionTest, ACorruptTableReadsAsCorruptionNamingTheFamilyAndTheRemedy) {
  TempDir tmp;
  RocksDbOptions opts = SmallOptions();
  opts.compression = RocksDbCompression::kNone;
  opts.bottommost_compression = RocksDbCompression::kNone;
  {
    auto store = OpenOk(tmp.path(), opts);
    ASSERT_NE(store, nullptr);
    StateStore::Batch b;
    for (int i = 0; i < 20000; ++i) {
      b.Put(Space::kHistory, rocksdb_test::Be32(static_cast<uint32_t>(i)), std::string(100, 'h'));
    }
    ASSERT_TRUE(store->Commit(b, true).ok());
    ASSERT_TRUE(store->Flush().ok());
  }
  // The biggest table file is history's; overwrite bytes in its middle (data blocks).
  fs::path biggest;
  for (const auto& e : fs::directory_iterator(tmp.path())) {
    if (e.path().extension() == ".sst" &&
        (biggest.empty() || fs::file_size(e.path()) > fs::file_size(biggest))) {
      biggest = e.path();
    }
  }
  ASSERT_FALSE(biggest.empty());
  {
    std::fstream f(biggest, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(biggest) / 3));
    const std::string junk(64, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto opened = RocksDbStateStore::Open(tmp.path(), opts);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();  // the damage is inside a data block
  // The on-demand scan names the damaged family and only it.
  for (const auto& c : (*opened)->VerifyStorage()) {
    if (c.family == "history" || c.family == "files") {
      EXPECT_EQ(c.status.code(), StatusCode::kCorruption)
          << c.family << ": " << c.status.ToString();
    } else {
      EXPECT_TRUE(c.status.ok()) << c.family << ": " << c.status.ToString();
    }
  }
  const Status st =
      (*opened)->Scan(Space::kHistory, "", [](std::string_view, std::string_view) { return true; });
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
  EXPECT_NE(st.message().find("history"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("vbp verify --state DIR --storage"), std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("rebuild the state from the input topics"), std::string::npos)
      << st.message();
}

TEST(RocksDbCorruptionTest, AnUndamagedStoreVerifiesEveryFamilyAndCountsItsKeys) {
  TempDir tmp;
  auto store = OpenOk(tmp.path(), SmallOptions());
  ASSERT_NE(store, nullptr);
  StateStore::Batch b;
  for (int i = 0; i < 300; ++i) b.Put(Space::kClaims, "c" + std::to_string(i), "v");
  for (int i = 0; i < 7; ++i) b.Put(Space::kHistory, "h" + std::to_string(i), "v");
  ASSERT_TRUE(store->Commit(b, true).ok());
  ASSERT_TRUE(store->Flush().ok());
  std::map<std::string, uint64_t> keys;
  for (const auto& c : store->VerifyStorage()) {
    EXPECT_TRUE(c.status.ok()) << c.family << ": " << c.status.ToString();
    keys[c.family] = c.keys;
  }
  EXPECT_EQ(keys.size(), static_cast<size_t>(kSpaceCount) + 1);  // every family, and "files"
  EXPECT_EQ(keys["claims"], 300u);
  EXPECT_EQ(keys["history"], 7u);
}

TEST(RocksDbOptionsTest, EveryCompressionChoiceRoundTrips) {
  for (auto c : {RocksDbCompression::kNone, RocksDbCompression::kLz4, RocksDbCompression::kZstd}) {
    TempDir tmp;
    RocksDbOptions opts = SmallOptions();
    opts.compression = c;
    opts.bottommost_compression = c;
    opts.bloom_bits_per_key = c == RocksDbCompression::kNone ? 0 : 10;
    opts.sync_every_commit = true;
    auto store = OpenOk(tmp.path(), opts);
    ASSERT_NE(store, nullptr);
    StateStore::Batch b;
    for (int i = 0; i < 2000; ++i) {
      b.Put(Space::kClaims, "c" + std::to_string(i),
            std::string(200, static_cast<char>('a' + i % 26)));
    }
    ASSERT_TRUE(store->Commit(b, false).ok());
    ASSERT_TRUE(store->Flush().ok());
    EXPECT_GT(store->ApproximateBytes(), 0u);
    EXPECT_EQ(GetOk(*store, Space::kClaims, "c1999"),
              std::string(200, static_cast<char>('a' + 1999 % 26)));
    EXPECT_EQ(GetOk(*store, Space::kClaims, "c2000"), std::nullopt);
  }
}

TEST(RocksDbOptionsTest, NonsenseOptionsAreRefusedBeforeTouchingTheDirectory) {
  TempDir tmp;
  RocksDbOptions no_buffer = SmallOptions();
  no_buffer.write_buffer_mb = 0;
  RocksDbOptions no_jobs = SmallOptions();
  no_jobs.max_background_jobs = 0;
  RocksDbOptions bad_bloom = SmallOptions();
  bad_bloom.bloom_bits_per_key = -1;
  for (const auto& o : {no_buffer, no_jobs, bad_bloom}) {
    EXPECT_EQ(RocksDbStateStore::Open(tmp.Sub("state"), o).status().code(),
              StatusCode::kInvalidArgument);
  }
  EXPECT_FALSE(fs::exists(tmp.Sub("state")));
}

TEST(RocksDbOptionsTest, PointLookupFamiliesGetBloomFiltersAndBusyFamiliesBigMemtables) {
  const RocksDbOptions opts;
  const auto shared = rocksdb_internal::MakeSharedResources(opts);
  const auto claims = rocksdb_internal::MakeFamilyOptions(Space::kClaims, opts, shared);
  const auto offsets = rocksdb_internal::MakeFamilyOptions(Space::kOffsets, opts, shared);
  EXPECT_EQ(claims.write_buffer_size, 64u << 20);
  EXPECT_EQ(offsets.write_buffer_size, 16u << 20);
  EXPECT_EQ(claims.compression, rocksdb::kLZ4Compression);
  EXPECT_EQ(claims.bottommost_compression, rocksdb::kZSTD);
  EXPECT_EQ(claims.prefix_extractor, nullptr);
  EXPECT_TRUE(rocksdb_internal::IsPointLookupSpace(Space::kClaims));
  EXPECT_FALSE(rocksdb_internal::IsPointLookupSpace(Space::kMemberClaims));
  const auto db = rocksdb_internal::MakeDbOptions(opts, shared);
  EXPECT_EQ(db.max_background_jobs, 2);
  EXPECT_FALSE(db.manual_wal_flush);
  EXPECT_EQ(db.wal_recovery_mode, rocksdb::WALRecoveryMode::kPointInTimeRecovery);
}

// The history family's options (level-0 trigger 1, one codec at every level) make RocksDB
// move each flushed file to the bottom level as it is when keys arrive in order, as history
// keys do (engine/state/history_key.h): compaction writes nothing. The same options with keys in
// random order, or with the default codecs (LZ4 flushes, ZSTD bottom), make it rewrite the
// flushed data, which is what the options exist to avoid.
struct HistoryCompactionCase {
  const char* name;
  bool arrival_order;
  bool family_codec;  // the history family's options as MakeFamilyOptions builds them
};

uint64_t CompactionBytesWritten(const HistoryCompactionCase& c) {
  TempDir tmp;
  RocksDbOptions opts = SmallOptions();
  const auto shared = rocksdb_internal::MakeSharedResources(opts);
  rocksdb::DBOptions dbo = rocksdb_internal::MakeDbOptions(opts, shared);
  dbo.create_if_missing = true;
  dbo.create_missing_column_families = true;
  dbo.statistics = rocksdb::CreateDBStatistics();
  rocksdb::ColumnFamilyOptions cfo =
      rocksdb_internal::MakeFamilyOptions(Space::kHistory, opts, shared);
  if (!c.family_codec) {
    cfo.compression = rocksdb::kLZ4Compression;
    cfo.bottommost_compression = rocksdb::kZSTD;
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> cfds = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()}, {"history", cfo}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status st = rocksdb::DB::Open(dbo, tmp.path(), cfds, &handles, &raw);
  EXPECT_TRUE(st.ok()) << st.ToString();
  if (!st.ok()) return 0;
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* h = handles[1];
  constexpr int kRounds = 5, kPerRound = 2000;
  uint64_t n = 0;
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < kPerRound; ++i, ++n) {
      // Arrival order: a growing counter; random order: the same keys, bits scrambled.
      const uint64_t k = c.arrival_order ? n : (n * 0x9E3779B97F4A7C15ull) ^ (n >> 7);
      std::string key;
      for (int b = 7; b >= 0; --b) key.push_back(static_cast<char>((k >> (8 * b)) & 0xff));
      EXPECT_TRUE(db->Put(rocksdb::WriteOptions(), h, key, std::string(300, 'a' + i % 26)).ok());
    }
    EXPECT_TRUE(db->Flush(rocksdb::FlushOptions(), h).ok());
    // Each flushed file alone in level 0 when its compaction is picked.
    for (int waited = 0; waited < 1000; ++waited) {
      uint64_t pending = 1, running = 1;
      std::string l0;
      EXPECT_TRUE(db->GetIntProperty(h, "rocksdb.compaction-pending", &pending));
      EXPECT_TRUE(db->GetIntProperty(h, "rocksdb.num-running-compactions", &running));
      EXPECT_TRUE(db->GetProperty(h, "rocksdb.num-files-at-level0", &l0));
      if (pending == 0 && running == 0 && l0 == "0") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  std::string l0;
  db->GetProperty(h, "rocksdb.num-files-at-level0", &l0);
  EXPECT_EQ(l0, "0") << c.name << ": level 0 was never compacted";
  // Everything is still there.
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), h));
  uint64_t seen = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++seen;
  EXPECT_EQ(seen, n) << c.name;
  it.reset();
  const uint64_t written = dbo.statistics->getTickerCount(rocksdb::COMPACT_WRITE_BYTES);
  for (auto* hh : handles) EXPECT_TRUE(db->DestroyColumnFamilyHandle(hh).ok());
  EXPECT_TRUE(db->Close().ok());
  return written;
}

TEST(RocksDbOptionsTest, HistoryFilesInArrivalOrderAreMovedToTheBottomNotRewritten) {
  const RocksDbOptions opts;
  const auto shared = rocksdb_internal::MakeSharedResources(opts);
  const auto history = rocksdb_internal::MakeFamilyOptions(Space::kHistory, opts, shared);
  EXPECT_EQ(history.level0_file_num_compaction_trigger, 1);
  EXPECT_EQ(history.compression, rocksdb::kLZ4Compression);
  EXPECT_EQ(history.bottommost_compression, rocksdb::kLZ4Compression);

  EXPECT_EQ(CompactionBytesWritten({"arrival order", true, true}), 0u);
  EXPECT_GT(CompactionBytesWritten({"random order", false, true}), 0u);
  EXPECT_GT(CompactionBytesWritten({"arrival order, LZ4 then ZSTD", true, false}), 0u);
}

// ---- helpers ------------------------------------------------------------------------------

TEST(RocksDbStatusTest, CorruptionIsCorruptionAndIoIsIoError) {
  using rocksdb_internal::FromRocks;
  EXPECT_TRUE(FromRocks(rocksdb::Status::OK(), "x").ok());
  EXPECT_EQ(FromRocks(rocksdb::Status::Corruption("bad block"), "get").code(),
            StatusCode::kCorruption);
  EXPECT_EQ(FromRocks(rocksdb::Status::IOError("disk"), "get").code(), StatusCode::kIoError);
  EXPECT_EQ(FromRocks(rocksdb::Status::NoSpace("full"), "put").code(), StatusCode::kIoError);
  EXPECT_EQ(FromRocks(rocksdb::Status::InvalidArgument("x"), "op").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(FromRocks(rocksdb::Status::Busy("x"), "op").code(), StatusCode::kUnavailable);
  EXPECT_EQ(FromRocks(rocksdb::Status::Aborted("x"), "op").code(), StatusCode::kInternal);
  const Status st = FromRocks(rocksdb::Status::Corruption("block checksum mismatch"),
                              "get claims key \"k\" in /s");
  EXPECT_EQ(st.message(),
            std::string("get claims key \"k\" in /s: the state store is corrupt (rocksdb "
                        "Corruption: block checksum mismatch). ") +
                kCorruptionAdvice);
}

TEST(RocksDbStatusTest, BinaryKeysAreHexEscapedAndLongOnesCut) {
  using rocksdb_internal::EscapeKey;
  EXPECT_EQ(EscapeKey("claims|42"), "\"claims|42\"");
  EXPECT_EQ(EscapeKey(std::string("\0a\xff\"\\", 5)), "\"\\x00a\\xff\\x22\\x5c\"");
  EXPECT_EQ(EscapeKey(std::string(100, 'k')), "\"" + std::string(64, 'k') + "\"... (100 bytes)");
}

TEST(RocksDbStatusTest, ThePrefixSuccessorCarriesPastFfBytes) {
  using rocksdb_internal::PrefixSuccessor;
  EXPECT_EQ(PrefixSuccessor("a"), "b");
  EXPECT_EQ(PrefixSuccessor("a\xff"), "b");
  EXPECT_EQ(PrefixSuccessor("a\xfe\xff"), "a\xff");
  EXPECT_EQ(PrefixSuccessor(std::string("\0", 1)), "\x01");
  EXPECT_EQ(PrefixSuccessor("\xff\xff"), "");
  EXPECT_EQ(PrefixSuccessor(""), "");
}

}  // namespace
}  // namespace vbp
