// vbp serve: the read-only provider API (connectors/api/README.md) over a snapshot of a state
// directory (`vbp run`) or a settled data directory.
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "cli/chain_key.h"
#include "cli/common.h"
#include "cli/verbs.h"
#include "connectors/api/api_server.h"
#include "connectors/api/api_service.h"
#include "connectors/api/snapshot.h"

namespace vbp::cli {
namespace {

std::atomic<bool> g_serve_stop{false};
void OnServeSignal(int) { g_serve_stop.store(true); }

struct ServeFlags {
  std::string state;
  std::string data;
  std::string tokens;
  std::string host = "127.0.0.1";
  int port = 8480;
  std::vector<std::string> rules;
  std::string as_of;
  int threads = 2;
  int refresh_seconds = -1;  // -1: 60 for --state, 0 (never) for --data
  int workers = 4;
  size_t connections_max = 256;
  int64_t header_timeout_ms = 10000;
  std::string chain_key;
};

// One JSON log line per response or refused connection: the route template, never the path
// or the query (member ids), nor the remote address (a reverse proxy's log has it).
void LogAccess(const api::AccessLogEntry& e) {
  nlohmann::ordered_json f;
  f["method"] =
      e.method.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(e.method);
  f["route"] = e.route.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(e.route);
  f["status"] = e.status;
  f["bytes"] = e.bytes_sent;
  f["duration_ms"] = static_cast<double>(e.duration_us) / 1000.0;
  f["caller"] =
      e.caller.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(e.caller);
  if (!e.event.empty()) f["event"] = e.event;
  Log("info", "access", f);
}

Result<std::unique_ptr<api::Snapshot>> Load(const ServeFlags& f, const RuleRegistry* registry) {
  api::SnapshotOptions o;
  o.threads = f.threads;
  if (!f.state.empty()) {
    auto keys = LoadChainKeys(f.chain_key, f.state);
    if (!keys.ok()) return keys.status();
    o.chain_keys = std::move(keys).value();
  }
  if (!f.as_of.empty()) {
    auto d = Date::Parse(f.as_of);
    if (!d.ok()) return Status::Invalid("--as-of: " + d.status().message());
    o.as_of = *d;
  }
  return f.state.empty() ? api::LoadDataSnapshot(f.data, registry, o)
                         : api::LoadStateSnapshot(f.state, registry, o);
}

int Serve(const ServeFlags& f) {
  if (f.state.empty() == f.data.empty()) {
    return Fail("serve", Status::Invalid("give exactly one of --state DIR and --data DIR"));
  }
  if (!f.state.empty() && !f.as_of.empty()) {
    return Fail("serve", Status::Invalid("--as-of applies to --data only (a state directory "
                                         "serves each revision's own as-of)"));
  }
  auto text = ReadFile(f.tokens);
  if (!text.ok()) return Fail("serve", text.status());
  struct stat st {};
  if (::stat(f.tokens.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    Log("warn", "the tokens file is readable by other users; chmod 600 it", {{"file", f.tokens}});
  }
  auto tokens = api::TokenTable::Parse(*text, f.tokens);
  if (!tokens.ok()) return Fail("serve", tokens.status());
  auto registry = LoadRegistry(f.rules);
  if (!registry.ok()) return Fail("serve", registry.status());

  const auto t0 = std::chrono::steady_clock::now();
  auto snapshot = Load(f, &*registry);
  if (!snapshot.ok()) return Fail("serve", snapshot.status());
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (const auto& n : (*snapshot)->notes) Log("warn", n);
  api::ApiService service(std::move(tokens).value());
  const size_t contracts = (*snapshot)->book->contracts().size();
  service.SetSnapshot(std::shared_ptr<const api::Snapshot>(std::move(snapshot).value()));

  api::ApiServerOptions so;
  so.host = f.host;
  so.port = f.port;
  so.worker_threads = f.workers;
  so.connections_max = f.connections_max;
  so.header_timeout_ms = f.header_timeout_ms;
  so.access_log = LogAccess;
  auto server = api::ApiServer::Start(&service, so);
  if (!server.ok()) return Fail("serve", server.status());
  Log("info", "serving",
      {{"url", "http://" + f.host + ":" + std::to_string((*server)->port())},
       {"source", f.state.empty() ? "data:" + f.data : "state:" + f.state},
       {"contracts", contracts},
       {"load_seconds", load_s},
       {"workers", f.workers},
       {"connections_max", f.connections_max},
       {"header_timeout_ms", f.header_timeout_ms}});

  std::signal(SIGINT, OnServeSignal);
  std::signal(SIGTERM, OnServeSignal);
  const int refresh = f.refresh_seconds >= 0 ? f.refresh_seconds : (f.state.empty() ? 0 : 60);
  auto next = std::chrono::steady_clock::now() + std::chrono::seconds(refresh);
  while (!g_serve_stop.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (refresh <= 0 || std::chrono::steady_clock::now() < next) continue;
    // A new snapshot is built beside the one being served and swapped in whole; when the
    // directory is busy (a writer holds it) the old snapshot stays and /health says so.
    auto fresh = Load(f, &*registry);
    if (fresh.ok()) {
      for (const auto& n : (*fresh)->notes) Log("warn", n);
      service.SetSnapshot(std::shared_ptr<const api::Snapshot>(std::move(fresh).value()));
      service.SetRefreshError("");
      Log("info", "snapshot refreshed");
    } else {
      service.SetRefreshError(fresh.status().ToString());
      Log("warn", "snapshot refresh failed; still serving the previous one",
          {{"error", fresh.status().ToString()}});
    }
    next = std::chrono::steady_clock::now() + std::chrono::seconds(refresh);
  }
  (*server)->Stop();
  Log("info", "stopped");
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, int* exit_code) {
  auto* cmd =
      app.add_subcommand("serve",
                         "Read-only provider API: statements, revisions, rosters, explanations "
                         "(bearer tokens scoped to TINs; connectors/api/README.md)");
  auto f = std::make_shared<ServeFlags>();
  cmd->add_option("--state", f->state,
                  "state directory of `vbp run` (opened read-only: a stopped instance's or a "
                  "checkpoint)");
  AddChainKeyOption(cmd, &f->chain_key);
  cmd->add_option("--data", f->data,
                  "settle data directory (members/providers/contracts/"
                  "claims NDJSON), settled at start");
  cmd->add_option("--tokens", f->tokens,
                  "tokens file of token digests (`vbp token add` writes it): "
                  "{\"sha256:<hex>\": {\"name\", \"tins\": [...]} | {\"name\", \"admin\": true}}")
      ->required();
  cmd->add_option("--host", f->host, "address to bind (default 127.0.0.1)");
  cmd->add_option("--port", f->port, "port (default 8480; 0 picks a free one)");
  cmd->add_option("--rules", f->rules, "rule set file to load (repeatable)");
  cmd->add_option("--as-of", f->as_of, "--data only: claims paid after this date do not count");
  cmd->add_option("--threads", f->threads, "threads for loading and evaluation (default 2)");
  cmd->add_option("--workers", f->workers, "threads answering requests (default 4)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--connections-max", f->connections_max,
                  "connections open at once; one more is answered 503 at once (default 256)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--header-timeout-ms", f->header_timeout_ms,
                  "a request's line and headers must arrive within this time of the connection "
                  "(408 otherwise; default 10000)")
      ->check(CLI::Range(1, 3600000));
  cmd->add_option("--refresh-seconds", f->refresh_seconds,
                  "reload the snapshot this often (default 60 with --state, never with --data; "
                  "0 never)");
  cmd->callback([f, exit_code] { *exit_code = Serve(*f); });
}

}  // namespace vbp::cli
