#pragma once
// Continuous settlement (SPEC §5): input records from partitioned logs, state in a StateStore,
// statement revisions and rejects out.
//
// Data flow per step: poll reference data (providers, contracts: every instance reads all of
// it) and member-keyed input (claims, members: this instance's partitions) -> decode ->
// version semantics / upserts -> recompute only the affected members (all members when
// reference data changed) -> subtract their old contribution from the partition's contract
// aggregates and add the new one -> ONE atomic commit of the state changes together with the
// input offsets they consumed -> publish rejects and, at the revision cadence or when caught
// up, statement revisions.
//
// Exactly-once effect: offsets live in the same commit as the state they produced, and on
// (re)assignment the engine starts from its stored offsets. A crash at any instant leaves the
// store at a commit boundary; replaying from the stored offsets re-applies exactly what was
// not committed. Revisions are numbered by their input watermark (the number of input
// records they reflect: the sum of next offsets over the input partitions), so the same
// input gives the same (contract, year, revision) and the same bytes, crash or not; a
// duplicate publication is harmless downstream.
//
// Pipelining (StreamingOptions::pipeline, on by default): a step hands its batch to a second
// thread, which commits it and then publishes what depends on that commit (contract parts,
// rejects, statement revisions), while the engine thread polls, decodes and applies the next
// batch. At most one batch is in flight: the next step waits for it before submitting its
// own, so commits and publications keep their sequential order exactly (the same commits in
// the same order as without pipelining). A failed commit stops everything after it (no later
// batch is ever committed past it) and is returned by the next Step. The in-flight batch is
// finished before a partition assignment changes, before the contract plans are rebuilt,
// and before RunUntilCaughtUp/Run/Drain return.
//
// Parallel apply (StreamingOptions::parallel_apply, on by default): a helper thread and the
// driving thread take the partitions of each batch from a shared counter and decode, apply
// and recompute each into a batch of its own, committed in partition order
// (engine/README.md, "Threads").
//
// Threading: one thread drives Start/Step/Run; Metrics() may be called from any thread.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/core/claim_arena.h"
#include "engine/core/claim_versions.h"
#include "engine/core/contract_plan.h"
#include "engine/core/ports.h"
#include "engine/core/rule_registry.h"
#include "engine/core/serial_worker.h"
#include "engine/state/revision_seal.h"
#include "rules/core/settlement.h"

namespace vbp {

struct StreamingOptions {
  std::string topic_prefix = "vbp.";
  size_t batch_records_max = 20000;
  int poll_timeout_ms = 50;
  // Statement revisions are computed at most this often while input flows (and always when
  // the input is caught up). 0: after every batch.
  int64_t revision_interval_ms = 250;
  // RunUntilCaughtUp gives up with kUnavailable after this long without applying a record
  // while not caught up (brokers unreachable, partitions never assigned). 0: wait forever.
  int64_t stall_timeout_ms = 0;
  bool sync_commits = false;
  std::optional<Date> as_of;  // default: the latest paid_date seen (event time)
  bool keep_history = true;   // every input record version, with its position (audit)
  // Commit and publish batch N on a second thread while batch N+1 is polled and applied.
  bool pipeline = true;
  // Decode, apply and recompute the batch's partitions on two threads, the engine thread
  // and a helper (the DecodeFn must then be callable from two threads).
  bool parallel_apply = true;
  // RunUntilCaughtUp on the publishing instance waits this long for the other instances'
  // parts before giving up with kUnavailable.
  int64_t complete_view_timeout_ms = 60000;
  // Seals new statement revisions and checks stored ones (engine/state/revision_seal.h); no
  // key: plain sha256 seals.
  ChainKeys chain_keys;
};

// Decodes one input message into a domain record or a Reject (the codec adapter). Called
// from two threads at once when StreamingOptions::parallel_apply is set: keep it stateless
// or thread_local.
using DecodedRecord = std::variant<Claim, Member, Provider, Contract>;
struct DecodeOutcome {
  std::optional<DecodedRecord> record;
  std::optional<Reject> reject;
};
using DecodeFn =
    std::function<DecodeOutcome(std::string_view text, const SourcePos& pos, RecordKind kind)>;

struct EngineMetrics {
  RunCounts counts;  // member-keyed partitions owned here + reference data
  int64_t batches = 0;
  int64_t messages = 0;
  int64_t commits = 0;
  int64_t revisions_published = 0;
  int64_t rejects_published = 0;
  int64_t members_recomputed = 0;
  std::vector<int64_t> batch_latency_buckets_us;  // counts per bucket of kLatencyBoundsUs
  int64_t batch_latency_sum_us = 0;
  std::vector<RecordSource::PartitionLag> lag;
  uint64_t state_bytes = 0;
  bool caught_up = false;
  std::string last_error;
  // The contract plans' warnings (TIN conflicts, rule sets documented for another performance
  // year), as of the last change of contracts; `vbp run` logs each new one.
  std::vector<std::string> plan_warnings;
  // (contract_id, performance_year) -> Clock::NowMicros() when its latest revision was
  // delivered to the statements topic (operators' freshness metric; never in a figure).
  std::map<std::pair<std::string, int>, int64_t> last_revision_micros;
};
inline constexpr int64_t kLatencyBoundsUs[] = {1000,   5000,   10000,   50000,  100000,
                                               250000, 500000, 1000000, 5000000};

// One published statement revision (also kept in Space::kRevisions).
struct StatementRevision {
  ContractId contract_id;
  int performance_year = 0;
  int64_t revision = 0;
  std::string json;  // the statement as published
};

class StreamingEngine : private RecordSource::Listener {
 public:
  struct Ports {
    StateStore* state = nullptr;
    RecordSource* input = nullptr;      // claims + members (this instance's partitions)
    RecordSource* reference = nullptr;  // providers + contracts (all partitions)
    RecordSink* statements = nullptr;
    RecordSink* rejects = nullptr;
    const Clock* clock = nullptr;
    // Optional, for several instances in one group: every instance publishes its partitions'
    // contract parts to `parts`; the publishing instance reads all of them from
    // `parts_source` and publishes a revision only when it holds a part for every partition.
    RecordSink* parts = nullptr;
    RecordSource* parts_source = nullptr;
  };

  StreamingEngine(StreamingOptions options, Ports ports, DecodeFn decode,
                  const RuleRegistry* registry);
  ~StreamingEngine() override;

  // Loads reference data and pending publications from the store, then starts the sources
  // (which call back with assignments).
  Status Start();
  // One poll-apply-commit-publish cycle. Returns true when input was processed. With
  // pipelining the commit and publications of this step may still be in flight when it
  // returns (Drain waits for them); an earlier step's failed commit is returned here.
  Result<bool> Step();
  // Waits until every step's commit and publications are done and their deliveries
  // confirmed; the first error of any.
  Status Drain();
  // Steps until every assigned partition is read to its end, then publishes the final
  // revisions. kDataLoss and other errors stop it.
  Status RunUntilCaughtUp();
  // Steps until `stop` is set.
  Status Run(const std::atomic<bool>& stop);

  EngineMetrics Metrics() const;
  // The latest revision of every statement in the store, sorted by (year, contract_id); each
  // passes its tamper check (CheckStoredRevision) under `keys`.
  static Result<std::vector<StatementRevision>> LatestRevisions(const StateStore& state,
                                                                const ChainKeys& keys = {});
  // The record counts of a state store: every partition's and the reference data's, summed.
  static Result<RunCounts> StoredCounts(const StateStore& state);
  // Every stored revision of one contract and year, in revision order (tamper-checked).
  static Result<std::vector<StatementRevision>> Revisions(const StateStore& state,
                                                          const ContractId& contract, int year,
                                                          const ChainKeys& keys = {});

 private:
  struct Shard;
  struct MemberSlot;  // one member of a shard: its record, effective claims, contributions
  // Another instance's latest published view of one partition.
  struct RemotePart {
    int64_t next_claims = 0;
    int64_t next_members = 0;
    std::optional<Date> max_paid;
    std::map<std::pair<int, ContractId>, rules::ContractAggregate> parts;
    int64_t watermark() const { return next_claims + next_members; }
  };
  struct Contribution {
    int year = 0;
    ContractId contract;
    rules::ContractAggregate aggregate;
  };

  Status OnAssigned(std::vector<std::pair<LogPartition, int64_t>>& starts) override;
  void OnRevoked(const std::vector<LogPartition>& parts) override;

  Status LoadReference();
  Status LoadShard(int32_t partition);
  void RebuildPlans();
  // ApplyInput, ApplyClaim, ApplyMember, Recompute and FinishShard touch only the message's
  // shard, `batch` and `rejects` (and read the roster and plans): two threads apply disjoint
  // sets of partitions at once. ApplyReference runs on the driving thread only.
  void ApplyReference(const InputMessage& m, StateStore::Batch& batch, bool* changed,
                      std::vector<std::string>& rejects);
  // `shard` is the message's partition's (callers look it up once, and skip messages of a
  // partition already revoked).
  void ApplyInput(Shard& shard, const InputMessage& m, StateStore::Batch& batch,
                  std::vector<std::string>& rejects);
  void ApplyClaim(Shard& shard, Claim c, StateStore::Batch& batch,
                  std::vector<std::string>& rejects);
  void ApplyMember(Shard& shard, Member m, StateStore::Batch& batch);
  // Counts a reject and adds its JSON line to `rejects`; StoreRejects numbers the lines, puts
  // them in the batch and queues them for publication.
  // (`count` false: already counted, e.g. a version conflict.)
  void AddReject(Reject r, RecordKind kind, Shard* shard, std::vector<std::string>& rejects,
                 bool count = true);
  void StoreRejects(std::vector<std::string>& lines, StateStore::Batch& batch);
  // Recomputes the shard's dirty members and writes its metadata (offsets, counters, parts).
  void FinishShard(Shard& shard, bool all_members, StateStore::Batch& batch);
  void Recompute(Shard& shard, const std::string& member_id, MemberSlot& slot,
                 StateStore::Batch& batch);
  void WriteShardMeta(Shard& shard, StateStore::Batch& batch);
  // A decided revision round: what the statements are computed from, captured on the engine
  // thread (the totals of the contract parts, the input watermark) and published after the
  // batch it reflects is committed.
  struct RevisionRound {
    bool force = false;
    int64_t watermark = 0;
    nlohmann::ordered_json input_watermark;
    struct Item {
      const YearPlan* plan = nullptr;
      const ResolvedContract* contract = nullptr;
      Date as_of;
      rules::ContractAggregate total;
    };
    std::vector<Item> items;
  };
  // What one step hands to the worker: runs in this order after the previous step's.
  struct StepOutput {
    // Committed as one atomic batch, in this order: `batch` (reference data, or everything
    // when the step ran on one thread), the partitions' batches in partition order, `tail`.
    StateStore::Batch batch;
    std::vector<StateStore::Batch> partitions;
    StateStore::Batch tail;
    std::vector<PublishedRecord> parts;
    std::vector<std::pair<std::string, std::string>> rejects;  // kMeta key, JSON line
    std::optional<RevisionRound> revisions;
    bool flush = false;  // confirm earlier steps' deliveries before this step publishes
  };
  // Step's parts (streaming_engine.cc): reference data first, then the input on two threads
  // by partition (`split`) or on this one, then the step's metrics.
  Status PollReference(StateStore::Batch& batch, bool* changed, size_t* processed,
                       std::vector<std::string>& rejects);
  Status ApplySplit(const std::vector<InputMessage>& input, StepOutput* out,
                    std::vector<std::string>& rejects);
  Status ApplyHere(const std::vector<InputMessage>& input, bool reference_changed,
                   StateStore::Batch& batch, std::vector<std::string>& rejects);
  void RecordStepMetrics(size_t processed, bool commits, bool caught_up, int64_t elapsed_us,
                         int64_t recomputed);
  // Runs on the worker (or inline): touches only the ports, plans_ and metrics.
  Status CommitAndPublish(StepOutput& out);
  Status PublishRejects(const std::vector<std::pair<std::string, std::string>>& rejects);
  Status PublishRevisions(const RevisionRound& round);
  // Waits for the sinks' deliveries, then deletes the markers of the delivered rejects and
  // revisions (what a restart would otherwise publish again).
  Status FlushSinks();
  Status PublishPendingRevisions();
  std::vector<PublishedRecord> PartsRecords();
  Status PollRemoteParts();
  // True when every input partition has a local shard or a remote part.
  bool CompleteView() const;
  // Decides whether a revision round is due and captures it.
  Result<std::optional<RevisionRound>> MaybeRevisionRound(bool force);
  bool IsLeader() const { return shards_.count(0) != 0; }
  Result<int64_t> InputWatermark() const;
  // Records a non-OK status as the metrics' last error; returns it.
  Status Stopped(Status st);
  const std::string& TopicOf(RecordKind kind) const;

  StreamingOptions options_;
  TopicNames topics_;
  Ports ports_;
  DecodeFn decode_;
  const RuleRegistry* registry_;

  // Reference data (replicated).
  rules::ProviderRoster roster_;
  std::map<ContractId, Contract> contracts_;
  std::vector<std::unique_ptr<ResolvedContract>> resolved_;
  std::vector<YearPlan> plans_;
  std::map<LogPartition, int64_t> reference_offsets_;
  KindCounts provider_counts_;
  KindCounts contract_counts_;

  std::map<int32_t, std::unique_ptr<Shard>> shards_;
  std::map<int32_t, RemotePart> remote_;
  int32_t input_partitions_ = 0;
  std::set<int32_t> parts_to_publish_;
  // Rejects of this step: kMeta key and JSON line, committed with the step, published after.
  std::vector<std::pair<std::string, std::string>> pending_rejects_;
  int64_t pending_reject_seq_ = 0;
  int64_t last_revision_us_ = 0;
  int64_t last_lag_us_ = 0;
  bool input_since_revision_ = false;
  // Input arrived since the last forced (caught-up) round: the final revision at the caught-up
  // watermark is due even if interval rounds since then found no statement changed.
  bool final_due_ = false;
  std::vector<std::string> pending_keys_;  // kMeta keys of committed, unpublished revisions
  // The step number of this step's history keys (engine/state/history_key.h); read by the apply
  // threads, advanced by the engine thread between steps.
  uint64_t history_step_ = 0;

  mutable std::mutex metrics_mu_;
  EngineMetrics metrics_;

  // Worker thread only: published, delivery not yet confirmed (kMeta keys).
  std::vector<std::string> unflushed_rejects_;
  std::vector<std::string> unflushed_revisions_;
  std::vector<std::pair<std::string, int>> unflushed_revision_ids_;  // (contract, year)
  int64_t last_flush_us_ = 0;

  // Last members: destroyed (drained and joined) before everything their jobs use.
  std::unique_ptr<SerialWorker> helper_;  // the second apply thread (parallel_apply)
  std::unique_ptr<SerialWorker> worker_;
};

}  // namespace vbp
