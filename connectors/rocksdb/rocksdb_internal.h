#pragma once
// Internal to vbp_rocksdb (and its tests): RocksDB option building, status conversion and key
// helpers. Not part of the public header because it names RocksDB types.

#include <rocksdb/cache.h>
#include <rocksdb/options.h>
#include <rocksdb/status.h>
#include <rocksdb/write_buffer_manager.h>

#include <memory>
#include <string>
#include <string_view>

#include "connectors/rocksdb/rocksdb_state_store.h"
#include "domain/status.h"
#include "engine/core/ports.h"

namespace vbp::rocksdb_internal {

// Key bytes for an error message: printable ASCII as is (quoted), anything else as \xHH,
// long keys cut at 64 bytes with their length noted.
std::string EscapeKey(std::string_view key);

// A rocksdb::Status as a vbp::Status: corruption -> kCorruption (with kCorruptionAdvice), I/O
// (incl. no space, lock held)
// -> kIoError, busy/timed out/try again -> kUnavailable, invalid/not supported ->
// kInvalidArgument, not found -> kNotFound, anything else -> kInternal. `what` names the
// operation, family and key, e.g. `get claims key "c\x00\x01" in /var/vbp/state`.
Status FromRocks(const rocksdb::Status& s, std::string_view what);

// The smallest key greater than every key starting with `prefix`, or "" when there is none
// (prefix empty or all 0xFF): the exclusive upper bound of a prefix scan.
std::string PrefixSuccessor(std::string_view prefix);

// Families whose keys are read by Get and so get a bloom filter; the rest are only scanned.
bool IsPointLookupSpace(Space s);
// Families that take most of the write volume and so get full-size memtables.
bool IsBusySpace(Space s);

// The shared pieces every family of one store uses.
struct SharedResources {
  std::shared_ptr<rocksdb::Cache> block_cache;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers;
};
SharedResources MakeSharedResources(const RocksDbOptions& opts);

rocksdb::DBOptions MakeDbOptions(const RocksDbOptions& opts, const SharedResources& shared);
rocksdb::ColumnFamilyOptions MakeFamilyOptions(Space space, const RocksDbOptions& opts,
                                               const SharedResources& shared);

}  // namespace vbp::rocksdb_internal
