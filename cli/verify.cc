// vbp verify: tamper evidence and recalculation of a state directory's statement revisions.
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

struct VerifyFlags {
  std::string state;
  size_t sample = 0;
  uint64_t seed = 1;
  bool chain_only = false;
  std::string json;
  std::vector<std::string> rules;
  bool quiet = false;
  std::string chain_key;
  std::vector<std::string> anchors;
  bool storage = false;
};

// `--storage`: every key of every family and every table file read with checksums verified.
// Prints one line per family; false when any is damaged.
bool CheckStorage(const RocksDbStateStore& store, nlohmann::ordered_json* report) {
  bool ok = true;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& c : store.VerifyStorage()) {
    if (c.status.ok()) {
      std::printf("storage %-14s ok (%llu keys read)\n", c.family.c_str(),
                  static_cast<unsigned long long>(c.keys));
    } else {
      ok = false;
      std::printf("error   storage %s: %s\n", c.family.c_str(), c.status.ToString().c_str());
    }
    list.push_back({{"family", c.family},
                    {"keys", c.keys},
                    {"ok", c.status.ok()},
                    {"error", c.status.ok() ? "" : c.status.ToString()}});
  }
  (*report)["storage"] = list;
  return ok;
}

// Published revisions kept outside the state: NDJSON (one revision per line, as on the
// statements topic) or one JSON array of them. Each needs contract_id, performance_year,
// revision and hash; other fields are ignored.
Status ReadAnchors(const std::string& path, std::vector<audit::Anchor>* out) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  std::vector<std::pair<std::string, nlohmann::json>> items;
  const size_t first = text->find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (*text)[first] == '[') {
    auto all = nlohmann::json::parse(*text, nullptr, false);
    if (all.is_discarded()) return Status::Invalid(path + ": not a JSON array");
    for (size_t i = 0; i < all.size(); ++i) {
      items.emplace_back(path + " item " + std::to_string(i + 1), all[i]);
    }
  } else {
    size_t line = 0, pos = 0;
    while (pos < text->size()) {
      size_t nl = text->find('\n', pos);
      if (nl == std::string::npos) nl = text->size();
      const std::string_view l(text->data() + pos, nl - pos);
      ++line;
      pos = nl + 1;
      if (l.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      items.emplace_back(path + " line " + std::to_string(line),
                         nlohmann::json::parse(l, nullptr, false));
    }
  }
  for (const auto& [where, j] : items) {
    if (!j.is_object() || !j.value("contract_id", nlohmann::json()).is_string() ||
        !j.value("performance_year", nlohmann::json()).is_number_integer() ||
        !j.value("revision", nlohmann::json()).is_number_integer() ||
        !j.value("hash", nlohmann::json()).is_string()) {
      return Status::Invalid(where +
                             ": an anchor is a published revision with contract_id, "
                             "performance_year, revision and hash");
    }
    out->push_back({j["contract_id"].get<std::string>(), j["performance_year"].get<int>(),
                    j["revision"].get<int64_t>(), j["hash"].get<std::string>(), where});
  }
  return Status::Ok();
}

int Verify(const VerifyFlags& f) {
  const auto t0 = std::chrono::steady_clock::now();
  auto store = RocksDbStateStore::OpenReadOnly(f.state, RocksDbOptions{});
  if (!store.ok()) {
    Status st = store.status();
    if (st.code() == StatusCode::kUnavailable) {
      st = Status::Unavailable(st.message() +
                               " -- a running engine holds it: stop it, or point "
                               "--state at a checkpoint of it");
    }
    return Fail("verify", st);
  }
  nlohmann::ordered_json storage_report;
  if (f.storage && !CheckStorage(**store, &storage_report)) {
    std::printf("the state directory is damaged: the revision checks were not run. %s\n",
                kCorruptionAdvice);
    if (!f.json.empty()) {
      storage_report["state"] = f.state;
      storage_report["ok"] = false;
      Status st = WriteFile(f.json, storage_report.dump(2) + "\n");
      if (!st.ok()) return Fail("verify", st);
    }
    return 1;
  }
  auto extra = LoadRegistry(f.rules);
  if (!extra.ok()) return Fail("verify", extra.status());
  auto registry = audit::ReplayRegistry(**store, *extra);
  if (!registry.ok()) return Fail("verify", registry.status());
  audit::VerifyOptions o;
  auto keys = LoadChainKeys(f.chain_key, f.state);
  if (!keys.ok()) return Fail("verify", keys.status());
  o.replay.chain_keys = std::move(keys).value();
  for (const auto& a : f.anchors) {
    Status st = ReadAnchors(a, &o.anchors);
    if (!st.ok()) return Fail("verify", st);
  }
  o.replay.registry = &*registry;
  o.replay.decode = stream::MakeJsonDecodeFn();
  o.sample = f.sample;
  o.seed = f.seed;
  o.recompute = !f.chain_only;
  if (!f.quiet) {
    o.replay.progress = [](const std::string& line) {
      std::fprintf(stderr, "\r%s   ", line.c_str());
      std::fflush(stderr);
    };
  }
  auto r = audit::Verify(**store, o);
  if (!f.quiet) std::fprintf(stderr, "\n");
  if (!r.ok()) return Fail("verify", r.status());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  size_t errors = 0, warnings = 0;
  for (const auto& x : r->findings) {
    if (x.severity == audit::Finding::Severity::kError) ++errors;
    if (x.severity == audit::Finding::Severity::kWarning) ++warnings;
    std::printf("%-7s %s %d revision %lld: %s: %s\n", audit::SeverityName(x.severity),
                x.contract_id.c_str(), x.year, static_cast<long long>(x.revision), x.what.c_str(),
                x.detail.c_str());
  }
  for (const auto& m : r->mismatches) {
    for (const auto& d : m.differences) {
      std::printf("        %s %d revision %lld: %s\n", m.contract_id.str().c_str(), m.year,
                  static_cast<long long>(m.revision), d.c_str());
    }
  }
  std::printf(
      "%zu statement chains, %zu revisions: %s chains checked%s; %zu recomputed from history "
      "(%zu identical byte for byte)%s; state input position %lld; %zu errors, %zu warnings "
      "(%.2f s)\n",
      r->chains, r->revisions,
      o.replay.chain_keys.keyed() ? "keyed (hmac-sha256) and sha256" : "sha256",
      o.anchors.empty() ? "" : (", " + std::to_string(o.anchors.size()) + " anchors").c_str(),
      r->recomputed, r->identical,
      r->not_recomputable
          ? (", " + std::to_string(r->not_recomputable) + " before the retention floor").c_str()
          : "",
      static_cast<long long>(r->state_watermark), errors, warnings, secs);
  if (!f.json.empty()) {
    nlohmann::ordered_json j;
    j["state"] = f.state;
    j["chains"] = r->chains;
    j["revisions"] = r->revisions;
    j["recomputed"] = r->recomputed;
    j["identical"] = r->identical;
    j["not_recomputable"] = r->not_recomputable;
    j["state_watermark"] = r->state_watermark;
    j["ok"] = r->ok();
    if (storage_report.contains("storage")) j["storage"] = storage_report["storage"];
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& x : r->findings) list.push_back(audit::FindingJson(x));
    j["findings"] = list;
    nlohmann::ordered_json mism = nlohmann::ordered_json::array();
    for (const auto& m : r->mismatches) {
      mism.push_back({{"contract_id", m.contract_id.str()},
                      {"performance_year", m.year},
                      {"revision", m.revision},
                      {"as_of_mode", m.as_of_mode},
                      {"differences", m.differences},
                      {"error", m.error}});
    }
    j["mismatches"] = mism;
    Status st = WriteFile(f.json, j.dump(2) + "\n");
    if (!st.ok()) return Fail("verify", st);
  }
  return r->ok() ? 0 : 1;
}

}  // namespace

void AddVerifyCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "verify", "Check every statement revision's hash chain and recompute revisions from history");
  auto f = std::make_shared<VerifyFlags>();
  cmd->add_option("--state", f->state, "state directory of a stopped engine, or a checkpoint")
      ->required();
  cmd->add_option("--sample", f->sample, "recompute only K seeded-random revisions (0: all)");
  cmd->add_option("--seed", f->seed, "seed of --sample (default 1)");
  cmd->add_flag("--chain-only", f->chain_only, "check the hash chains only, recompute nothing");
  cmd->add_option("--json", f->json, "also write the report as JSON to this file");
  cmd->add_option("--rules", f->rules,
                  "rule set file the engine ran with (only for stores without stored rule sets)");
  cmd->add_flag("--quiet", f->quiet, "no progress on stderr");
  cmd->add_flag("--storage", f->storage,
                "first read every key and table file of the state with checksums verified "
                "(disk or file-system damage), naming each damaged family");
  AddChainKeyOption(cmd, &f->chain_key);
  cmd->add_option("--anchor", f->anchors,
                  "published revisions kept outside the state (NDJSON from the statements "
                  "topic, or a JSON array): each must be stored with exactly its hash")
      ->check(CLI::ExistingFile);
  cmd->callback([f, exit_code] { *exit_code = Verify(*f); });
}

}  // namespace vbp::cli
