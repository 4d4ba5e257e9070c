// vbp statements: the current statements from a state directory, in settle's format.
#include <nlohmann/json.hpp>
#include <set>

#include "cli/chain_key.h"
#include "cli/common.h"
#include "cli/verbs.h"
#include "connectors/codec/statement_formats.h"
#include "connectors/rocksdb/rocksdb_state_store.h"
#include "connectors/stream/decode_port.h"
#include "engine/audit/audit.h"
#include "engine/core/contract_plan.h"
#include "engine/state/binary_codec.h"
#include "engine/stream/streaming_engine.h"

namespace vbp::cli {
namespace {

// The rejected contract records still in the state's history, each with why: decoded again
// and resolved against the rule sets the state recorded (the engine's own decision).
std::vector<std::string> RejectedContracts(const StateStore& state) {
  std::vector<std::string> out;
  auto index = audit::HistoryIndex::Load(state);
  auto shipped = LoadRegistry({});
  if (!index.ok() || !shipped.ok()) return out;
  auto registry = audit::ReplayRegistry(state, *shipped);
  if (!registry.ok()) return out;
  const DecodeFn decode = stream::MakeJsonDecodeFn();
  for (const auto& [lp, entries] : index->partitions) {
    if (lp.topic.size() < 9 || lp.topic.compare(lp.topic.size() - 9, 9, "contracts") != 0) {
      continue;
    }
    for (const audit::HistoryEntry& e : entries) {
      if (e.kind != 'x') continue;
      auto text = state.Get(Space::kHistory, e.key);
      if (!text.ok() || !text->has_value()) continue;
      const SourcePos pos{lp.topic, lp.partition, e.offset};
      DecodeOutcome d = decode(**text, pos, RecordKind::kContract);
      std::string why;
      std::string id = "(no readable contract_id)";
      if (d.reject) {
        if (!d.reject->key.empty()) id = d.reject->key;
        why = (d.reject->field.empty() ? "" : d.reject->field + ": ") + d.reject->reason;
      } else if (d.record) {
        const Contract& c = std::get<Contract>(*d.record);
        id = c.contract_id.str();
        auto rc = ResolveContract(c, *registry);
        why = rc.ok() ? "rejected when it was read" : rc.status().message();
      }
      out.push_back("contract " + id + " at " + pos.ToString() + " was rejected: " + why +
                    "; it gets no statement");
    }
  }
  return out;
}

// Contracts of the state without a statement revision, and contract records the engine
// rejected (counted; their reasons went to the rejects topic). Empty: complete.
Result<std::vector<std::string>> IncompleteStatements(
    const StateStore& state, const std::vector<StatementRevision>& latest) {
  std::set<std::pair<std::string, int>> have;
  for (const auto& r : latest) have.insert({r.contract_id.str(), r.performance_year});
  std::vector<std::string> out;
  VBP_RETURN_IF_ERROR(binary::ScanReference(
      state, [](Provider) {},
      [&](Contract c) {
        if (!have.count({c.contract_id.str(), c.performance_year})) {
          out.push_back("contract " + c.contract_id.str() + " PY " +
                        std::to_string(c.performance_year) + " (" + c.source.ToString() +
                        ") has no statement revision");
        }
      }));
  auto counts = StreamingEngine::StoredCounts(state);
  if (!counts.ok()) return counts.status();
  if (counts->contracts.rejected > 0) {
    std::vector<std::string> named = RejectedContracts(state);
    out.insert(out.end(), named.begin(), named.end());
    if (static_cast<int64_t>(named.size()) < counts->contracts.rejected) {
      out.push_back(std::to_string(counts->contracts.rejected) +
                    " contract records were rejected in all (their reasons went to the rejects "
                    "topic; the history of this state does not hold them all)");
    }
  }
  if (latest.empty() && out.empty()) out.push_back("no statement was computed");
  return out;
}

}  // namespace

void AddStatementsCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "statements", "Write the latest statement revisions of a state directory (settle format)");
  auto state = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto table = std::make_shared<bool>(false);
  auto format = std::make_shared<std::string>("json");
  cmd->add_option("--state", *state, "state directory of `vbp run`")->required();
  auto chain_key = std::make_shared<std::string>();
  AddChainKeyOption(cmd, chain_key.get());
  cmd->add_option("--out", *out, "output file (statements JSON array); - for stdout");
  cmd->add_option("--format", *format,
                  "format of --out: json (default), csv (one row per statement) or fhir (one "
                  "Da Vinci VBPR Bundle per contract and year, NDJSON)")
      ->check(CLI::IsMember({"json", "csv", "fhir"}));
  cmd->add_flag("--table", *table, "also print a table on stdout");
  auto allow = std::make_shared<bool>(false);
  cmd->add_flag("--allow-incomplete", *allow,
                "exit 0 even when a contract record was rejected or a contract has no statement "
                "(default: exit 3, naming each)");
  cmd->callback([=] {
    if (auto fmt = codec::ParseStatementFormat(*format); !fmt.ok()) {
      *exit_code = Fail("statements", fmt.status());
      return;
    }
    auto store = RocksDbStateStore::OpenReadOnly(*state, RocksDbOptions{});
    if (!store.ok()) {
      *exit_code = Fail("statements", store.status());
      return;
    }
    auto keys = LoadChainKeys(*chain_key, *state);
    if (!keys.ok()) {
      *exit_code = Fail("statements", keys.status());
      return;
    }
    auto latest = StreamingEngine::LatestRevisions(**store, *keys);
    if (!latest.ok()) {
      *exit_code = Fail("statements", latest.status());
      return;
    }
    std::vector<std::string> texts;
    for (const auto& r : *latest) {
      auto j = nlohmann::ordered_json::parse(r.json);
      j.erase("revision_info");
      j.erase("hash");
      texts.push_back(j.dump());
    }
    if (texts.empty()) {
      std::fprintf(stderr,
                   "vbp statements: %s holds no statement revision yet (is this the instance "
                   "that owns partition 0, and has it caught up?)\n",
                   state->c_str());
    }
    if (!out->empty()) {
      Status st = WriteStatements(*out, *format, texts);
      if (!st.ok()) {
        *exit_code = Fail("statements", st);
        return;
      }
    }
    if (*table || out->empty()) {
      std::fputs(StatementTable(texts).c_str(), *out == "-" ? stderr : stdout);
    }
    auto incomplete = IncompleteStatements(**store, *latest);
    if (!incomplete.ok()) {
      *exit_code = Fail("statements", incomplete.status());
      return;
    }
    for (const auto& line : *incomplete) {
      std::fprintf(stderr, "vbp statements: %s: %s\n", *allow ? "warning" : "error", line.c_str());
    }
    if (!incomplete->empty() && !*allow) {
      std::fprintf(stderr,
                   "vbp statements: exit %d: the statements are incomplete; fix the contract "
                   "records (their reasons are on the rejects topic), or pass "
                   "--allow-incomplete\n",
                   kExitIncomplete);
      *exit_code = kExitIncomplete;
      return;
    }
    *exit_code = 0;
  });
}

}  // namespace vbp::cli
