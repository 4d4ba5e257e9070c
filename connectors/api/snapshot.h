#pragma once
// What the provider API serves: one consistent, immutable snapshot of statements, revisions
// and the records behind them (a ReconcileBook), loaded from
//   - a settle data directory (`--data DIR`: members/providers/contracts/claims NDJSON),
//     settled here exactly as `vbp settle` does; each statement is revision 1; or
//   - a state directory of `vbp run` (`--state DIR`), opened READ-ONLY: statements and
//     revisions as published (hash-chained), members and claims as committed, claim history
//     from the `history` family. RocksDB's read-only open sees exactly the last committed
//     batch; it is refused while a writer holds the directory (stop the instance, or point
//     --state at a checkpoint). Everything served is copied into memory during the load and
//     the directory is closed again, so a writer is kept out only while a load runs.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/status.h"
#include "engine/core/rule_registry.h"
#include "engine/report/reconcile_book.h"
#include "engine/state/revision_seal.h"

namespace vbp::api {

struct StoredRevision {
  int64_t revision = 0;
  Date as_of;
  std::vector<std::string> tins;  // detail.tins: the TINs that counted for this statement
  std::string json;               // the statement as published
};

struct Snapshot {
  std::string source;  // "data" or "state"
  std::string path;
  // State directories: the caller's rule sets plus those the engine stored in `meta` (the
  // ones its contracts resolved against); declared before `book`, which points into it.
  std::unique_ptr<RuleRegistry> registry;
  std::unique_ptr<ReconcileBook> book;
  // Every contract record read (usable or not), by contract_id.
  std::map<ContractId, Contract> contracts;
  // contract -> year -> revisions in revision order.
  std::map<ContractId, std::map<int, std::vector<StoredRevision>>> revisions;
  // Facts worth telling an operator (roster and statement out of step, rejected contracts).
  std::vector<std::string> notes;
};

struct SnapshotOptions {
  std::optional<Date> as_of;  // data directories only (state: each revision's own as-of)
  int threads = 2;
  ChainKeys chain_keys;  // state: every revision is served only when its seal holds
};

// `registry` must outlive the snapshot.
Result<std::unique_ptr<Snapshot>> LoadDataSnapshot(const std::string& dir,
                                                   const RuleRegistry* registry,
                                                   const SnapshotOptions& options);
Result<std::unique_ptr<Snapshot>> LoadStateSnapshot(const std::string& dir,
                                                    const RuleRegistry* registry,
                                                    const SnapshotOptions& options);

}  // namespace vbp::api
