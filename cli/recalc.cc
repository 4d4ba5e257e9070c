// vbp recalc: recompute a stored statement revision from the input history, byte for byte.
// vbp compact: history retention (engine/audit/audit.h CompactHistory).
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/chain_key.h"
#include "cli/common.h"
#include "cli/verbs.h"
#include "connectors/rocksdb/rocksdb_state_store.h"
#include "connectors/stream/decode_port.h"
#include "engine/audit/audit.h"

namespace vbp::cli {
namespace {

// Opens a state directory for reading. A running engine holds it exclusively: read a
// checkpoint it wrote, or stop it (connectors/rocksdb/README.md).
Result<std::unique_ptr<RocksDbStateStore>> OpenState(const std::string& dir) {
  auto store = RocksDbStateStore::OpenReadOnly(dir, RocksDbOptions{});
  if (!store.ok() && store.status().code() == StatusCode::kUnavailable) {
    return Status::Unavailable(store.status().message() +
                               " -- a running engine holds it: stop it, or point --state at a "
                               "checkpoint of it");
  }
  return store;
}

// The one performance year of `contract` in the store, or the one asked for.
Result<int> YearOf(const StateStore& state, const ContractId& contract, int year) {
  auto chains = audit::LoadChains(state);
  if (!chains.ok()) return chains.status();
  std::vector<int> years;
  for (const auto& c : *chains) {
    if (c.contract_id == contract) years.push_back(c.year);
  }
  if (years.empty()) {
    return Status::NotFound("no stored revision of contract " + contract.str());
  }
  if (year != 0) return year;
  if (years.size() > 1) {
    std::string list;
    for (int y : years) list += (list.empty() ? "" : ", ") + std::to_string(y);
    return Status::Invalid("contract " + contract.str() + " has revisions for several years (" +
                           list + "): pass --year");
  }
  return years.front();
}

struct RecalcFlags {
  std::string state;
  std::string contract;
  int year = 0;
  int64_t revision = 0;
  std::string as_of;
  std::string out;
  std::vector<std::string> rules;
  std::string chain_key;
};

int Recalc(const RecalcFlags& f) {
  if ((f.revision > 0) == !f.as_of.empty()) {
    std::fprintf(stderr, "vbp recalc: pass exactly one of --revision N and --as-of YYYY-MM-DD\n");
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto store = OpenState(f.state);
  if (!store.ok()) return Fail("recalc", store.status());
  auto extra = LoadRegistry(f.rules);
  if (!extra.ok()) return Fail("recalc", extra.status());
  auto registry = audit::ReplayRegistry(**store, *extra);
  if (!registry.ok()) return Fail("recalc", registry.status());
  auto keys = LoadChainKeys(f.chain_key, f.state);
  if (!keys.ok()) return Fail("recalc", keys.status());
  const ContractId contract(f.contract);
  auto year = YearOf(**store, contract, f.year);
  if (!year.ok() && year.status().code() == StatusCode::kNotFound) {
    // The contract got no statement (its record was rejected, or never read): exit 3 as
    // settle and statements do.
    std::fprintf(stderr, "vbp recalc: %s; check the contract record on the rejects topic\n",
                 year.status().message().c_str());
    return kExitIncomplete;
  }
  if (!year.ok()) return Fail("recalc", year.status());
  int64_t revision = f.revision;
  if (!f.as_of.empty()) {
    auto d = Date::Parse(f.as_of);
    if (!d.ok()) return Fail("recalc", Status::Invalid("--as-of: " + d.status().message()));
    auto r = audit::RevisionAsOf(**store, contract, *year, *d, *keys);
    if (!r.ok()) return Fail("recalc", r.status());
    revision = *r;
    std::fprintf(stderr,
                 "as of %s: revision %lld (the latest whose statement as_of is on or before it)\n",
                 f.as_of.c_str(), static_cast<long long>(revision));
  }
  audit::ReplayOptions o;
  o.registry = &*registry;
  o.decode = stream::MakeJsonDecodeFn();
  o.chain_keys = *keys;
  auto r = audit::Recalculate(**store, contract, *year, revision, o);
  if (!r.ok()) return Fail("recalc", r.status());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!r->error.empty()) {
    std::fprintf(stderr, "vbp recalc: revision %lld of %s %d cannot be recomputed: %s\n",
                 static_cast<long long>(revision), f.contract.c_str(), *year, r->error.c_str());
    return 1;
  }
  if (!f.out.empty()) {
    Status st = WriteFile(f.out, r->recomputed_text + "\n");
    if (!st.ok()) return Fail("recalc", st);
  } else {
    std::printf("%s\n", r->recomputed_text.c_str());
  }
  if (r->identical) {
    std::fprintf(stderr,
                 "recomputed %s %d revision %lld from history (as-of: %s): identical to the "
                 "stored revision, byte for byte (%zu bytes, revision_info and hash included) "
                 "in %.2f s\n",
                 f.contract.c_str(), *year, static_cast<long long>(revision), r->as_of_mode.c_str(),
                 r->stored_text.size(), secs);
    return 0;
  }
  std::fprintf(stderr, "recomputed %s %d revision %lld DIFFERS from the stored revision (%s):\n",
               f.contract.c_str(), *year, static_cast<long long>(revision),
               r->body_identical ? "statement equal, revision_info/hash differ"
                                 : "statement figures differ");
  for (const auto& d : r->differences) std::fprintf(stderr, "  %s\n", d.c_str());
  std::fprintf(stderr, "run vbp verify --state %s to check the hash chain\n", f.state.c_str());
  return 1;
}

int Compact(const std::string& dir, int64_t before, bool dry_run) {
  auto store = RocksDbStateStore::Open(dir, RocksDbOptions{});
  if (!store.ok()) {
    return Fail("compact", Status(store.status().code(),
                                  store.status().message() +
                                      " -- compaction writes the state: stop the engine first"));
  }
  audit::CompactOptions o;
  o.before_revision = before;
  o.decode = stream::MakeJsonDecodeFn();
  o.dry_run = dry_run;
  auto r = audit::CompactHistory(**store, o);
  if (!r.ok()) return Fail("compact", r.status());
  Status closed = (*store)->Close();
  if (!closed.ok()) return Fail("compact", closed);
  std::string floor;
  for (const auto& [lp, v] : r->info.floor)
    floor += (floor.empty() ? "" : ", ") + lp.ToString() + "=" + std::to_string(v);
  std::printf("%s history before revision %lld: %lld of %lld messages (%lld bytes) %s\n",
              dry_run ? "would compact" : "compacted",
              static_cast<long long>(r->info.before_revision), static_cast<long long>(r->dropped),
              static_cast<long long>(r->messages), static_cast<long long>(r->bytes_dropped),
              dry_run ? "would go" : "deleted");
  std::printf("floor (input kept whole from here): %s\n", floor.c_str());
  std::printf(
      "revisions recomputable: %zu at or after revision %lld; no longer recomputable: %zu "
      "(their hash chain is still verified)\n",
      r->revisions_kept_recomputable, static_cast<long long>(r->info.before_revision),
      r->revisions_not_recomputable);
  return 0;
}

}  // namespace

void AddRecalcCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "recalc", "Recompute a stored statement revision from the input history (byte for byte)");
  auto f = std::make_shared<RecalcFlags>();
  cmd->add_option("--state", f->state, "state directory of a stopped engine, or a checkpoint")
      ->required();
  cmd->add_option("--contract", f->contract, "contract_id")->required();
  cmd->add_option("--year", f->year, "performance year (when the contract has several)");
  cmd->add_option("--revision", f->revision, "revision number (its input watermark)");
  cmd->add_option("--as-of", f->as_of,
                  "the latest revision whose statement as_of is on or before YYYY-MM-DD");
  cmd->add_option("--out", f->out, "write the recomputed revision here (default: stdout)");
  AddChainKeyOption(cmd, &f->chain_key);
  cmd->add_option("--rules", f->rules,
                  "rule set file the engine ran with (only for stores without stored rule sets)");
  cmd->callback([f, exit_code] { *exit_code = Recalc(*f); });

  auto* compact = app.add_subcommand(
      "compact", "History retention: drop superseded input below what later revisions need");
  auto state = std::make_shared<std::string>();
  auto before = std::make_shared<int64_t>(0);
  auto dry = std::make_shared<bool>(false);
  compact->add_option("--state", *state, "state directory (the engine must be stopped)")
      ->required();
  compact
      ->add_option("--before-revision", *before,
                   "revisions numbered at or above this stay recomputable")
      ->required();
  compact->add_flag("--dry-run", *dry, "report what would go, change nothing");
  compact->callback([=] { *exit_code = Compact(*state, *before, *dry); });
}

}  // namespace vbp::cli
