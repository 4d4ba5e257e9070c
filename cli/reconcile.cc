// vbp reconcile: a provider's member list and claim totals (CSV) against the engine's roster
// and expenditure for one contract; every difference with its reason (engine/report/reconcile.h).
// Exit 1 when it finds a difference (as `vbp verify` does on a finding; README.md "Exit codes"),
// so that a scheduled reconciliation cannot pass silently; --exit-zero opts out.
#include "engine/report/reconcile.h"

#include "cli/chain_key.h"
#include "cli/common.h"
#include "cli/verbs.h"
#include "connectors/api/snapshot.h"

namespace vbp::cli {
namespace {

struct ReconcileFlags {
  std::string contract;
  std::string state;
  std::string data;
  std::string theirs;
  std::string out;
  std::string html;
  std::vector<std::string> rules;
  std::string as_of;
  int threads = 2;
  bool exit_zero = false;
  std::string chain_key;
};

int Run(const ReconcileFlags& f) {
  if (f.state.empty() == f.data.empty()) {
    return Fail("reconcile", Status::Invalid("give exactly one of --state DIR and --data DIR"));
  }
  auto text = ReadFile(f.theirs);
  if (!text.ok()) return Fail("reconcile", text.status());
  auto theirs = ParseTheirCsv(*text);
  if (!theirs.ok()) {
    return Fail("reconcile", Status::Invalid(f.theirs + ": " + theirs.status().message()));
  }
  auto registry = LoadRegistry(f.rules);
  if (!registry.ok()) return Fail("reconcile", registry.status());
  api::SnapshotOptions o;
  o.threads = f.threads;
  if (!f.state.empty()) {
    auto keys = LoadChainKeys(f.chain_key, f.state);
    if (!keys.ok()) return Fail("reconcile", keys.status());
    o.chain_keys = std::move(keys).value();
  }
  if (!f.as_of.empty()) {
    if (!f.state.empty()) {
      return Fail("reconcile", Status::Invalid("--as-of applies to --data only"));
    }
    auto d = Date::Parse(f.as_of);
    if (!d.ok()) return Fail("reconcile", Status::Invalid("--as-of: " + d.status().message()));
    o.as_of = *d;
  }
  auto snap = f.state.empty() ? api::LoadDataSnapshot(f.data, &*registry, o)
                              : api::LoadStateSnapshot(f.state, &*registry, o);
  if (!snap.ok()) return Fail("reconcile", snap.status());
  for (const auto& n : (*snap)->notes) Log("warn", n);
  const BookContract* c = (*snap)->book->FindContract(ContractId(f.contract));
  if (!c) {
    std::string known;
    for (const auto& k : (*snap)->book->contracts())
      known += (known.empty() ? "" : ", ") + k.id.str();
    return Fail("reconcile", Status::NotFound("no usable contract " + f.contract + " (known: " +
                                              (known.empty() ? "none" : known) + ")"));
  }
  ReconcileReport report = Reconcile(*(*snap)->book, *c, *theirs);
  const std::string csv = ReconcileCsv(report);
  nlohmann::ordered_json json = ReconcileJson(report);
  json["theirs"] = f.theirs;
  json["source"] = (f.state.empty() ? "data:" + f.data : "state:" + f.state);
  if (f.out.empty()) {
    std::fputs(csv.c_str(), stdout);
  } else {
    std::string base = f.out;
    for (const char* ext : {".csv", ".json"}) {
      const std::string e = ext;
      if (base.size() > e.size() && base.compare(base.size() - e.size(), e.size(), e) == 0) {
        base.resize(base.size() - e.size());
        break;
      }
    }
    Status st = WriteFile(base + ".csv", csv);
    if (st.ok()) st = WriteFile(base + ".json", json.dump(2) + "\n");
    if (!st.ok()) return Fail("reconcile", st);
  }
  if (!f.html.empty()) {
    Status st =
        WriteFile(f.html, ReconcileHtml(report, f.theirs, json["source"].get<std::string>()));
    if (!st.ok()) return Fail("reconcile", st);
  }
  std::fprintf(stderr,
               "vbp reconcile: %s %d as of %s: %lld of your %lld members attributed (we count "
               "%lld); %zu difference(s)%s\n",
               report.contract_id.str().c_str(), report.performance_year,
               report.as_of.ToString().c_str(), static_cast<long long>(report.members_in_both),
               static_cast<long long>(report.their_members),
               static_cast<long long>(report.our_members), report.differences.size(),
               f.out.empty() ? "" : (" written to " + f.out).c_str());
  for (const auto& n : report.notes) std::fprintf(stderr, "note: %s\n", n.c_str());
  return report.differences.empty() || f.exit_zero ? 0 : 1;
}

}  // namespace

void AddReconcileCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "reconcile",
      "Compare a provider's member list and claim totals (CSV) with a contract's roster and "
      "expenditure; list every difference with its reason (exit 1 when there is one)");
  auto f = std::make_shared<ReconcileFlags>();
  cmd->add_option("--contract", f->contract, "contract_id")->required();
  cmd->add_option("--state", f->state, "state directory of `vbp run` (read-only)");
  AddChainKeyOption(cmd, &f->chain_key);
  cmd->add_option("--data", f->data, "settle data directory");
  cmd->add_option("--theirs", f->theirs,
                  "the provider's CSV: member_id[,claim_id][,expected_paid][,claim_count] "
                  "(engine/report/reconcile.h)")
      ->required();
  cmd->add_option("--out", f->out,
                  "write BASE.csv and BASE.json (a trailing .csv/.json is dropped); default: "
                  "CSV on stdout");
  cmd->add_option("--html", f->html,
                  "also write a self-contained HTML page to FILE: summary first, then every "
                  "difference in a sortable, filterable table");
  cmd->add_option("--rules", f->rules, "rule set file to load (repeatable)");
  cmd->add_option("--as-of", f->as_of, "--data only: claims paid after this date do not count");
  cmd->add_option("--threads", f->threads, "threads for loading and evaluation (default 2)");
  cmd->add_flag("--exit-zero", f->exit_zero, "exit 0 even when differences are found");
  cmd->callback([f, exit_code] { *exit_code = Run(*f); });
}

}  // namespace vbp::cli
