#pragma once
// Ports: the small interfaces the streaming engine needs from the outside world, defined by
// what the engine needs (STYLE.md). Adapters for Kafka and RocksDB live in connectors/; every
// port has an in-memory fake here (engine/core/memory_ports.h) and a fault-injecting wrapper for
// tests. No third-party type appears in these signatures.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/records.h"
#include "domain/reject.h"
#include "domain/status.h"

namespace vbp {

// ---------------------------------------------------------------------------------------
// StateStore: an ordered key-value store with namespaces and atomic multi-key commits.
//
// Contract: Commit applies a whole batch or nothing, across spaces (RocksDB: one WriteBatch
// over column families). After Commit returns Ok, a process crash (kill -9) loses nothing of
// the batch. Reads see every committed batch. Keys and values are arbitrary bytes. Scan
// visits keys with the prefix in ascending byte order until the callback returns false.
// Threading: one writer; reads may run concurrently with each other, not with Commit.
// ---------------------------------------------------------------------------------------
enum class Space : uint8_t {
  kMeta = 0,      // schema version, instance settings
  kOffsets,       // input position per topic partition (the source of truth on restart)
  kClaims,        // effective claim version per (partition, claim_id)
  kMemberClaims,  // index: (partition, member_id, claim_id) -> ""
  kMembers,       // member record per (partition, member_id)
  kResults,       // a member's contributions per (partition, member_id), to subtract on change
  kParts,         // per-partition contract aggregates (partition, year, contract_id)
  kReference,     // providers and contracts (replicated to every instance)
  kRevisions,     // published statement revisions (contract, year, revision)
  kHistory,       // every input record version with its source position (audit)
  kCounters,      // applied / superseded / rejected per partition and kind
  kNotes,         // data quality: a member's rejected and superseded claim records
};
inline constexpr int kSpaceCount = 12;

// meta "schema_version" of a state store: the key layout of engine/state/state_keys.h (and of
// engine/state/history_key.h). 4: their data quality counts overlapping coverage;
// 3: contract aggregates carry data quality and the `notes` family
// holds each member's rejected and superseded claim records; 2: history keys begin with the
// history step (arrival order); 1 began with the record kind and key.
inline constexpr std::string_view kStateSchemaVersion = "4";
// What an operator does about a corrupt state directory (part of every kCorruption message).
inline constexpr const char* kCorruptionAdvice =
    "A disk or file-system fault, or an edit, damaged the state directory: `vbp verify --state "
    "DIR --storage` lists what is damaged; then rebuild the state from the input topics (`vbp "
    "run` with a new --state directory replays them) or restore a checkpoint";

const char* SpaceName(Space s);  // RocksDB column family names: "meta", "offsets", ...

// The topics of SPEC §5 under a prefix ("vbp." by default): the one place their names are
// spelled for the engine, audit and the composition of `vbp run`, `vbp demo` and the bench.
struct TopicNames {
  explicit TopicNames(std::string_view prefix);
  std::string claims, members, providers, contracts, statements, rejects;
  // Contract parts exchanged between instances of one consumer group (not in SPEC §5).
  std::string parts;
  // The input topic of a record kind.
  const std::string& Of(RecordKind kind) const;
};

class StateStore {
 public:
  // Operations to commit atomically. Keys and values are copied into one buffer (no
  // allocation per operation; the engine builds batches on its apply threads and commits,
  // then frees, them on its worker thread).
  class Batch {
   public:
    void Put(Space space, std::string_view key, std::string_view value);
    void Delete(Space space, std::string_view key);
    // Appends every operation of `other`, in its order.
    void Append(const Batch& other);
    bool empty() const { return index_.empty(); }
    size_t size() const { return index_.size(); }
    // A view of one operation, valid while the batch lives and is not modified.
    struct Op {
      Space space;
      bool is_delete;
      std::string_view key;
      std::string_view value;
    };
    Op op(size_t i) const {
      const Entry& e = index_[i];
      return {e.space, e.is_delete, std::string_view(buffer_).substr(e.key_at, e.key_size),
              std::string_view(buffer_).substr(e.key_at + e.key_size, e.value_size)};
    }
    class Ops {
     public:
      class iterator {
       public:
        iterator(const Batch* b, size_t i) : b_(b), i_(i) {}
        Op operator*() const { return b_->op(i_); }
        iterator& operator++() {
          ++i_;
          return *this;
        }
        bool operator!=(const iterator& o) const { return i_ != o.i_; }

       private:
        const Batch* b_;
        size_t i_;
      };
      explicit Ops(const Batch* b) : b_(b) {}
      iterator begin() const { return {b_, 0}; }
      iterator end() const { return {b_, b_->size()}; }
      Op front() const { return b_->op(0); }

     private:
      const Batch* b_;
    };
    Ops ops() const { return Ops(this); }
    size_t ByteSize() const { return buffer_.size(); }

   private:
    struct Entry {
      Space space;
      bool is_delete;
      size_t key_at;
      size_t key_size;
      size_t value_size;
    };
    std::string buffer_;
    std::vector<Entry> index_;
  };

  virtual ~StateStore() = default;
  virtual Result<std::optional<std::string>> Get(Space space, std::string_view key) const = 0;
  virtual Status Scan(
      Space space, std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& visit) const = 0;
  // Atomic. `sync` also forces the write-ahead log to disk (survives an OS crash, not just a
  // process crash).
  virtual Status Commit(const Batch& batch, bool sync) = 0;
  // Commits the operations of `parts`, in order, as one atomic batch: the same as Commit of
  // their concatenation (which is what this default does), without the copy where a store
  // can avoid it (RocksDB builds one WriteBatch from all of them).
  virtual Status CommitParts(const std::vector<const Batch*>& parts, bool sync);
  // A consistent, independent copy of the whole store at `dir` (RocksDB checkpoint). The
  // copy never shares writes with the live store.
  virtual Status Checkpoint(const std::string& dir) const = 0;
  // Approximate bytes on disk (0 when unknown).
  virtual uint64_t ApproximateBytes() const = 0;
};

// ---------------------------------------------------------------------------------------
// RecordSource: the input log (Kafka topics), partitioned.
// ---------------------------------------------------------------------------------------
struct LogPartition {
  std::string topic;
  int32_t partition = 0;
  friend auto operator<=>(const LogPartition&, const LogPartition&) = default;
  std::string ToString() const { return topic + "[" + std::to_string(partition) + "]"; }
};

// One input message: bytes and their position. Views stay valid until the next Poll.
struct InputMessage {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string_view key;
  std::string_view value;
};

class RecordSource {
 public:
  // Called when partitions are assigned to this instance (group rebalance, or at Start for
  // a fixed assignment). The listener fills each start offset from its store (-2: from the
  // beginning). Called with the partitions going away before they are revoked.
  struct Listener {
    virtual ~Listener() = default;
    virtual Status OnAssigned(std::vector<std::pair<LogPartition, int64_t>>& starts) = 0;
    virtual void OnRevoked(const std::vector<LogPartition>& parts) = 0;
  };
  virtual ~RecordSource() = default;
  virtual Status Start(Listener* listener) = 0;
  // Up to max messages, waiting at most timeout_ms for the first. Per partition, offsets are
  // increasing. kDataLoss when a start offset is no longer in the log (retention): the engine
  // must report it loudly and stop, never skip.
  virtual Status Poll(size_t max, int timeout_ms, std::vector<InputMessage>* out) = 0;
  // True when every assigned partition has been read to its end as of the last poll.
  virtual bool CaughtUp() const = 0;
  // End offset (high watermark) and current position of each assigned partition, for lag.
  struct PartitionLag {
    LogPartition part;
    int64_t position = 0;
    int64_t end = 0;
  };
  virtual std::vector<PartitionLag> Lag() = 0;
  // Number of partitions of a topic (whatever this instance is assigned).
  virtual Result<int32_t> PartitionCount(const std::string& topic) = 0;
  virtual Status Close() = 0;
};

// ---------------------------------------------------------------------------------------
// Sinks: statement revisions and rejects (Kafka topics). Publishing the same
// (contract, year, revision) twice is harmless downstream; sinks must not reorder revisions
// of one key.
// ---------------------------------------------------------------------------------------
struct PublishedRecord {
  std::string key;    // "contract_id|performance_year" for statements
  std::string value;  // JSON text
  std::vector<std::pair<std::string, std::string>> headers;
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual Status Publish(const PublishedRecord& record) = 0;
  // Blocks until everything published so far is durably delivered (or fails).
  virtual Status Flush(int timeout_ms) = 0;
};

// ---------------------------------------------------------------------------------------
// Clock: wall time for metrics, timeouts and batch cadence only; never for any figure.
// ---------------------------------------------------------------------------------------
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMicros() const = 0;
};

// The system clock (CLI composition root only).
std::unique_ptr<Clock> NewSystemClock();

}  // namespace vbp
