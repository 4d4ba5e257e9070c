#include "connectors/rocksdb/rocksdb_state_store.h"

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>
#include <stdlib.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <vector>

#include "connectors/rocksdb/rocksdb_internal.h"

namespace vbp {

namespace fs = std::filesystem;
using rocksdb_internal::EscapeKey;
using rocksdb_internal::FromRocks;

namespace {

std::string_view View(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }

std::optional<Space> SpaceNamed(std::string_view name) {
  for (int i = 0; i < kSpaceCount; ++i) {
    const auto s = static_cast<Space>(i);
    if (name == SpaceName(s)) return s;
  }
  return std::nullopt;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out;
}

// A private directory for a secondary instance's info log, under $TMPDIR (or /tmp).
Result<std::string> MakeScratchDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                        "/vbp-rocksdb-reader-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::Io("cannot create a scratch directory " + pattern +
                      " for a read-only RocksDB instance (set TMPDIR to a writable directory)");
  }
  return pattern;
}

}  // namespace

struct RocksDbStateStore::Impl {
  std::string dir;
  bool read_only = false;
  std::string scratch_dir;  // read-only: the secondary instance's info log; removed at Close
  RocksDbOptions opts;
  rocksdb_internal::SharedResources shared;
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // every opened family, default included
  std::array<rocksdb::ColumnFamilyHandle*, kSpaceCount> families{};

  ~Impl() {
    const Status st = Close();
    if (!st.ok()) std::fprintf(stderr, "vbp: closing RocksDB state: %s\n", st.ToString().c_str());
  }

  rocksdb::ColumnFamilyHandle* Family(Space s) const {
    auto* h = families[static_cast<size_t>(s)];
    VBP_CHECK_MSG(h != nullptr, SpaceName(s));  // Open only returns stores with every family
    return h;
  }

  std::string Where(Space s, std::string_view key) const {
    return std::string(SpaceName(s)) + " key " + EscapeKey(key) + " in " + dir;
  }

  Status Close() {
    Status first;
    if (db != nullptr) {
      for (auto* h : handles) {
        Status st = FromRocks(db->DestroyColumnFamilyHandle(h), "close column family in " + dir);
        if (first.ok()) first = std::move(st);
      }
      handles.clear();
      families.fill(nullptr);
      Status st = FromRocks(db->Close(), "close " + dir);
      if (first.ok()) first = std::move(st);
      delete db;
      db = nullptr;
    }
    if (!scratch_dir.empty()) {
      std::error_code ec;
      fs::remove_all(scratch_dir, ec);
      if (ec && first.ok()) {
        first = Status::Io("remove scratch directory " + scratch_dir + ": " + ec.message());
      }
      scratch_dir.clear();
    }
    return first;
  }

  // Opens the database with the given families (names in RocksDB order) and files the handles.
  Status OpenFamilies(const std::vector<std::string>& names, bool create) {
    rocksdb::DBOptions db_opts = rocksdb_internal::MakeDbOptions(opts, shared);
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& name : names) {
      auto space = SpaceNamed(name);
      descriptors.emplace_back(
          name, space ? rocksdb_internal::MakeFamilyOptions(*space, opts, shared)
                      : rocksdb::ColumnFamilyOptions());
    }
    rocksdb::Status s;
    if (read_only) {
      db_opts.max_open_files = -1;  // required by secondary instances
      s = rocksdb::DB::OpenAsSecondary(db_opts, dir, scratch_dir, descriptors, &handles, &db);
    } else {
      db_opts.create_if_missing = create;
      db_opts.error_if_exists = create;
      db_opts.create_missing_column_families = create;
      s = rocksdb::DB::Open(db_opts, dir, descriptors, &handles, &db);
    }
    if (!s.ok()) {
      db = nullptr;
      handles.clear();
      std::string what = std::string(read_only ? "open (read-only) " : "open ") + dir;
      if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
        what += " (another process holds its LOCK: is a vbp instance already running on it?)";
      }
      return FromRocks(s, what);
    }
    for (size_t i = 0; i < handles.size(); ++i) {
      if (auto space = SpaceNamed(handles[i]->GetName())) {
        families[static_cast<size_t>(*space)] = handles[i];
      }
    }
    return Status::Ok();
  }

  Result<std::optional<std::string>> Get(Space space, std::string_view key) const {
    rocksdb::PinnableSlice value;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), Family(space), ToSlice(key), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return FromRocks(s, "get " + Where(space, key));
    return std::optional<std::string>(std::string(View(value)));
  }

  // True when the family has no key at all.
  Result<bool> Empty(rocksdb::ColumnFamilyHandle* h) const {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), h));
    it->SeekToFirst();
    if (!it->status().ok()) {
      return FromRocks(it->status(), "scan column family " + h->GetName() + " in " + dir);
    }
    return !it->Valid();
  }

  Status WriteSchemaVersion() {
    rocksdb::WriteBatch wb;
    const std::string what = "write schema version to " + Where(Space::kMeta, kSchemaVersionKey);
    VBP_RETURN_IF_ERROR(FromRocks(
        wb.Put(Family(Space::kMeta), ToSlice(kSchemaVersionKey), ToSlice(kSchemaVersion)), what));
    rocksdb::WriteOptions wo;
    wo.sync = true;
    return FromRocks(db->Write(wo, &wb), what);
  }

  // Checks an existing (open) database is a vbp state directory of this
  // schema. A writer completes a creation that was interrupted before the schema version landed.
  Status CheckSchema() {
    std::vector<std::string> missing;
    for (int i = 0; i < kSpaceCount; ++i) {
      if (families[static_cast<size_t>(i)] == nullptr) {
        missing.emplace_back(SpaceName(static_cast<Space>(i)));
      }
    }
    auto version = Get(Space::kMeta, kSchemaVersionKey);
    if (!version.ok()) return version.status();
    if (version->has_value()) {
      if (**version != kSchemaVersion) {
        return Status::Invalid(dir + " holds vbp state of schema version " + EscapeKey(**version) +
                               "; this build reads version " + std::string(kSchemaVersion) +
                               ". Use the vbp build that wrote it, or start a new state "
                               "directory (state is rebuilt from the input log)");
      }
      if (!missing.empty()) {
        return Status::DataLoss(dir + " is vbp state of schema version " +
                                std::string(kSchemaVersion) + " but lacks the column families " +
                                Join(missing) +
                                "; restore a checkpoint or rebuild the state from the input log");
      }
      return Status::Ok();
    }
    // No schema version: only an empty database that this program began to create qualifies.
    for (auto* h : handles) {
      auto empty = Empty(h);
      if (!empty.ok()) return empty.status();
      if (!*empty) {
        return Status::Invalid(dir + " is a RocksDB database with data but no " +
                               std::string(kSchemaVersionKey) +
                               " in its meta column family: not a vbp state directory. Point "
                               "vbp at a new or empty directory");
      }
    }
    if (read_only) {
      return Status::Invalid(dir + " is an empty, unfinished vbp state directory (no " +
                             std::string(kSchemaVersionKey) +
                             "); open it for writing once to finish creating it");
    }
    for (const auto& name : missing) {
      rocksdb::ColumnFamilyHandle* h = nullptr;
      const Space space = *SpaceNamed(name);
      VBP_RETURN_IF_ERROR(FromRocks(
          db->CreateColumnFamily(rocksdb_internal::MakeFamilyOptions(space, opts, shared), name, &h),
          "create column family " + name + " in " + dir));
      handles.push_back(h);
      families[static_cast<size_t>(space)] = h;
    }
    return WriteSchemaVersion();
  }

  // Opens a database that exists at `dir` (CURRENT present).
  Status OpenExisting() {
    std::vector<std::string> names;
    VBP_RETURN_IF_ERROR(
        FromRocks(rocksdb::DB::ListColumnFamilies(rocksdb_internal::MakeDbOptions(opts, shared),
                                                  dir, &names),
                  "list column families of " + dir));
    std::vector<std::string> unknown;
    bool has_meta = false;
    for (const auto& name : names) {
      if (name == rocksdb::kDefaultColumnFamilyName) continue;
      if (name == SpaceName(Space::kMeta)) has_meta = true;
      if (!SpaceNamed(name)) unknown.push_back(name);
    }
    if (!has_meta) {
      return Status::Invalid(dir + " is a RocksDB database but not a vbp state directory (no \"" +
                             std::string(SpaceName(Space::kMeta)) +
                             "\" column family). Point vbp at a new or empty directory");
    }
    if (!unknown.empty()) {
      return Status::Invalid(dir + " has column families this build does not know (" +
                             Join(unknown) +
                             "): it was written by another program or schema. Use the vbp build "
                             "that wrote it, or a new state directory");
    }
    VBP_RETURN_IF_ERROR(OpenFamilies(names, /*create=*/false));
    return CheckSchema();
  }

  Status CreateNew() {
    std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName};
    for (int i = 0; i < kSpaceCount; ++i) names.emplace_back(SpaceName(static_cast<Space>(i)));
    VBP_RETURN_IF_ERROR(OpenFamilies(names, /*create=*/true));
    return WriteSchemaVersion();
  }
};

RocksDbStateStore::RocksDbStateStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RocksDbStateStore::~RocksDbStateStore() = default;

Result<std::unique_ptr<RocksDbStateStore>> RocksDbStateStore::Open(const std::string& dir,
                                                                   const RocksDbOptions& opts) {
  if (dir.empty()) return Status::Invalid("the RocksDB state directory path is empty");
  std::error_code ec;
  const bool exists = fs::exists(dir, ec);
  if (ec) return Status::Io("cannot inspect state directory " + dir + ": " + ec.message());
  bool has_db = false;
  if (exists) {
    if (!fs::is_directory(dir, ec)) {
      return Status::Invalid(dir + " is not a directory; point vbp at a state directory");
    }
    has_db = fs::exists(fs::path(dir) / "CURRENT", ec);
    if (ec) return Status::Io("cannot inspect state directory " + dir + ": " + ec.message());
    if (!has_db) {
      const bool empty = fs::is_empty(dir, ec);
      if (ec) return Status::Io("cannot list state directory " + dir + ": " + ec.message());
      if (!empty) {
        return Status::Invalid(dir +
                               " is not a vbp state directory: it holds files but no RocksDB "
                               "database (no CURRENT file). Point vbp at a new or empty "
                               "directory, or at one vbp created");
      }
    }
  } else {
    fs::create_directories(dir, ec);
    if (ec) return Status::Io("cannot create state directory " + dir + ": " + ec.message());
  }

  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->opts = opts;
  impl->shared = rocksdb_internal::MakeSharedResources(opts);
  VBP_RETURN_IF_ERROR(has_db ? impl->OpenExisting() : impl->CreateNew());
  return std::unique_ptr<RocksDbStateStore>(new RocksDbStateStore(std::move(impl)));
}

Result<std::unique_ptr<RocksDbStateStore>> RocksDbStateStore::OpenReadOnly(
    const std::string& dir, const RocksDbOptions& opts) {
  std::error_code ec;
  const bool has_db = !dir.empty() && fs::exists(fs::path(dir) / "CURRENT", ec);
  if (ec) return Status::Io("cannot inspect state directory " + dir + ": " + ec.message());
  if (!has_db) {
    return Status::NotFound("no vbp state at " + (dir.empty() ? std::string("\"\"") : dir) +
                            " (no RocksDB CURRENT file)");
  }
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->read_only = true;
  impl->opts = opts;
  impl->shared = rocksdb_internal::MakeSharedResources(opts);
  auto scratch = MakeScratchDir();
  if (!scratch.ok()) return scratch.status();
  impl->scratch_dir = *scratch;
  VBP_RETURN_IF_ERROR(impl->OpenExisting());
  return std::unique_ptr<RocksDbStateStore>(new RocksDbStateStore(std::move(impl)));
}

Result<std::optional<std::string>> RocksDbStateStore::Get(Space space,
                                                          std::string_view key) const {
  if (impl_->db == nullptr) return Status::Invalid("get from closed store " + impl_->dir);
  return impl_->Get(space, key);
}

Status RocksDbStateStore::Scan(
    Space space, std::string_view prefix,
    const std::function<bool(std::string_view, std::string_view)>& visit) const {
  if (impl_->db == nullptr) return Status::Invalid("scan of closed store " + impl_->dir);
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;
  const std::string upper = rocksdb_internal::PrefixSuccessor(prefix);
  const rocksdb::Slice upper_slice(upper);
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(ro, impl_->Family(space)));
  for (it->Seek(ToSlice(prefix)); it->Valid(); it->Next()) {
    const std::string_view key = View(it->key());
    if (!key.starts_with(prefix)) break;  // the upper bound already ends the range; belt and braces
    if (!visit(key, View(it->value()))) break;
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "scan prefix " + impl_->Where(space, prefix));
  }
  return Status::Ok();
}

Status RocksDbStateStore::Commit(const Batch& batch, bool sync) {
  if (impl_->db == nullptr) return Status::Invalid("commit to closed store " + impl_->dir);
  if (impl_->read_only) {
    return Status::Invalid("commit to " + impl_->dir + ", which this process opened read-only");
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync || impl_->opts.sync_every_commit;
  wo.disableWAL = false;
  if (batch.empty()) {
    // Nothing to write, but a sync request still means "make everything so far durable".
    if (!wo.sync) return Status::Ok();
    return FromRocks(impl_->db->SyncWAL(), "sync write-ahead log of " + impl_->dir);
  }
  rocksdb::WriteBatch wb(batch.ByteSize() + 16 * batch.size());
  std::set<Space> spaces;
  for (const auto& op : batch.ops()) {
    rocksdb::ColumnFamilyHandle* h = impl_->Family(op.space);
    rocksdb::Status s = op.is_delete ? wb.Delete(h, ToSlice(op.key))
                                     : wb.Put(h, ToSlice(op.key), ToSlice(op.value));
    if (!s.ok()) {
      return FromRocks(s, std::string("commit: add ") + (op.is_delete ? "delete of " : "put of ") +
                              impl_->Where(op.space, op.key));
    }
    spaces.insert(op.space);
  }
  rocksdb::Status s = impl_->db->Write(wo, &wb);
  if (!s.ok()) {
    std::vector<std::string> names;
    for (Space sp : spaces) names.emplace_back(SpaceName(sp));
    const auto& first = batch.ops().front();
    return FromRocks(s, "commit of " + std::to_string(batch.size()) + " operations (" +
                            std::to_string(batch.ByteSize()) + " bytes) over " + Join(names) +
                            ", first " + impl_->Where(first.space, first.key));
  }
  return Status::Ok();
}

Status RocksDbStateStore::Checkpoint(const std::string& dir) const {
  if (impl_->db == nullptr) return Status::Invalid("checkpoint of closed store " + impl_->dir);
  if (impl_->read_only) {
    return Status::Invalid("checkpoint of " + impl_->dir +
                           ", which this process opened read-only: checkpoint the writing "
                           "instance, or copy a stopped state directory");
  }
  std::error_code ec;
  const fs::path target = fs::absolute(dir, ec);
  if (ec) return Status::Io("checkpoint path " + dir + ": " + ec.message());
  if (fs::exists(target, ec)) {
    return Status(StatusCode::kAlreadyExists,
                  "checkpoint of " + impl_->dir + " into " + target.string() +
                      ": it already exists; a checkpoint needs a new directory");
  }
  if (ec) return Status::Io("checkpoint path " + target.string() + ": " + ec.message());
  rocksdb::Checkpoint* raw = nullptr;
  const std::string what = "checkpoint of " + impl_->dir + " into " + target.string();
  VBP_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(impl_->db, &raw), what));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocks(checkpoint->CreateCheckpoint(target.string()), what);
}

uint64_t RocksDbStateStore::ApproximateBytes() const {
  if (impl_->db == nullptr) return 0;
  uint64_t sst = 0;
  uint64_t mem = 0;
  if (!impl_->db->GetAggregatedIntProperty("rocksdb.live-sst-files-size", &sst)) sst = 0;
  if (!impl_->db->GetAggregatedIntProperty("rocksdb.cur-size-all-mem-tables", &mem)) mem = 0;
  return sst + mem;
}

Status RocksDbStateStore::Flush() {
  if (impl_->db == nullptr) return Status::Invalid("flush of closed store " + impl_->dir);
  if (impl_->read_only) {
    return Status::Invalid("flush of " + impl_->dir + ", which this process opened read-only");
  }
  rocksdb::FlushOptions fo;
  fo.wait = true;
  return FromRocks(impl_->db->Flush(fo, impl_->handles), "flush " + impl_->dir);
}

Status RocksDbStateStore::CatchUp() {
  if (impl_->db == nullptr) return Status::Invalid("catch up of closed store " + impl_->dir);
  if (!impl_->read_only) return Status::Ok();  // the writer always sees its own commits
  return FromRocks(impl_->db->TryCatchUpWithPrimary(), "catch up with the writer of " + impl_->dir);
}

Status RocksDbStateStore::Close() { return impl_->Close(); }

const std::string& RocksDbStateStore::dir() const { return impl_->dir; }
bool RocksDbStateStore::read_only() const { return impl_->read_only; }

}  // namespace vbp
