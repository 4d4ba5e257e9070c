// vbp whatif: settle one snapshot of input under two rule setups and report the differences
// contract by contract and member by member (engine/report/whatif.h). The live state is never
// written: --state is snapshotted (a hard-linked copy taken under the directory's shared
// read lock, i.e. a checkpoint made by a reader) and both sides read that one snapshot.
#include "engine/report/whatif.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "cli/settle_input.h"
#include "cli/verbs.h"
#include "connectors/files/ndjson_stream.h"
#include "connectors/rocksdb/rocksdb_state_store.h"
#include "engine/audit/audit.h"

namespace vbp::cli {
namespace {

namespace fs = std::filesystem;

// A consistent copy of a stopped engine's state directory in a temporary directory
// (RocksDbStateStore::CopyStopped); the live directory is only read.
Result<std::string> Snapshot(const std::string& dir, size_t* files) {
  std::string tmpl = (fs::temp_directory_path() / "vbp-whatif-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) return Status::Io("cannot create a temporary directory");
  const std::string snap = (fs::path(tmpl) / "state").string();
  auto copied = RocksDbStateStore::CopyStopped(dir, snap);
  if (!copied.ok()) return copied.status();
  *files = *copied;
  return snap;
}

// --set name=value: the value is JSON ([...], {...}, "text", 12) when it parses as such and
// is not a binary-inexact number; otherwise it is taken as a string ("0.039").
Result<nlohmann::json> ParseOverrides(const std::vector<std::string>& sets) {
  nlohmann::json out = nlohmann::json::object();
  const auto& names = rules::ParameterNames();
  for (const auto& s : sets) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::Invalid("--set '" + s + "': expected name=value");
    }
    const std::string name = s.substr(0, eq);
    const std::string text = s.substr(eq + 1);
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      return Status::Invalid("--set " + name + ": no such parameter (rules/README.md lists them)");
    }
    auto v = nlohmann::json::parse(text, nullptr, false);
    if (v.is_discarded() || v.is_number_float()) v = text;
    out[name] = v;
  }
  return out;
}

struct Side {
  const rules::RuleSet* rule_set = nullptr;  // null: each contract's own
  std::string id;
};

// "own" (each contract's own rule set), a rule set id, or a rule set file (loaded).
Result<Side> ResolveSide(const std::string& spec, RuleRegistry* registry) {
  if (spec == "own") return Side{nullptr, "own"};
  struct stat st {};
  if (::stat(spec.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    auto text = ReadFile(spec);
    if (!text.ok()) return text.status();
    auto rs = rules::RuleSet::FromText(*text, spec);
    if (!rs.ok()) return rs.status();
    const rules::RuleSet* existing = registry->Find(rs->id());
    if (existing && existing->hash() != rs->hash()) {
      return Status::Invalid(spec + " is rule set " + rs->id() +
                             ", which is already loaded with other content (" + existing->hash() +
                             "): give the file another version");
    }
    VBP_RETURN_IF_ERROR(registry->AddText(*text, spec));
    return Side{registry->Find(rs->id()), rs->id()};
  }
  const rules::RuleSet* rs = registry->Find(spec);
  if (!rs) {
    std::string known;
    for (const auto& id : registry->Ids()) known += (known.empty() ? "" : ", ") + id;
    return Status::NotFound("'" + spec + "' is neither a rule set file nor a loaded rule set (" +
                            known + ", or own)");
  }
  return Side{rs, spec};
}

struct WhatIfFlags {
  std::string state;
  std::string data;
  std::string rules_a;
  std::string rules_b;
  std::vector<std::string> sets;
  std::string out;
  std::string as_of;
  std::vector<std::string> extra_rules;
  bool apply_over_contracts = false;
  bool quiet = false;
};

int WhatIf(const WhatIfFlags& f) {
  if (f.state.empty() == f.data.empty()) {
    std::fprintf(stderr, "vbp whatif: pass exactly one of --state DIR and --data DIR\n");
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const bool progress = !f.quiet;
  auto log = [&](const std::string& line) {
    if (progress) {
      std::fprintf(stderr, "%s\n", line.c_str());
      std::fflush(stderr);
    }
  };
  auto loaded = LoadRegistry(f.extra_rules);
  if (!loaded.ok()) return Fail("whatif", loaded.status());
  RuleRegistry registry = std::move(loaded).value();
  auto overrides = ParseOverrides(f.sets);
  if (!overrides.ok()) return Fail("whatif", overrides.status());
  std::optional<Date> as_of;
  if (!f.as_of.empty()) {
    auto d = Date::Parse(f.as_of);
    if (!d.ok()) return Fail("whatif", Status::Invalid("--as-of: " + d.status().message()));
    as_of = *d;
  }

  audit::AuditBook book;
  std::string source;
  std::string snapshot_root;
  if (!f.state.empty()) {
    size_t files = 0;
    auto snap = Snapshot(f.state, &files);
    if (!snap.ok()) return Fail("whatif", snap.status());
    snapshot_root = fs::path(*snap).parent_path().string();
    log("snapshot of " + f.state + ": " + std::to_string(files) + " files in " + *snap);
    auto store = RocksDbStateStore::OpenReadOnly(*snap, RocksDbOptions{});
    if (!store.ok()) return Fail("whatif", store.status());
    Status st = audit::LoadStateRecords(**store, &book);
    if (!st.ok()) return Fail("whatif", st);
    auto r = audit::ReplayRegistry(**store, registry);
    if (!r.ok()) return Fail("whatif", r.status());
    registry = std::move(r).value();
    source = "state " + f.state + " (snapshot)";
  } else {
    Status st = LoadDirectory(f.data, &book, {2, progress && isatty(STDERR_FILENO)});
    if (!st.ok()) return Fail("whatif", st);
    source = "data " + f.data;
  }
  book.Finish();
  log("input: " + std::to_string(book.member_ids().size()) + " members, " +
      std::to_string(book.contracts().size()) + " contracts, " +
      std::to_string(book.claim_versions_read()) + " claim versions");

  auto a = ResolveSide(f.rules_a, &registry);
  if (!a.ok()) return Fail("whatif", Status::Invalid("--rules: " + a.status().message()));
  auto b = ResolveSide(f.rules_b, &registry);
  if (!b.ok()) return Fail("whatif", Status::Invalid("--vs: " + b.status().message()));
  std::function<void(const std::string&)> report;
  // Per-step progress only on a terminal: piped to a file or a CI log it is noise.
  if (progress && isatty(STDERR_FILENO)) report = log;
  // Side B's values applied over every contract's own: --set, and with --apply-over-contracts
  // every parameter whose value differs between the sides.
  nlohmann::json b_over = *overrides;
  std::vector<std::string> applied;
  if (f.apply_over_contracts) {
    auto changes = audit::CompareParameters(book, registry, a->rule_set, b->rule_set, b_over);
    auto over = audit::ApplyChangesOverContracts(changes, b_over, &applied);
    if (!over.ok()) return Fail("whatif", over.status());
    b_over = std::move(over).value();
  }
  audit::SideSpec spec_a{a->rule_set, nlohmann::json::object(), as_of, "A"};
  audit::SideSpec spec_b{b->rule_set, b_over, as_of, "B"};
  auto ev_a = audit::Evaluation::Run(book, registry, spec_a, report);
  if (!ev_a.ok()) return Fail("whatif", ev_a.status());
  auto ev_b = audit::Evaluation::Run(book, registry, spec_b, report);
  if (!ev_b.ok()) return Fail("whatif", ev_b.status());
  for (const auto* ev : {ev_a->get(), ev_b->get()}) {
    for (const auto& [id, why] : ev->unresolved()) {
      std::fprintf(stderr, "note: side %s: contract %s is not usable: %s\n",
                   ev == ev_a->get() ? "A" : "B", id.str().c_str(), why.c_str());
    }
  }
  audit::WhatIfInput in;
  in.a = ev_a->get();
  in.b = ev_b->get();
  in.side_a = {a->id, a->rule_set ? a->rule_set->hash() : "", nlohmann::json::object()};
  in.side_b = {b->id, b->rule_set ? b->rule_set->hash() : "", *overrides};
  in.source = source;
  in.parameter_changes = audit::CompareParameters(book, registry, a->rule_set, b->rule_set, b_over);
  in.applied_over_contracts = f.apply_over_contracts;
  in.applied_parameters = applied;
  audit::WhatIfOutput out = audit::CompareSides(in);
  for (const auto& w : out.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());

  std::error_code ec;
  fs::create_directories(f.out, ec);
  if (ec) return Fail("whatif", Status::Io("cannot create " + f.out + ": " + ec.message()));
  for (const auto& [name, bytes] : std::vector<std::pair<std::string, std::string>>{
           {"deltas.json", out.deltas.dump(2) + "\n"},
           {"members.json", out.members.dump(2) + "\n"},
           {"members.csv", out.members_csv},
           {"contracts.csv", out.contracts_csv},
           {"report.html", out.html}}) {
    Status st = WriteFile(f.out + "/" + name, bytes);
    if (!st.ok()) return Fail("whatif", st);
  }
  if (!snapshot_root.empty()) fs::remove_all(snapshot_root, ec);

  std::printf("%-16s %5s %14s %14s %14s\n", "contract", "year", "net A", "net B", "delta");
  for (const auto& c : out.deltas["contracts"]) {
    const auto& n = c["figures"]["net_payment"];
    auto s = [](const nlohmann::ordered_json& v) {
      return v.is_null() ? std::string("-") : v.get<std::string>();
    };
    std::printf("%-16s %5d %14s %14s %14s\n", c["contract_id"].get<std::string>().c_str(),
                c["performance_year"].get<int>(), s(n["a"]).c_str(), s(n["b"]).c_str(),
                s(n["delta"]).c_str());
  }
  for (const auto& n : out.notices) std::printf("%s\n", n.c_str());
  if (!applied.empty()) {
    std::string names;
    for (const auto& n : applied) names += (names.empty() ? "" : ", ") + n;
    std::printf("Side B applied %s over the contracts' own values (--apply-over-contracts).\n",
                names.c_str());
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "%zu attribution moves, %zu expenditure changes; wrote %s/{deltas.json, "
      "contracts.csv, members.csv, members.json, report.html} in %.2f s\n",
      out.attribution_moves, out.expenditure_changes, f.out.c_str(), secs);
  return 0;
}

}  // namespace

void AddWhatIfCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "whatif", "Compare one snapshot of input settled under two rule setups (A vs B)");
  auto f = std::make_shared<WhatIfFlags>();
  cmd->add_option("--state", f->state, "state directory of a stopped engine, or a checkpoint");
  cmd->add_option("--data", f->data, "data directory (as for vbp settle)");
  cmd->add_option("--rules", f->rules_a,
                  "side A: a rule set id, a rule set file, or 'own' (each contract's own)")
      ->required();
  cmd->add_option("--vs", f->rules_b, "side B: a rule set id, a rule set file, or 'own'")
      ->required();
  cmd->add_option("--set", f->sets,
                  "side B parameter override for every contract, name=value (value as JSON, "
                  "or a string); repeatable");
  cmd->add_flag("--apply-over-contracts", f->apply_over_contracts,
                "side B's changed parameters replace the contracts' own values (by default a "
                "contract's own parameters win on both sides)");
  cmd->add_option("--out", f->out, "output directory")->required();
  cmd->add_option("--as-of", f->as_of, "as-of date for both sides (default: the latest paid date)");
  cmd->add_option("--load-rules", f->extra_rules, "extra rule set file to load; repeatable");
  cmd->add_flag("--quiet", f->quiet, "no progress on stderr");
  cmd->callback([f, exit_code] { *exit_code = WhatIf(*f); });
}

}  // namespace vbp::cli
