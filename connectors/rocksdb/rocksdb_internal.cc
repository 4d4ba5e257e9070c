#include "connectors/rocksdb/rocksdb_internal.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <cstdio>

namespace vbp::rocksdb_internal {
namespace {

constexpr size_t kMiB = size_t{1} << 20;
constexpr size_t kEscapedKeyBytesMax = 64;
// Memtables per family: one being written, the rest waiting for (or in) flush, so a flush
// that lags behind a burst does not stall writers.
constexpr int kWriteBuffersPerFamily = 4;
// Small families (a few keys per partition) get this fraction of write_buffer_mb...
constexpr size_t kSmallFamilyBufferDivisor = 4;
// ...but never less than this many MiB.
constexpr size_t kSmallFamilyBufferMbMin = 4;
constexpr size_t kTargetFileMb = 64;
constexpr size_t kBlockBytes = 16 * 1024;
constexpr uint64_t kBytesPerSync = 1 * kMiB;
constexpr size_t kInfoLogBytesMax = 16 * kMiB;
constexpr size_t kInfoLogFilesKept = 5;

rocksdb::CompressionType ToRocks(RocksDbCompression c) {
  switch (c) {
    case RocksDbCompression::kNone:
      return rocksdb::kNoCompression;
    case RocksDbCompression::kLz4:
      return rocksdb::kLZ4Compression;
    case RocksDbCompression::kZstd:
      return rocksdb::kZSTD;
  }
  return rocksdb::kNoCompression;
}

}  // namespace

std::string EscapeKey(std::string_view key) {
  std::string out = "\"";
  const size_t shown = std::min(key.size(), kEscapedKeyBytesMax);
  for (size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  out += "\"";
  if (shown < key.size()) out += "... (" + std::to_string(key.size()) + " bytes)";
  return out;
}

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string message = std::string(what) + ": rocksdb " + s.ToString();
  StatusCode code = StatusCode::kInternal;
  if (s.IsCorruption()) {
    code = StatusCode::kCorruption;
    message = std::string(what) + ": the state store is corrupt (rocksdb " + s.ToString() + "). " +
              kCorruptionAdvice;
  } else if (s.IsIOError()) {
    // IsNoSpace, IsPathNotFound and a held LOCK file are IOError subcodes.
    code = StatusCode::kIoError;
  } else if (s.IsNotFound()) {
    code = StatusCode::kNotFound;
  } else if (s.IsInvalidArgument() || s.IsNotSupported()) {
    code = StatusCode::kInvalidArgument;
  } else if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain() || s.IsShutdownInProgress()) {
    code = StatusCode::kUnavailable;
  }
  return Status(code, std::move(message));
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty() && static_cast<unsigned char>(s.back()) == 0xff) s.pop_back();
  if (!s.empty()) s.back() = static_cast<char>(static_cast<unsigned char>(s.back()) + 1);
  return s;
}

bool IsPointLookupSpace(Space s) {
  // member_claims is an index read by prefix (all claims of a member); history is an append-only
  // audit trail read by prefix. Everything else is read by Get (and also scanned, which a bloom
  // filter does not slow down).
  return s != Space::kMemberClaims && s != Space::kHistory;
}

bool IsBusySpace(Space s) {
  switch (s) {
    case Space::kClaims:
    case Space::kMemberClaims:
    case Space::kMembers:
    case Space::kResults:
    case Space::kHistory:
      return true;
    default:
      return false;
  }
}

SharedResources MakeSharedResources(const RocksDbOptions& opts) {
  SharedResources r;
  r.block_cache = rocksdb::NewLRUCache(opts.block_cache_mb * kMiB);
  // Memtable memory is accounted only (no cache charging): the cap triggers flushes.
  r.write_buffers =
      std::make_shared<rocksdb::WriteBufferManager>(opts.write_buffer_total_mb * kMiB);
  return r;
}

rocksdb::DBOptions MakeDbOptions(const RocksDbOptions& opts, const SharedResources& shared) {
  rocksdb::DBOptions o;
  o.max_background_jobs = opts.max_background_jobs;
  o.max_subcompactions = 1;
  o.write_buffer_manager = shared.write_buffers;
  // The WAL keeps every batch until all families holding it have flushed; a cap makes quiet
  // families (meta, offsets) flush so the log, and so recovery time, stays bounded.
  o.max_total_wal_size = opts.write_buffer_total_mb * kMiB;
  // Exactly-once rests on these: every Write reaches the OS before it returns (no manual WAL
  // flush), and recovery replays the log up to the last whole batch (point in time), dropping a
  // torn tail after an OS crash rather than refusing to open.
  o.manual_wal_flush = false;
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  o.paranoid_checks = true;
  // Smooth write-back instead of bursts of dirty pages at fsync time.
  o.bytes_per_sync = kBytesPerSync;
  o.wal_bytes_per_sync = kBytesPerSync;
  o.max_log_file_size = kInfoLogBytesMax;
  o.keep_log_file_num = kInfoLogFilesKept;
  return o;
}

rocksdb::ColumnFamilyOptions MakeFamilyOptions(Space space, const RocksDbOptions& opts,
                                               const SharedResources& shared) {
  rocksdb::ColumnFamilyOptions o;
  const size_t buffer_mb =
      IsBusySpace(space)
          ? opts.write_buffer_mb
          : std::max(kSmallFamilyBufferMbMin, opts.write_buffer_mb / kSmallFamilyBufferDivisor);
  o.write_buffer_size = buffer_mb * kMiB;
  o.max_write_buffer_number = kWriteBuffersPerFamily;
  o.min_write_buffer_number_to_merge = 1;
  // Leveled compaction; L1 as big as four L0 files so an L0->L1 compaction is one step.
  o.level0_file_num_compaction_trigger = 4;
  o.level0_slowdown_writes_trigger = 20;
  o.level0_stop_writes_trigger = 36;
  o.target_file_size_base = kTargetFileMb * kMiB;
  o.max_bytes_for_level_base = 4 * kTargetFileMb * kMiB;
  o.level_compaction_dynamic_level_bytes = true;
  o.compression = ToRocks(opts.compression);
  o.bottommost_compression = ToRocks(opts.bottommost_compression);
  if (space == Space::kHistory) {
    // Append-only, keys in arrival order (engine/state/history_key.h): each flushed file lies
    // beyond all earlier data, so its compaction is a trivial move to the bottom level, provided it
    // is the only L0 file (RocksDB 7.8 moves one L0 file at a time) and its codec is the
    // bottom level's. The history is then written once instead of being merged and
    // recompressed at every L0 compaction.
    o.level0_file_num_compaction_trigger = 1;
    o.compression = o.bottommost_compression = ToRocks(opts.history_compression);
  }

  rocksdb::BlockBasedTableOptions t;
  t.block_cache = shared.block_cache;
  t.block_size = kBlockBytes;
  t.cache_index_and_filter_blocks = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  t.format_version = 5;
  if (opts.bloom_bits_per_key > 0 && IsPointLookupSpace(space)) {
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(opts.bloom_bits_per_key));
    t.whole_key_filtering = true;
    t.optimize_filters_for_memory = true;
  }
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  // No prefix extractor: every scan is a total-order seek with an upper bound, so no bloom
  // or hash index can ever hide a key from a prefix scan.
  o.prefix_extractor.reset();
  return o;
}

}  // namespace vbp::rocksdb_internal
