// vbp explain: why a member is (not) attributed, and which members and claim lines make up a
// statement figure (engine/report/explain.h), from a data directory or a state directory.
#include "engine/report/explain.h"

#include <sys/stat.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "cli/settle_input.h"
#include "cli/verbs.h"
#include "connectors/files/ndjson_stream.h"
#include "connectors/rocksdb/rocksdb_state_store.h"
#include "engine/audit/audit.h"
#include "engine/stream/streaming_engine.h"

namespace vbp::cli {
namespace {

struct ExplainFlags {
  std::string member;
  std::string contract;
  std::string figure;
  std::string state;
  std::string data;
  int year = 0;
  std::string format = "text";
  std::string as_of;
  std::string out;
  std::vector<std::string> rules;
};

int Explain(const ExplainFlags& f) {
  if (f.state.empty() == f.data.empty()) {
    std::fprintf(stderr, "vbp explain: pass exactly one of --state DIR and --data DIR\n");
    return 2;
  }
  if (f.figure.empty() && f.member.empty()) {
    std::fprintf(stderr, "vbp explain: pass --member M, or --contract C --figure NAME\n");
    return 2;
  }
  if (!f.figure.empty() && f.contract.empty()) {
    std::fprintf(stderr, "vbp explain: --figure needs --contract C\n");
    return 2;
  }
  if (f.format != "json" && f.format != "text") {
    std::fprintf(stderr, "vbp explain: --format is json or text\n");
    return 2;
  }
  auto extra = LoadRegistry(f.rules);
  if (!extra.ok()) return Fail("explain", extra.status());
  RuleRegistry registry = *extra;
  audit::AuditBook book;
  std::string statement_text;
  std::optional<Date> as_of;
  if (!f.as_of.empty()) {
    auto d = Date::Parse(f.as_of);
    if (!d.ok()) return Fail("explain", Status::Invalid("--as-of: " + d.status().message()));
    as_of = *d;
  }
  if (!f.state.empty()) {
    auto store = RocksDbStateStore::OpenReadOnly(f.state, RocksDbOptions{});
    if (!store.ok()) {
      Status st = store.status();
      if (st.code() == StatusCode::kUnavailable) {
        st = Status::Unavailable(st.message() +
                                 " -- a running engine holds it: stop it, or "
                                 "point --state at a checkpoint of it");
      }
      return Fail("explain", st);
    }
    Status st = audit::LoadStateRecords(**store, &book);
    if (!st.ok()) return Fail("explain", st);
    auto r = audit::ReplayRegistry(**store, *extra);
    if (!r.ok()) return Fail("explain", r.status());
    registry = std::move(r).value();
    // The contract's latest revision: what the figures are reconciled with, and its as-of.
    if (!f.contract.empty()) {
      auto chains = audit::LoadChains(**store);
      if (!chains.ok()) return Fail("explain", chains.status());
      for (const auto& c : *chains) {
        if (c.contract_id.str() != f.contract || c.revisions.empty()) continue;
        if (f.year != 0 && c.year != f.year) continue;
        statement_text = c.revisions.back().text;
      }
      if (!statement_text.empty() && !as_of) {
        auto j = nlohmann::json::parse(statement_text, nullptr, false);
        if (!j.is_discarded()) {
          auto d = Date::Parse(j.value("as_of", ""));
          if (d.ok()) as_of = *d;
        }
      }
    }
  } else {
    Status st = LoadDirectory(f.data, &book, {});
    if (!st.ok()) return Fail("explain", st);
  }
  book.Finish();
  audit::SideSpec spec;
  spec.as_of = as_of;
  auto ev = audit::Evaluation::Plan(book, registry, spec);
  if (!ev.ok()) return Fail("explain", ev.status());
  for (const auto& [id, why] : (*ev)->unresolved()) {
    std::fprintf(stderr, "note: contract %s is not usable: %s\n", id.str().c_str(), why.c_str());
  }
  Result<nlohmann::ordered_json> j = Status::Internal("unset");
  std::string text;
  if (!f.figure.empty()) {
    audit::FigureQuery q;
    q.contract = ContractId(f.contract);
    q.figure = f.figure;
    if (!f.member.empty()) q.member_id = f.member;
    q.statement_text = statement_text;
    j = audit::ExplainFigure(book, **ev, q);
    if (j.ok()) text = audit::ExplainFigureText(*j);
  } else {
    audit::MemberQuery q;
    q.member_id = f.member;
    if (!f.contract.empty()) q.contract = ContractId(f.contract);
    if (f.year != 0) q.year = f.year;
    j = audit::ExplainMember(book, **ev, q);
    if (j.ok()) text = audit::ExplainMemberText(*j);
  }
  if (!j.ok()) return Fail("explain", j.status());
  const std::string output = f.format == "json" ? j->dump(2) + "\n" : text;
  if (!f.out.empty()) {
    Status st = WriteFile(f.out, output);
    if (!st.ok()) return Fail("explain", st);
  } else {
    std::fputs(output.c_str(), stdout);
  }
  return 0;
}

}  // namespace

void AddExplainCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "explain",
      "Why a member is (not) attributed; which members and claim lines make up a figure");
  auto f = std::make_shared<ExplainFlags>();
  cmd->add_option("--member", f->member, "member_id to explain (with --figure: its claim lines)");
  cmd->add_option("--contract", f->contract,
                  "contract_id (with --member: only its year and rules)");
  cmd->add_option("--figure", f->figure,
                  "statement figure to drill into: assigned_members, person_years, "
                  "benchmark_total, expenditure_total, gross_savings, pmpm_total, savings_rate, "
                  "msr, mlr, quality_score, final_sharing_rate, shared_savings, shared_losses, "
                  "net_payment");
  cmd->add_option("--state", f->state, "state directory of a stopped engine, or a checkpoint");
  cmd->add_option("--data", f->data, "data directory (as for vbp settle)");
  cmd->add_option("--year", f->year, "performance year");
  cmd->add_option("--format", f->format, "json or text (default text)");
  cmd->add_option("--as-of", f->as_of,
                  "as-of date (default: --state: the contract's latest revision's, else the "
                  "latest paid date)");
  cmd->add_option("--out", f->out, "write here instead of stdout");
  cmd->add_option("--rules", f->rules, "extra rule set file; repeatable");
  cmd->callback([f, exit_code] { *exit_code = Explain(*f); });
}

}  // namespace vbp::cli
