// vbp run: the streaming settlement service (SPEC §5).
#include <atomic>
#include <chrono>
#include <csignal>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "cli/chain_key.h"
#include "cli/common.h"
#include "cli/verbs.h"
#include "connectors/rocksdb/rocksdb_state_store.h"
#include "connectors/stream/compose.h"
#include "connectors/stream/decode_port.h"
#include "connectors/stream/metrics_server.h"
#include "connectors/stream/run_config.h"
#include "engine/stream/metrics_text.h"

namespace vbp::cli {
namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop.store(true); }

struct RunFlags {
  std::string config;
  std::string chain_key;
  std::string brokers;
  std::string state;
  std::string prefix;
  std::string group;
  std::string instance_id;
  std::vector<std::string> sets;
  std::vector<std::string> property_files;
  std::vector<std::string> rules;
  std::string as_of;
  std::string http_host;
  int http_port = -2;  // -2: from config or default
  int64_t batch = 0;
  int64_t revision_interval_ms = -1;
  bool until_caught_up = false;
  int64_t stall_seconds = 90;
  bool sync = false;
  bool no_history = false;
};

// Settings from --config (JSON), overridden by flags.
struct Settings {
  std::string brokers;
  std::string state = "vbp-state";
  std::string prefix = "vbp.";
  std::string group = "vbp-engine";
  std::string instance_id;  // "auto": DeriveInstanceId(state); "": dynamic membership
  std::string chain_key_file;
  std::map<std::string, std::string> kafka;
  std::vector<std::string> rules;
  std::optional<Date> as_of;
  std::string http_host = "127.0.0.1";
  int http_port = 9464;
  StreamingOptions engine;
};

// The config file's settings over the defaults (flags then override both).
void ApplyConfig(const stream::RunConfig& c, Settings* s) {
  for (auto [from, to] :
       {std::pair{&c.brokers, &s->brokers}, std::pair{&c.state, &s->state},
        std::pair{&c.topic_prefix, &s->prefix}, std::pair{&c.group_id, &s->group},
        std::pair{&c.instance_id, &s->instance_id},
        std::pair{&c.chain_key_file, &s->chain_key_file}, std::pair{&c.http_host, &s->http_host}}) {
    if (*from) *to = **from;
  }
  s->kafka = c.kafka;
  s->rules = c.rules;
  s->as_of = c.as_of;
  if (c.http_port) s->http_port = *c.http_port;
  StreamingOptions& e = s->engine;
  if (c.batch_records_max) e.batch_records_max = *c.batch_records_max;
  if (c.revision_interval_ms) e.revision_interval_ms = *c.revision_interval_ms;
  for (auto [from, to] :
       {std::pair{&c.sync_commits, &e.sync_commits}, std::pair{&c.keep_history, &e.keep_history},
        std::pair{&c.pipeline, &e.pipeline}, std::pair{&c.parallel_apply, &e.parallel_apply}}) {
    if (*from) *to = **from;
  }
}

Result<Settings> Resolve(const RunFlags& f) {
  Settings s;
  if (!f.config.empty()) {
    VBP_ASSIGN_OR_RETURN(std::string text, ReadFile(f.config));
    VBP_ASSIGN_OR_RETURN(stream::RunConfig config, stream::ParseRunConfig(text, f.config));
    ApplyConfig(config, &s);
  }
  if (!f.brokers.empty()) s.brokers = f.brokers;
  if (!f.state.empty()) s.state = f.state;
  if (!f.prefix.empty()) s.prefix = f.prefix;
  if (!f.group.empty()) s.group = f.group;
  if (!f.instance_id.empty()) s.instance_id = f.instance_id;
  if (!f.chain_key.empty()) s.chain_key_file = f.chain_key;
  std::vector<std::string> sets;
  for (const std::string& file : f.property_files) {  // -F first: -X/--set override them
    VBP_ASSIGN_OR_RETURN(std::vector<std::string> lines, ReadPropertiesFile(file));
    sets.insert(sets.end(), lines.begin(), lines.end());
  }
  sets.insert(sets.end(), f.sets.begin(), f.sets.end());
  auto props = ParseProperties(sets);
  if (!props.ok()) return props.status();
  for (auto& [k, v] : *props) s.kafka[k] = v;
  s.rules.insert(s.rules.end(), f.rules.begin(), f.rules.end());
  if (!f.as_of.empty()) {
    auto d = Date::Parse(f.as_of);
    if (!d.ok()) return d.status();
    s.as_of = *d;
  }
  if (!f.http_host.empty()) s.http_host = f.http_host;
  if (f.http_port != -2) s.http_port = f.http_port;
  if (f.batch > 0) s.engine.batch_records_max = static_cast<size_t>(f.batch);
  if (f.revision_interval_ms >= 0) s.engine.revision_interval_ms = f.revision_interval_ms;
  if (f.until_caught_up) s.engine.stall_timeout_ms = f.stall_seconds * 1000;
  if (f.sync) s.engine.sync_commits = true;
  if (f.no_history) s.engine.keep_history = false;
  if (s.brokers.empty() && !s.kafka.count("bootstrap.servers")) {
    return Status::Invalid("no brokers: pass --brokers HOST:PORT (or \"brokers\" in --config)");
  }
  if (!s.brokers.empty()) s.kafka["bootstrap.servers"] = s.brokers;
  s.engine.topic_prefix = s.prefix;
  s.engine.as_of = s.as_of;
  auto keys = LoadChainKeys(s.chain_key_file, s.state);
  if (!keys.ok()) return keys.status();
  s.engine.chain_keys = std::move(keys).value();
  return s;
}

// What to add to the engine's clock (NewSystemClock: steady) to get Unix micros, measured once.
int64_t ClockToUnixMicros() {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  const int64_t unix_now =
      duration_cast<microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return unix_now - NewSystemClock()->NowMicros();
}

int RunService(const RunFlags& flags) {
  auto settings = Resolve(flags);
  if (!settings.ok()) return Fail("run", settings.status());
  Settings& s = *settings;
  auto registry = LoadRegistry(s.rules);
  if (!registry.ok()) return Fail("run", registry.status());
  auto store = RocksDbStateStore::Open(s.state, RocksDbOptions{});
  if (!store.ok()) return Fail("run", store.status());

  stream::EngineComposition composition;
  composition.kafka = kafka::KafkaConfig(s.kafka.begin(), s.kafka.end());
  composition.group = s.group;
  composition.instance_id =
      s.instance_id == "auto" ? stream::DeriveInstanceId(s.state) : s.instance_id;
  composition.engine = s.engine;
  auto composed = stream::ComposedEngine::Create(composition, store->get(), &*registry);
  if (!composed.ok()) return Fail("run", composed.status());
  // Several instances in one group exchange their partitions' contract parts through
  // <prefix>parts; without that topic the instance must own every partition.
  if (!(*composed)->exchanges_parts()) {
    Log("warn", "no " + (*composed)->topics().parts +
                    " topic: this instance must own every partition to publish statements");
  }
  StreamingEngine& engine = (*composed)->engine();
  std::unique_ptr<stream::MetricsServer> http;
  if (s.http_port >= 0) {
    auto server = stream::MetricsServer::Start(
        s.http_host, s.http_port,
        [&engine] {
          EngineMetrics m = engine.Metrics();
          return stream::HttpResponse{m.last_error.empty() ? 200 : 503, "application/json",
                                      HealthJson(m)};
        },
        [&engine] {
          EngineMetrics m = engine.Metrics();
          return stream::HttpResponse{IsReady(m) ? 200 : 503, "application/json", ReadyJson(m)};
        },
        [&engine, clock_to_unix = ClockToUnixMicros()] {
          return stream::HttpResponse{200, "text/plain; version=0.0.4",
                                      PrometheusText(engine.Metrics(), clock_to_unix) +
                                          stream::ProcessMetricsText(VBP_VERSION)};
        });
    if (!server.ok()) return Fail("run", server.status());
    http = std::move(server).value();
    Log("info", "serving /health, /ready and /metrics",
        {{"address", s.http_host + ":" + std::to_string(http->port())}});
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  Log("info", "starting",
      {{"brokers", s.kafka["bootstrap.servers"]},
       {"state", s.state},
       {"group", s.group},
       {"instance_id", composition.instance_id.empty() ? "(dynamic)" : composition.instance_id},
       {"prefix", s.prefix},
       {"revision_seal", s.engine.chain_keys.keyed()
                             ? "hmac-sha256 key " + s.engine.chain_keys.signing_key_id()
                             : std::string("sha256 without a key (set --chain-key)")}});
  Status st = engine.Start();
  if (!st.ok()) return Fail("run", st);
  // The contract plans' warnings (engine/core/contract_plan.h), each logged once when it appears.
  std::set<std::string> warned;
  auto log_new_warnings = [&warned](const EngineMetrics& m) {
    for (const auto& w : m.plan_warnings) {
      if (warned.insert(w).second) Log("warn", w);
    }
  };
  log_new_warnings(engine.Metrics());

  // Progress log every 5 s on a side thread; it only reads metrics.
  std::atomic<bool> done{false};
  std::thread progress([&] {
    int64_t last = 0;
    while (!done.load()) {
      for (int i = 0; i < 50 && !done.load(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (done.load()) break;
      EngineMetrics m = engine.Metrics();
      log_new_warnings(m);
      int64_t lag = 0;
      for (const auto& l : m.lag) lag += std::max<int64_t>(0, l.end - l.position);
      Log("info", "progress",
          {{"messages", m.messages},
           {"rate_per_s", (m.messages - last) / 5},
           {"lag", lag},
           {"claims_applied", m.counts.claims.applied},
           {"rejected", m.counts.claims.rejected + m.counts.members.rejected},
           {"revisions", m.revisions_published}});
      last = m.messages;
    }
  });
  st = flags.until_caught_up ? engine.RunUntilCaughtUp() : engine.Run(g_stop);
  done.store(true);
  progress.join();
  (*composed)->Close();
  EngineMetrics m = engine.Metrics();
  if (!st.ok()) {
    if (st.code() == StatusCode::kCorruption) {
      Log("error",
          "STATE CORRUPT: the state directory is damaged; nothing more is published "
          "from it",
          {{"detail", st.message()}});
    } else if (st.code() == StatusCode::kDataLoss) {
      Log("error",
          "DATA LOSS: input lost before it was applied, or a stored revision fails its "
          "tamper check; statements are incomplete",
          {{"detail", st.message()}});
    }
    return Fail("run", st);
  }
  log_new_warnings(m);
  Log("info", "stopped",
      {{"messages", m.messages},
       {"revisions", m.revisions_published},
       {"rejects", m.rejects_published}});
  return 0;
}

}  // namespace

void AddRunCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "run", "Run the streaming settlement service: Kafka in, RocksDB state, revisions out");
  auto f = std::make_shared<RunFlags>();
  cmd->add_option("--config", f->config, "JSON settings file (flags override it)");
  cmd->add_option("--brokers", f->brokers, "Kafka bootstrap servers HOST:PORT[,...]");
  cmd->add_option("--state", f->state, "state directory (RocksDB), default ./vbp-state");
  AddChainKeyOption(cmd, &f->chain_key);
  cmd->add_option("--prefix", f->prefix, "topic prefix, default vbp.");
  cmd->add_option("--group", f->group, "consumer group id, default vbp-engine");
  cmd->add_option("--instance-id", f->instance_id,
                  "static group membership (group.instance.id): 'auto' derives one from the host "
                  "and --state, so a restarted instance gets its partitions back at once; "
                  "default: dynamic membership");
  cmd->add_option("-X,--set", f->sets,
                  "librdkafka property key=value (TLS, SASL, ...); repeatable, as kcat's -X");
  cmd->add_option("-F,--properties-file", f->property_files,
                  "librdkafka properties file (key=value lines, # comments), as kcat's -F; "
                  "-X/--set override it");
  cmd->add_option("--rules", f->rules, "extra rule set file; repeatable");
  cmd->add_option("--as-of", f->as_of, "fixed as-of date YYYY-MM-DD (default: latest paid date)");
  cmd->add_option("--http-host", f->http_host, "address for /health, /ready and /metrics");
  cmd->add_option("--http-port", f->http_port,
                  "port for /health, /ready and /metrics (0: any, -1: off)");
  cmd->add_option("--batch", f->batch, "max records per batch");
  cmd->add_option("--revision-interval-ms", f->revision_interval_ms,
                  "min time between statement revisions while input flows");
  cmd->add_flag("--until-caught-up", f->until_caught_up,
                "exit 0 once every assigned partition is consumed and revisions are published");
  cmd->add_option("--stall-seconds", f->stall_seconds,
                  "with --until-caught-up: fail after this long without progress (0: never; "
                  "default 90)");
  cmd->add_flag("--sync", f->sync, "fsync the write-ahead log on every commit");
  cmd->add_flag("--no-history", f->no_history, "do not keep every input version (audit)");
  cmd->callback([f, exit_code] { *exit_code = RunService(*f); });
}

}  // namespace vbp::cli
