// vbp settle: exact offline settlement of a directory of SPEC §2 NDJSON records.
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "cli/settle_input.h"
#include "cli/verbs.h"
#include "connectors/codec/statement_formats.h"
#include "connectors/files/ndjson_file.h"
#include "engine/batch/batch_settlement.h"
#include "engine/core/statement_json.h"

namespace vbp::cli {
namespace {

struct SettleFlags {
  std::string data;
  std::vector<std::string> rules;
  std::string force_rules;
  std::string as_of;
  std::string out;
  std::string format = "json";
  std::string roster;
  std::string members;
  std::string rejects;
  std::string summary;
  int threads = 2;
  bool quiet = false;
  bool allow_incomplete = false;
};

// Every contract record that was rejected, named with why; and the case of no statement at
// all. Returns the lines to print (empty: complete).
std::vector<std::string> IncompleteContracts(const BatchSettlement& book,
                                             const SettlementResult& result) {
  std::vector<std::string> out;
  for (const Reject& r : book.rejects()) {
    if (r.kind != RecordKind::kContract) continue;
    out.push_back("contract " + (r.key.empty() ? std::string("(no readable contract_id)") : r.key) +
                  " at " + r.source.ToString() + " was rejected" +
                  (r.field.empty() ? "" : " (" + r.field + ")") + ": " + r.reason +
                  "; it gets no statement");
  }
  if (result.contracts.empty()) {
    out.push_back("no statement was computed: the data holds no usable contract record");
  }
  return out;
}

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

nlohmann::ordered_json CodeWarningsJson(const SettlementResult& r) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (size_t k = 0; k < kCodeFieldCount; ++k) {
    if (r.code_warnings[k] == 0) continue;
    nlohmann::ordered_json field;
    field["count"] = r.code_warnings[k];
    nlohmann::ordered_json first = nlohmann::ordered_json::array();
    for (const auto& e : r.code_warning_examples[k]) {
      first.push_back({{"source", e.source.ToString()}, {"field", e.path}, {"value", e.value}});
    }
    field["first"] = first;
    j[CodeFieldName(static_cast<CodeField>(k))] = field;
  }
  return j;
}

void PrintCodeWarnings(const SettlementResult& r, std::FILE* out) {
  for (size_t k = 0; k < kCodeFieldCount; ++k) {
    if (r.code_warnings[k] == 0) continue;
    const auto& first = r.code_warning_examples[k].front();
    std::fprintf(out,
                 "warning: %lld %s codes of unexpected shape were kept (they match no code "
                 "list), first at %s %s = %s\n",
                 static_cast<long long>(r.code_warnings[k]),
                 CodeFieldName(static_cast<CodeField>(k)), first.source.ToString().c_str(),
                 first.path.c_str(), nlohmann::json(first.value).dump(-1, ' ', true).c_str());
  }
}

int Settle(const SettleFlags& f) {
  const auto t0 = std::chrono::steady_clock::now();
  if (auto fmt = codec::ParseStatementFormat(f.format); !fmt.ok()) {
    return Fail("settle", fmt.status());
  }
  auto registry = LoadRegistry(f.rules);
  if (!registry.ok()) return Fail("settle", registry.status());
  const rules::RuleSet* forced = nullptr;
  if (!f.force_rules.empty()) {
    forced = registry->Find(f.force_rules);
    if (!forced) {
      return Fail("settle", Status::NotFound("--force-rules " + f.force_rules +
                                             ": no such rule set (load it with --rules FILE)"));
    }
  }
  SettleOptions opt;
  opt.threads = f.threads;
  opt.force_rule_set = forced;
  if (!f.as_of.empty()) {
    auto d = Date::Parse(f.as_of);
    if (!d.ok()) return Fail("settle", Status::Invalid("--as-of: " + d.status().message()));
    opt.as_of = *d;
  }

  BatchSettlement book(&*registry);
  LoadOptions load;
  load.threads = f.threads;
  load.progress = !f.quiet && isatty(STDERR_FILENO);
  Status st = LoadDirectory(f.data, &book, load);
  if (!st.ok()) return Fail("settle", st);
  const auto t1 = std::chrono::steady_clock::now();

  std::optional<files::NdjsonWriter> member_out;
  Status member_status;
  if (!f.members.empty()) {
    auto w = files::NdjsonWriter::Create(f.members);
    if (!w.ok()) return Fail("settle", w.status());
    member_out.emplace(std::move(w).value());
  }
  codec::RosterCsv roster;
  if (member_out || !f.roster.empty()) {
    opt.member_sink = [&](std::string_view lines) {
      size_t pos = 0;
      while (pos < lines.size() && member_status.ok()) {
        size_t nl = lines.find('\n', pos);
        const std::string_view line = lines.substr(pos, nl - pos);
        if (member_out) member_status = member_out->Append(line);
        if (member_status.ok() && !f.roster.empty()) member_status = roster.Add(line);
        pos = nl + 1;
      }
    };
  }
  auto result = book.Settle(opt);
  if (!result.ok()) return Fail("settle", result.status());
  const auto t2 = std::chrono::steady_clock::now();
  if (member_out && member_status.ok()) member_status = member_out->Close();
  if (!member_status.ok()) return Fail("settle", member_status);
  if (!f.roster.empty()) {
    st = WriteFile(f.roster, roster.Finish());
    if (!st.ok()) return Fail("settle", st);
  }

  std::vector<std::string> texts;
  for (const auto& c : result->contracts) {
    texts.push_back(StatementJson(c.figures, 1, c.tins).dump());
  }
  if (!f.out.empty()) {
    st = WriteStatements(f.out, f.format, texts);
    if (!st.ok()) return Fail("settle", st);
  }
  if (!f.rejects.empty()) {
    std::vector<std::string> lines;
    for (const auto& r : book.rejects()) {
      lines.push_back(RejectJson(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    st = files::WriteNdjsonLines(f.rejects, lines);
    if (!st.ok()) return Fail("settle", st);
  }
  const RunCounts& c = book.counts();
  const std::vector<std::string> incomplete = IncompleteContracts(book, *result);
  if (!f.summary.empty()) {
    nlohmann::ordered_json s;
    s["as_of"] = result->as_of.ToString();
    s["counts"] = CountsJson(c);
    s["members_evaluated"] = result->members_evaluated;
    s["claim_lines_evaluated"] = result->claim_lines_evaluated;
    s["unknown_npis"] = result->unknown_npis.size();
    s["warnings"] = result->warnings;
    s["rejects"] = book.rejects().size();
    s["code_warnings"] = CodeWarningsJson(*result);
    s["incomplete"] = incomplete;
    st = WriteFile(f.summary, s.dump(2) + "\n");
    if (!st.ok()) return Fail("settle", st);
  }
  if (!f.quiet) {
    // `--out -` puts the statements on stdout: the table and notes go to stderr then.
    std::FILE* human = f.out == "-" || f.summary == "-" ? stderr : stdout;
    std::fputs(StatementTable(texts).c_str(), human);
    std::fprintf(human, "\nas of %s; %lld members evaluated\n", result->as_of.ToString().c_str(),
                 static_cast<long long>(result->members_evaluated));
    std::fprintf(human, "%-10s %12s %12s %12s %12s\n", "records", "read", "applied", "superseded",
                 "rejected");
    for (auto [name, k] :
         {std::pair{"claims", &c.claims}, std::pair{"members", &c.members},
          std::pair{"providers", &c.providers}, std::pair{"contracts", &c.contracts}}) {
      std::fprintf(human, "%-10s %12lld %12lld %12lld %12lld\n", name,
                   static_cast<long long>(k->read), static_cast<long long>(k->applied),
                   static_cast<long long>(k->superseded), static_cast<long long>(k->rejected));
    }
    for (const auto& w : result->warnings) std::fprintf(human, "warning: %s\n", w.c_str());
    if (!result->unknown_npis.empty()) {
      std::fprintf(human,
                   "note: %zu rendering NPIs on primary-care lines are not on the provider "
                   "roster (counted as 'other'; see --members for which)\n",
                   result->unknown_npis.size());
    }
    PrintCodeWarnings(*result, human);
    if (!book.rejects().empty() && f.rejects.empty()) {
      std::fprintf(human, "note: %zu records rejected; write them with --rejects FILE\n",
                   book.rejects().size());
    }
    const auto t3 = std::chrono::steady_clock::now();
    std::fprintf(stderr,
                 "timing: read+decode %.2f s, calculate %.2f s, write %.2f s, total %.2f s; "
                 "%lld claim lines read (%.0f lines/s end to end)\n",
                 Seconds(t0, t1), Seconds(t1, t2), Seconds(t2, t3), Seconds(t0, t3),
                 static_cast<long long>(c.claim_lines_read),
                 static_cast<double>(c.claim_lines_read) / std::max(1e-9, Seconds(t0, t3)));
  }
  for (const auto& line : incomplete) {
    std::fprintf(stderr, "vbp settle: %s: %s\n", f.allow_incomplete ? "warning" : "error",
                 line.c_str());
  }
  if (!incomplete.empty() && !f.allow_incomplete) {
    std::fprintf(stderr,
                 "vbp settle: exit %d: the statements are incomplete. Fix the contract records "
                 "(see --rejects), or pass --allow-incomplete to accept the statements of the "
                 "other contracts\n",
                 kExitIncomplete);
    return kExitIncomplete;
  }
  return 0;
}

}  // namespace

void AddSettleCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "settle", "Settle every contract from a directory of NDJSON records (SPEC §3-§4)");
  auto f = std::make_shared<SettleFlags>();
  cmd->add_option("--data", f->data,
                  "directory with members.ndjson, providers.ndjson, contracts.ndjson, "
                  "claims.ndjson")
      ->required();
  cmd->add_option("--rules", f->rules, "rule set file to load (repeatable)");
  cmd->add_option("--force-rules", f->force_rules,
                  "evaluate every contract under this rule set id (what-if)");
  cmd->add_option("--as-of", f->as_of,
                  "claims paid after this date do not count (default: latest paid date read)");
  cmd->add_option("--out", f->out,
                  "statements file (JSON array), - for stdout (the table then goes to stderr); "
                  "default: table only");
  cmd->add_option("--format", f->format,
                  "format of --out: json (default; the statements array), csv (one row per "
                  "statement) or fhir (one Da Vinci VBPR Bundle per contract and year, NDJSON)")
      ->check(CLI::IsMember({"json", "csv", "fhir"}));
  cmd->add_option("--roster", f->roster,
                  "member roster CSV for providers: attributed members with step and unit");
  cmd->add_option("--members", f->members, "member detail, one JSON line per member and year");
  cmd->add_option("--rejects", f->rejects, "rejected records with their reasons (NDJSON)");
  cmd->add_option("--summary", f->summary, "run summary (counts, warnings) as JSON");
  cmd->add_option("--threads", f->threads, "threads for decoding and calculation (default 2)");
  cmd->add_flag("--quiet", f->quiet, "no table, no timing");
  cmd->add_flag("--allow-incomplete", f->allow_incomplete,
                "exit 0 even when a contract record was rejected or no statement was computed "
                "(default: exit 3, naming each)");
  cmd->callback([f, exit_code] { *exit_code = Settle(*f); });
}

}  // namespace vbp::cli
