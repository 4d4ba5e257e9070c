#pragma once
// RocksDbStateStore: the engine's StateStore port (engine/core/ports.h) over RocksDB.
//
// One column family per Space, named by SpaceName() ("meta", "offsets", "claims", ...).
// A state directory is recognised by the key "schema_version" in the "meta" family; Open
// refuses any other directory, and a state directory of another schema version, instead of
// guessing.
//
// Contract (same as MemoryStateStore, checked by tests/rocksdb/contract_test.cc):
//  - Commit writes one rocksdb::WriteBatch over the families: all of it or none of it is
//    visible, now and after any crash. The write-ahead log is always on and written to the OS
//    before Commit returns, so a process crash (kill -9) loses nothing of a committed batch.
//    Only `sync` (or RocksDbOptions::sync_every_commit) makes a batch survive an OS crash or
//    power loss; without it the last unsynced batches may be lost, as whole batches, never
//    in part.
//  - Scan visits keys with the prefix in ascending unsigned byte order (bytewise comparator,
//    total-order iteration; no prefix extractor is configured).
//  - Every failure is a Status naming the operation, family and key (hex-escaped when binary).
//    Corruption reads as kDataLoss, I/O failures as kIoError.
//
// Threading: one writer; Get/Scan may run concurrently with each other, not with Commit
// (the port's rule; RocksDB itself would allow more).
//
// No RocksDB type appears here; the adapter is a pimpl (rocksdb_state_store.cc).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/status.h"
#include "engine/core/ports.h"

namespace vbp {

enum class RocksDbCompression : uint8_t { kNone, kLz4, kZstd };

// The knobs that matter; the defaults suit a 2-core host doing ~100k small writes/s in
// batches of a few thousand (see connectors/rocksdb/README.md for the reasoning).
struct RocksDbOptions {
  // Shared LRU block cache for all families (index and filter blocks are charged to it).
  size_t block_cache_mb = 256;
  // Compression of flushed and upper-level files; cheap on CPU.
  RocksDbCompression compression = RocksDbCompression::kLz4;
  // Compression of the bottommost level, where most bytes end up; denser, read rarely.
  RocksDbCompression bottommost_compression = RocksDbCompression::kZstd;
  // Compression of the history family at every level: its files are written once, at flush,
  // and moved to the bottom as they are (rocksdb_internal.cc), so one codec for both. LZ4:
  // with ZSTD the bench's 50k-member state was 356 MB instead of 422-430 MB, and the engine
  // 6-9% slower end to end (connectors/rocksdb/README.md).
  RocksDbCompression history_compression = RocksDbCompression::kLz4;
  // Memtable size of the busy families (claims, member_claims, members, results, history);
  // the small families (meta, offsets, counters, parts, reference, revisions) use a quarter.
  size_t write_buffer_mb = 64;
  // Cap on all memtables together (a WriteBufferManager); beyond it the largest is flushed.
  size_t write_buffer_total_mb = 512;
  // Flush and compaction threads together; 2 leaves the other core to the engine.
  int max_background_jobs = 2;
  // Bloom filter bits per key on the point-lookup families (0 disables the filters).
  int bloom_bits_per_key = 10;
  // Sync the write-ahead log on every Commit, whatever its `sync` argument says: every
  // committed batch then survives an OS crash, at the cost of one fsync per commit.
  bool sync_every_commit = false;
};

class RocksDbStateStore final : public StateStore {
 public:
  // The value of "schema_version" in the meta family that this build reads and writes.
  static constexpr std::string_view kSchemaVersionKey = "schema_version";
  static constexpr std::string_view kSchemaVersion = kStateSchemaVersion;

  // Opens the state directory `dir` for reading and writing, creating it (and every column
  // family) when it does not exist or is empty. Refuses, with kInvalidArgument saying what to
  // do, a directory that holds something else, a RocksDB database that is not a vbp state
  // directory, or a state directory of another schema version; kDataLoss if a family of this
  // schema is missing; kIoError if a writer or a reader (OpenReadOnly) has it open (its LOCK
  // file), in this process or another. A creation cut short by a crash is finished.
  static Result<std::unique_ptr<RocksDbStateStore>> Open(const std::string& dir,
                                                         const RocksDbOptions& opts);

  // Opens an existing state directory (a checkpoint, or a stopped instance's) without writing
  // to it: RocksDB read-only mode, which replays the write-ahead log in memory, so the view is
  // exactly the last committed batch. Holds a shared lock on the directory until Close: while
  // a writer has it open this returns kUnavailable (read a checkpoint the writer made instead),
  // and while readers hold it a writer's Open fails. Readers do not block each other. Commit,
  // Flush and Checkpoint return kInvalidArgument. kNotFound if `dir` holds no database.
  static Result<std::unique_ptr<RocksDbStateStore>> OpenReadOnly(const std::string& dir,
                                                                 const RocksDbOptions& opts);

  ~RocksDbStateStore() override;
  RocksDbStateStore(const RocksDbStateStore&) = delete;
  RocksDbStateStore& operator=(const RocksDbStateStore&) = delete;

  Result<std::optional<std::string>> Get(Space space, std::string_view key) const override;
  Status Scan(Space space, std::string_view prefix,
              const std::function<bool(std::string_view key, std::string_view value)>& visit)
      const override;
  Status Commit(const Batch& batch, bool sync) override;
  Status CommitParts(const std::vector<const Batch*>& parts, bool sync) override;
  // A RocksDB checkpoint at `dir`, which must not exist (kAlreadyExists) and whose parent must.
  // Memtables are flushed first; SST files are hard links when on the same file system, so a
  // checkpoint is cheap and independent of later writes to this store. Open it with Open (to
  // restore) or OpenReadOnly (to inspect).
  Status Checkpoint(const std::string& dir) const override;
  // A consistent copy of the store at `dir` into `to` (which must not exist) without opening
  // it for writing, so the live directory is only read: taken while holding the read-only
  // (shared) lock, so no writer can change it meanwhile; immutable SST files are hard-linked,
  // the rest copied. (RocksDB's checkpoint needs a writable store.) kUnavailable when a running
  // engine holds `dir`. Returns the number of files.
  static Result<size_t> CopyStopped(const std::string& dir, const std::string& to);
  // `vbp verify --storage`: reads every key of every family and every table file with block
  // checksums verified. One entry per family (keys read, or the first corruption met), and one
  // for the table files as a whole ("files").
  struct StorageCheck {
    std::string family;
    uint64_t keys = 0;
    Status status;
  };
  std::vector<StorageCheck> VerifyStorage() const;
  // Live SST bytes plus memtable bytes over all families.
  uint64_t ApproximateBytes() const override;

  // Writes every memtable to SST files (and so truncates the write-ahead log).
  Status Flush();
  // Closes the database, reporting any error; idempotent. The destructor calls it and prints
  // a failure to stderr, since it cannot return one.
  Status Close();

  const std::string& dir() const;
  bool read_only() const;

 private:
  struct Impl;
  explicit RocksDbStateStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vbp
