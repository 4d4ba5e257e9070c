#pragma once
// Audit of a streaming state store (SPEC §5 "history is kept: any past statement revision can
// be recomputed bit for bit"): recalculation of stored revisions from the input history,
// tamper evidence over the revision hash chains, and history retention.
//
// What the store keeps (engine/README.md, "Streaming state layout"): `history` holds the raw
// text of every input message with its topic, partition and offset; `revisions` holds every
// published revision, numbered by its input watermark (Σ next offsets over the input
// partitions) and hash-chained per (contract, year); `meta` holds the rule sets contracts
// resolved against. A revision's `revision_info.input_watermark` names, per partition, the
// offset below which input counted. Replaying exactly those messages through a fresh
// StreamingEngine over in-memory ports therefore rebuilds the state that revision was settled
// from — the engine's state after a set of per-partition prefixes does not depend on how they
// were batched or interleaved — and settles the same statement.
//
// Recalculation is byte-exact on the whole revision text: the statement body comes from the
// replay; `revision_info` is rebuilt from the replay's input watermark and the stored
// predecessor (previous revision, its hash, deltas against its figures), and `hash` is
// recomputed. The predecessor's own integrity is what the chain check establishes.
//
// Threading: none; every function runs on the caller's thread. The store is only read, except
// by CompactHistory.

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/ports.h"
#include "engine/core/rule_registry.h"
#include "engine/stream/streaming_engine.h"

namespace vbp::audit {

// One stored revision: the key it is stored under and the text as stored.
struct StoredRevision {
  int64_t key_revision = 0;  // from the key (contract \0 u32 year u64 revision)
  std::string text;
};

// Every stored revision of one (contract, year), in key order.
struct RevisionChain {
  ContractId contract_id;
  int year = 0;
  std::vector<StoredRevision> revisions;
};

// Every chain in the store, sorted by (contract_id, year) key bytes.
Result<std::vector<RevisionChain>> LoadChains(const StateStore& state);

// One problem (or note) found by verification.
struct Finding {
  enum class Severity { kError, kWarning, kNote };
  Severity severity = Severity::kError;
  std::string contract_id;
  int year = 0;
  int64_t revision = 0;  // the stored key's revision (0 when not about one revision)
  // "json", "key", "hash", "previous_revision", "previous_hash", "order", "watermark",
  // "missing", "figures", "revision_info", "not_recomputable", "tail", "replay", "key", "seal",
  // "anchor".
  std::string what;
  std::string detail;
};
const char* SeverityName(Finding::Severity s);
nlohmann::ordered_json FindingJson(const Finding& f);

// Tamper evidence from the stored bytes alone (SPEC §5, issue 4 item 3): every revision parses,
// sits under the key its own contract/year/revision name, is stored in the engine's canonical
// form, carries a valid seal of itself without "hash" (revision_seal.h), names the stored
// predecessor's revision and hash (0 and "" for the first), has revision numbers strictly
// increasing and equal to the sum of its input watermark, and input watermarks that never decrease.
// Seals are checked under `keys` (a keyed seal whose key is not configured is an error of
// kind "key"; a sha256 seal after a keyed revision one of kind "seal").
std::vector<Finding> CheckChain(const RevisionChain& chain, const ChainKeys& keys = {});

// The input-history index: (topic, partition) -> messages by offset. Only keys are held; the
// message text is read from the store when replayed.
struct HistoryEntry {
  int64_t offset = 0;
  char kind = 0;      // 'c' claim, 'm' member, 'p' provider, 'k' contract, 'x' rejected
  std::string group;  // claim_id, member_id, npi, contract_id ("" for rejected)
  std::string key;    // the full history key
};
struct HistoryIndex {
  std::map<LogPartition, std::vector<HistoryEntry>> partitions;  // sorted by offset
  size_t messages = 0;                                           // distinct positions
  // Keys of later copies of a message at a position already indexed (the same text read
  // again after the state's offsets were reset by hand): not replayed, dropped by retention.
  // Different text at one position is kDataLoss.
  std::vector<std::string> copies;
  static Result<HistoryIndex> Load(const StateStore& state);
};

// Parses an input_watermark object ({"vbp.claims[0]": 17, ...}).
Result<std::map<LogPartition, int64_t>> ParseWatermark(const nlohmann::ordered_json& wm);

// What a retention run left behind (meta "history_compacted"): history below `floor` holds only
// the messages that determine the state at `floor`; revisions whose watermark is not at or
// above `floor` in every partition can no longer be recomputed (their chain is still checked).
struct CompactionInfo {
  int64_t before_revision = 0;
  std::map<LogPartition, int64_t> floor;
  int64_t dropped = 0;
};
Result<std::optional<CompactionInfo>> LoadCompaction(const StateStore& state);

// The registry a replay resolves contracts with: the shipped rule sets, then `extra` (the
// run's --rules files, when the store predates stored rule sets), then every rule set stored
// in the state's meta family (what the contracts actually resolved against).
Result<RuleRegistry> ReplayRegistry(const StateStore& state, const RuleRegistry& extra);

struct ReplayOptions {
  const RuleRegistry* registry = nullptr;
  DecodeFn decode;
  // Messages per engine step during the replay (batching does not change any figure).
  size_t batch_records_max = 20000;
  // Called with a short progress line (revisions done / total) on long runs; may be empty.
  std::function<void(const std::string&)> progress;
  // Checks the stored revisions' seals; recomputed revisions are sealed like the stored ones.
  ChainKeys chain_keys;
};

// The outcome of recomputing one stored revision.
struct RecalcResult {
  ContractId contract_id;
  int year = 0;
  int64_t revision = 0;
  std::string stored_text;
  std::string recomputed_text;           // the whole revision, revision_info and hash included
  bool identical = false;                // byte for byte
  bool body_identical = false;           // without revision_info and hash
  std::string as_of_mode;                // "data" (latest paid date) or "fixed YYYY-MM-DD"
  std::vector<std::string> differences;  // "path: stored X, recomputed Y"
  std::string error;                     // set when it could not be recomputed at all
};

// Recomputes one stored revision (contract, year, revision) from history.
Result<RecalcResult> Recalculate(const StateStore& state, const ContractId& contract, int year,
                                 int64_t revision, const ReplayOptions& options);

// The latest stored revision of (contract, year) whose statement as_of <= `as_of`, or
// kNotFound. (Its revision number is its input watermark; as_of is the statement's own.)
Result<int64_t> RevisionAsOf(const StateStore& state, const ContractId& contract, int year,
                             Date as_of, const ChainKeys& keys = {});

// A published revision kept outside the state (a consumer's copy of the statements topic, an
// ACO's statement): the stored chain must hold it with exactly this seal.
struct Anchor {
  std::string contract_id;
  int year = 0;
  int64_t revision = 0;
  std::string hash;
  std::string source;  // "anchors.ndjson line 3", for the finding
};

struct VerifyOptions {
  ReplayOptions replay;
  std::vector<Anchor> anchors;
  // 0: recompute every revision; else this many, chosen by a seeded shuffle.
  size_t sample = 0;
  uint64_t seed = 1;
  bool recompute = true;  // false: chain checks only
};

struct VerifyReport {
  size_t chains = 0;
  size_t revisions = 0;
  size_t recomputed = 0;
  size_t identical = 0;
  size_t not_recomputable = 0;
  int64_t state_watermark = 0;  // Σ current offsets of the store
  std::vector<Finding> findings;
  std::vector<RecalcResult> mismatches;  // recomputed revisions that differ
  bool ok() const;                       // no finding of severity error
};

// Chain checks of every revision, recomputation of every (or a sample of) revision(s), a
// check that every publication round holds a revision for each contract whose statement
// changed in it, and a check of the latest revisions against the state's current input
// position (a deleted last revision shows there when the engine published at that position).
Result<VerifyReport> Verify(const StateStore& state, const VerifyOptions& options);

struct CompactOptions {
  // Revisions numbered at or above this stay recomputable; history below the lowest input
  // position they need keeps only the messages that determine the state there.
  int64_t before_revision = 0;
  DecodeFn decode;
  bool dry_run = false;
};
struct CompactReport {
  CompactionInfo info;
  int64_t messages = 0;       // history messages before
  int64_t dropped = 0;        // deleted now
  int64_t bytes_dropped = 0;  // their text bytes
  size_t revisions_kept_recomputable = 0;
  size_t revisions_not_recomputable = 0;
};
// History retention. Requires exclusive write access (the engine stopped). Within each group
// (claim_id, member_id, (npi, effective), contract_id per partition) below the floor it keeps
// the message that is effective at the floor, the claim message carrying each partition's
// latest paid date (it sets the statements' as_of) and the last message of each partition (it
// sets the input watermark); rejected messages and superseded versions go. Statements at or
// above the floor replay identically (tests/audit).
Result<CompactReport> CompactHistory(StateStore& state, const CompactOptions& options);

}  // namespace vbp::audit
