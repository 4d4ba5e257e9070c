// stream_bench: end-to-end figures of the streaming engine (issue 3, item 8). A harness that
// prints its figures and the command reproducing them; not a timed unit test.
//
// 1. Throughput. A generated population (connectors/ingest/generate, in memory) is produced into an
//    in-process mock cluster (our Producer, zstd, keyed like `vbp produce`; enough partitions
//    that the mock's 5 MiB-per-partition retention drops nothing, checked). Then, over the
//    SAME messages of the four input topics:
//      - a bare librdkafka consumer loop drains them (rd_kafka_consume_batch_queue, and
//        rd_kafka_consumer_poll), before and after the engine, to bracket a neighbour's load;
//      - the engine, composed like `vbp run` (RocksDB state, group consumer, Kafka sinks,
//        parts exchange), runs from Start() until caught up with its final revisions
//        published (RunUntilCaughtUp): every record applied and committed to RocksDB with its
//        offsets. Timed from Start() and from the first record polled (the group join of the
//        mock is reported separately).
//    Claims/s = claim records / seconds; the ratio compares the same messages' drain times,
//    each from its first message (the engine's from its first record) to the last: the
//    consumer's connection and first fetch are printed apart, and the batch loop never asks
//    for more messages than remain (consume_batch_queue waits its whole timeout for a full
//    count, which added ~1 s to every batch-loop drain before 2026-11-27).
// 2. Latency at a fixed offered load. A fresh cluster and state; reference data and members
//    are produced and applied first. A producer thread then offers claims at --rate claims/s
//    (paced against the steady clock), noting each claim's send time and, from its delivery
//    report, its (partition, offset). A statement consumer reads vbp.statements like a
//    downstream system; a claim is reflected by the first revision it receives whose
//    revision_info.input_watermark["vbp.claims[p]"] exceeds the claim's offset.
//    Latency = receive time of that revision - send time of the claim (producer linger,
//    broker, engine batch + commit + revision cadence, statement fetch).
//
// Usage: vbp_stream_bench [--members N] [--seed S] [--partitions P] [--batch B]
//                         [--rate R] [--seconds D] [--revision-interval-ms I]
//                         [--phase all|throughput|latency] [--state-dir DIR]
//                         [--history on|off] [--pipeline on|off] [--store rocksdb|discard]
//   --partitions: default 16 per started 25k members (16 at 20k, 32 at 50k), so that no
//     partition of the mock broker outgrows its ~5 MB window (see CheckNothingDropped);
//   --history off: without the audit trail of every input message (what it costs);
//   --pipeline off: the sequential engine (commit on the engine thread), for comparison;
//   --store discard: a store that drops every write and finds nothing (the engine keeps its
//     working state in memory and reads the store only on assignment and for the previous
//     revision): what the engine costs with a free store; an experiment, not a way to run it.
#include <librdkafka/rdkafka.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "connectors/ingest/generate/generator.h"
#include "connectors/kafka/consumer.h"
#include "connectors/kafka/json_key.h"
#include "connectors/kafka/mock_cluster.h"
#include "connectors/kafka/producer.h"
#include "connectors/rocksdb/rocksdb_state_store.h"
#include "connectors/stream/compose.h"
#include "connectors/stream/decode_port.h"
#include "engine/core/rule_registry.h"
#include "engine/stream/streaming_engine.h"

namespace vbp::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr const char* kPrefix = "vbp.";
constexpr int kDrainTimeoutSec = 600;
constexpr int kFlushTimeoutMs = 300000;
constexpr int kCaughtUpTimeoutSec = 600;

// CPU seconds (user + system) used so far by every thread of this process: the engine's
// threads, librdkafka's and RocksDB's, and the in-process mock broker.
double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

double Seconds(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

[[noreturn]] void Die(const std::string& what, const Status& st) {
  std::fprintf(stderr, "stream_bench: %s: %s\n", what.c_str(), st.ToString().c_str());
  std::exit(1);
}
[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "stream_bench: %s\n", what.c_str());
  std::exit(1);
}

struct Flags {
  int64_t members = 50000;
  uint64_t seed = 1;
  int partitions = 0;  // 0: by population size (PartitionsFor)
  int64_t batch = 20000;
  double rate = 10000;
  int seconds = 20;
  int64_t revision_interval_ms = 250;
  std::string phase = "all";
  std::string state_dir;
  bool history = true;
  bool pipeline = true;
  bool discard_store = false;  // --store discard: writes dropped (what the store costs)
};

// ---------------------------------------------------------------------------------------
// Population and producing

struct Topic {
  std::string name;
  const char* key_field;
  std::string text;                     // NDJSON
  std::vector<std::string_view> lines;  // into text
};

struct Population {
  Topic members{std::string(kPrefix) + "members", "member_id", {}, {}};
  Topic providers{std::string(kPrefix) + "providers", "npi", {}, {}};
  Topic contracts{std::string(kPrefix) + "contracts", "contract_id", {}, {}};
  Topic claims{std::string(kPrefix) + "claims", "member_id", {}, {}};
  int64_t claim_lines = 0;
  std::vector<Topic*> all() { return {&members, &providers, &contracts, &claims}; }
};

void SplitLines(Topic* t) {
  size_t pos = 0;
  while (pos < t->text.size()) {
    size_t nl = t->text.find('\n', pos);
    if (nl == std::string::npos) nl = t->text.size();
    if (nl > pos) t->lines.emplace_back(t->text.data() + pos, nl - pos);
    pos = nl + 1;
  }
}

Population GeneratePopulation(const Flags& f) {
  generate::StringLineSink members, providers, contracts, claims;
  generate::GenerateOptions options;
  options.members = f.members;
  options.seed = f.seed;
  auto summary = generate::Generate(options, {&members, &providers, &contracts, &claims});
  if (!summary.ok()) Die("generate", summary.status());
  Population p;
  p.members.text = members.text();
  p.providers.text = providers.text();
  p.contracts.text = contracts.text();
  p.claims.text = claims.text();
  p.claim_lines = summary->claim_lines;
  for (Topic* t : p.all()) SplitLines(t);
  return p;
}

std::unique_ptr<kafka::MockCluster> StartCluster(int partitions) {
  auto cluster = kafka::MockCluster::Start({});
  if (!cluster.ok()) Die("mock cluster", cluster.status());
  Status st = (*cluster)->CreateSpecTopics(kPrefix, partitions);
  if (st.ok()) st = (*cluster)->CreateTopic(std::string(kPrefix) + "parts", partitions);
  if (!st.ok()) Die("topics", st);
  return std::move(cluster).value();
}

// Produces each line keyed by its key field (an absent key: a null key), as `vbp produce`.
double Produce(const std::string& bootstrap, const std::vector<const Topic*>& topics) {
  auto producer = kafka::Producer::Create({{{"bootstrap.servers", bootstrap}}, nullptr});
  if (!producer.ok()) Die("producer", producer.status());
  const auto start = SteadyClock::now();
  for (const Topic* t : topics) {
    for (std::string_view line : t->lines) {
      const std::optional<std::string> key = kafka::ExtractTopLevelField(line, t->key_field);
      Status st = (*producer)->Produce(t->name, key ? std::string_view(*key) : "", line);
      if (!st.ok()) Die("produce " + t->name, st);
    }
  }
  Status st = (*producer)->Flush(kFlushTimeoutMs);
  if (!st.ok()) Die("flush", st);
  return Seconds(start, SteadyClock::now());
}

// The mock keeps only the last 5 MiB per partition: a figure over a truncated log is void.
int64_t CheckNothingDropped(const std::string& bootstrap, const std::vector<const Topic*>& topics,
                            int partitions) {
  auto probe = kafka::Consumer::Create({{"bootstrap.servers", bootstrap}});
  if (!probe.ok()) Die("probe", probe.status());
  int64_t total = 0;
  for (const Topic* t : topics) {
    for (int p = 0; p < partitions; ++p) {
      auto w = (*probe)->QueryWatermarks(t->name, p);
      if (!w.ok()) Die("watermarks", w.status());
      if (w->low != 0) {
        Die(t->name + "[" + std::to_string(p) + "]: the mock dropped records (low watermark " +
            std::to_string(w->low) + "): use more --partitions");
      }
      total += w->high;
    }
  }
  return total;
}

// ---------------------------------------------------------------------------------------
// Bare librdkafka drain of the input topics

struct Drain {
  int64_t messages = 0;
  int64_t bytes = 0;
  double seconds = 0;        // first message -> last
  double setup_seconds = 0;  // assignment -> first message (connection, first fetch)
  double cpu_seconds = 0;    // every thread of the process, consumer set-up included
};

rd_kafka_t* BareConsumer(const std::string& bootstrap, const std::vector<const Topic*>& topics,
                         int partitions) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const char* kv[][2] = {{"bootstrap.servers", bootstrap.c_str()},
                         {"group.id", "bench-raw"},
                         {"enable.auto.commit", "false"},
                         {"enable.partition.eof", "false"}};
  for (auto& p : kv) {
    if (rd_kafka_conf_set(conf, p[0], p[1], err, sizeof(err)) != RD_KAFKA_CONF_OK) Die(err);
  }
  // The same prefetch queue as the engine's input consumer: like is compared with like.
  for (const auto& [k, v] : stream::InputPrefetchDefaults()) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      Die(err);
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (rk == nullptr) Die(err);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(topics.size()) * partitions);
  for (const Topic* t : topics) {
    for (int p = 0; p < partitions; ++p) {
      rd_kafka_topic_partition_list_add(list, t->name.c_str(), p)->offset =
          RD_KAFKA_OFFSET_BEGINNING;
    }
  }
  rd_kafka_assign(rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  return rk;
}

Drain DrainBatchQueue(const std::string& bootstrap, const std::vector<const Topic*>& topics,
                      int partitions, int64_t expected) {
  rd_kafka_t* rk = BareConsumer(bootstrap, topics, partitions);
  rd_kafka_queue_t* q = rd_kafka_queue_get_consumer(rk);
  std::vector<rd_kafka_message_t*> msgs(10000);
  Drain d;
  const double cpu_before = ProcessCpuSeconds();
  const auto start = SteadyClock::now();
  const auto deadline = start + std::chrono::seconds(kDrainTimeoutSec);
  std::optional<SteadyClock::time_point> first;
  while (d.messages < expected && SteadyClock::now() < deadline) {
    // consume_batch_queue waits up to its timeout for the whole count: asking for more than
    // remain would add a timeout's wait at the end of the drain.
    const size_t want =
        static_cast<size_t>(std::min<int64_t>(expected - d.messages, std::ssize(msgs)));
    const ssize_t n = rd_kafka_consume_batch_queue(q, 1000, msgs.data(), want);
    if (n > 0 && !first) first = SteadyClock::now();
    for (ssize_t i = 0; i < n; ++i) {
      if (msgs[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++d.messages;
        d.bytes += static_cast<int64_t>(msgs[i]->len);
      }
      rd_kafka_message_destroy(msgs[i]);
    }
  }
  // From the first message, like the engine's figure (which starts at its first record).
  d.seconds = Seconds(first.value_or(start), SteadyClock::now());
  d.setup_seconds = Seconds(start, first.value_or(start));
  d.cpu_seconds = ProcessCpuSeconds() - cpu_before;
  rd_kafka_queue_destroy(q);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  if (d.messages < expected) Die("bare drain timed out");
  return d;
}

Drain DrainConsumerPoll(const std::string& bootstrap, const std::vector<const Topic*>& topics,
                        int partitions, int64_t expected) {
  rd_kafka_t* rk = BareConsumer(bootstrap, topics, partitions);
  Drain d;
  const double cpu_before = ProcessCpuSeconds();
  const auto start = SteadyClock::now();
  const auto deadline = start + std::chrono::seconds(kDrainTimeoutSec);
  std::optional<SteadyClock::time_point> first;
  while (d.messages < expected && SteadyClock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 1000);
    if (m == nullptr) continue;
    if (!first) first = SteadyClock::now();
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++d.messages;
      d.bytes += static_cast<int64_t>(m->len);
    }
    rd_kafka_message_destroy(m);
  }
  d.seconds = Seconds(first.value_or(start), SteadyClock::now());
  d.setup_seconds = Seconds(start, first.value_or(start));
  d.cpu_seconds = ProcessCpuSeconds() - cpu_before;
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  if (d.messages < expected) Die("bare drain timed out");
  return d;
}

// ---------------------------------------------------------------------------------------
// The engine, composed like cli/run.cc

// Notes when the first input record reached the engine (the end of the group join).
class FirstRecordClock : public RecordSource {
 public:
  explicit FirstRecordClock(RecordSource* inner) : inner_(inner) {}
  Status Start(Listener* listener) override { return inner_->Start(listener); }
  Status Poll(size_t max, int timeout_ms, std::vector<InputMessage>* out) override {
    Status st = inner_->Poll(max, timeout_ms, out);
    if (st.ok() && !out->empty() && !first_) first_ = SteadyClock::now();
    return st;
  }
  bool CaughtUp() const override { return inner_->CaughtUp(); }
  std::vector<PartitionLag> Lag() override { return inner_->Lag(); }
  Result<int32_t> PartitionCount(const std::string& topic) override {
    return inner_->PartitionCount(topic);
  }
  Status Close() override { return inner_->Close(); }
  std::optional<SteadyClock::time_point> first() const { return first_; }

 private:
  RecordSource* inner_;
  std::optional<SteadyClock::time_point> first_;
};

// --store discard: every write is dropped (counted), every read finds nothing.
class DiscardStateStore final : public StateStore {
 public:
  Result<std::optional<std::string>> Get(Space, std::string_view) const override {
    return std::optional<std::string>();
  }
  Status Scan(Space, std::string_view,
              const std::function<bool(std::string_view, std::string_view)>&) const override {
    return Status::Ok();
  }
  Status Commit(const Batch& batch, bool) override {
    bytes_ += batch.ByteSize();  // keys and values
    return Status::Ok();
  }
  Status Checkpoint(const std::string&) const override {
    return Status::Unavailable("a discarding store has nothing to check");
  }
  uint64_t ApproximateBytes() const override { return bytes_; }

 private:
  std::atomic<uint64_t> bytes_{0};
};

struct Engine {
  std::unique_ptr<StateStore> store;
  FirstRecordClock* timed_input = nullptr;  // owned by `composed`
  std::unique_ptr<stream::ComposedEngine> composed;
  StreamingEngine* engine = nullptr;
  void Close() { composed->Close(); }
};

std::unique_ptr<Engine> BuildEngine(const std::string& bootstrap, const std::string& state,
                                    const StreamingOptions& options, const RuleRegistry* registry,
                                    bool discard_store) {
  auto e = std::make_unique<Engine>();
  if (discard_store) {
    e->store = std::make_unique<DiscardStateStore>();
  } else {
    auto store = RocksDbStateStore::Open(state, RocksDbOptions{});
    if (!store.ok()) Die("state", store.status());
    e->store = std::move(store).value();
  }
  stream::EngineComposition c;
  c.kafka = {{"bootstrap.servers", bootstrap}};
  c.group = "bench-engine";
  c.engine = options;
  c.engine.topic_prefix = kPrefix;
  c.parts = stream::EngineComposition::Parts::kRequired;
  c.wrap_input = [&e](RecordSource* input) {
    auto timed = std::make_unique<FirstRecordClock>(input);
    e->timed_input = timed.get();
    return std::unique_ptr<RecordSource>(std::move(timed));
  };
  auto composed = stream::ComposedEngine::Create(c, e->store.get(), registry);
  if (!composed.ok()) Die("engine ports", composed.status());
  e->composed = std::move(composed).value();
  e->engine = &e->composed->engine();
  return e;
}

// ---------------------------------------------------------------------------------------
// Phase 1: throughput

void PrintDrain(const char* name, const Drain& d, int64_t claims) {
  std::printf(
      "  %-46s %6.2f s  %9.0f claims/s  %9.0f msg/s  %6.1f MB/s  %5.2f us CPU/claim  "
      "(+%.2f s to the first message)\n",
      name, d.seconds, claims / d.seconds, d.messages / d.seconds, d.bytes / d.seconds / 1e6,
      1e6 * d.cpu_seconds / claims, d.setup_seconds);
}

void Throughput(const Flags& f, const Population& pop, const RuleRegistry& registry,
                const std::string& state_root) {
  std::printf("\n== throughput: broker -> committed %s state\n",
              f.discard_store ? "discarded (--store discard: no state kept)" : "RocksDB");
  auto cluster = StartCluster(f.partitions);
  const std::string bootstrap = cluster->bootstrap_servers();
  const std::vector<const Topic*> topics = {&pop.members, &pop.providers, &pop.contracts,
                                            &pop.claims};
  const double produce_s = Produce(bootstrap, topics);
  const int64_t messages = CheckNothingDropped(bootstrap, topics, f.partitions);
  const int64_t claims = static_cast<int64_t>(pop.claims.lines.size());
  int64_t bytes = 0;
  for (const Topic* t : topics) bytes += static_cast<int64_t>(t->text.size());
  std::printf(
      "  produced %lld messages (%lld claims, %lld claim lines, %.1f MB) in %.2f s "
      "(%.0f msg/s, zstd); no partition truncated\n",
      static_cast<long long>(messages), static_cast<long long>(claims),
      static_cast<long long>(pop.claim_lines), bytes / 1e6, produce_s, messages / produce_s);

  const Drain raw1 = DrainBatchQueue(bootstrap, topics, f.partitions, messages);
  const Drain poll1 = DrainConsumerPoll(bootstrap, topics, f.partitions, messages);

  StreamingOptions options;
  options.batch_records_max = static_cast<size_t>(f.batch);
  options.revision_interval_ms = f.revision_interval_ms;
  options.keep_history = f.history;
  options.pipeline = f.pipeline;
  const std::string state = state_root + "/throughput";
  auto e = BuildEngine(bootstrap, state, options, &registry, f.discard_store);
  const double cpu_before = ProcessCpuSeconds();
  const auto start = SteadyClock::now();
  Status st = e->engine->Start();
  if (st.ok()) st = e->engine->RunUntilCaughtUp();
  const auto end = SteadyClock::now();
  const double cpu_s = ProcessCpuSeconds() - cpu_before;
  if (!st.ok()) Die("engine", st);
  const EngineMetrics m = e->engine->Metrics();
  const auto first = e->timed_input->first().value_or(start);
  e->Close();
  const uint64_t state_bytes = e->store->ApproximateBytes();
  e.reset();

  const Drain raw2 = DrainBatchQueue(bootstrap, topics, f.partitions, messages);
  const Drain poll2 = DrainConsumerPoll(bootstrap, topics, f.partitions, messages);

  const double ingest_s = Seconds(first, end);
  const double total_s = Seconds(start, end);
  std::printf(
      "  engine applied %lld messages (claims: %lld applied, %lld superseded, %lld "
      "rejected) in %lld batches, %lld revisions; %s %.1f MB\n",
      static_cast<long long>(m.messages), static_cast<long long>(m.counts.claims.applied),
      static_cast<long long>(m.counts.claims.superseded),
      static_cast<long long>(m.counts.claims.rejected), static_cast<long long>(m.batches),
      static_cast<long long>(m.revisions_published),
      f.discard_store ? "keys and values written (and dropped)" : "state", state_bytes / 1e6);
  if (m.messages != messages) Die("the engine did not apply every message");
  std::printf("  %-46s %6.2f s  %9.0f claims/s  %9.0f msg/s\n",
              "END TO END, first record -> caught up", ingest_s, claims / ingest_s,
              messages / ingest_s);
  std::printf("  %-46s %6.2f s  %9.0f claims/s  (group join %.2f s)\n",
              "  (from Start(), incl. the group join)", total_s, claims / total_s,
              Seconds(start, first));
  std::printf("  %-46s %6.2f s  %9.2f us per claim  (%.2f of %u cores busy, group join included)\n",
              "  CPU, all threads of the process", cpu_s, 1e6 * cpu_s / claims, cpu_s / total_s,
              std::thread::hardware_concurrency());
  PrintDrain("raw: bare consume_batch_queue, before", raw1, claims);
  PrintDrain("raw: bare consume_batch_queue, after", raw2, claims);
  PrintDrain("raw: bare consumer_poll, before", poll1, claims);
  PrintDrain("raw: bare consumer_poll, after", poll2, claims);
  const double raw_best = std::min({raw1.seconds, raw2.seconds, poll1.seconds, poll2.seconds});
  const double raw_worst = std::max({raw1.seconds, raw2.seconds, poll1.seconds, poll2.seconds});
  std::printf(
      "  RATIO end to end / raw: %.1f%% of the fastest raw drain, %.1f%% of the slowest "
      "(targets: >= 100000 claims/s, >= 50%%)\n",
      100 * raw_best / ingest_s, 100 * raw_worst / ingest_s);
}

// ---------------------------------------------------------------------------------------
// Phase 2: claim-to-revision latency at a fixed offered load

struct SeenRevision {
  SteadyClock::time_point at;
  std::vector<int64_t> next;  // per claims partition: the revision's watermark
};

// Reads vbp.statements from the beginning, like a downstream consumer, until stopped.
class StatementWatcher {
 public:
  StatementWatcher(const std::string& bootstrap, int partitions) : partitions_(partitions) {
    auto c = kafka::Consumer::Create({{"bootstrap.servers", bootstrap},
                                      {"fetch.wait.max.ms", "10"},
                                      {"enable.partition.eof", "false"}});
    if (!c.ok()) Die("statement consumer", c.status());
    consumer_ = std::move(c).value();
    std::vector<kafka::TopicPartitionOffset> a;
    for (int p = 0; p < partitions; ++p) a.push_back({std::string(kPrefix) + "statements", p, 0});
    Status st = consumer_->Assign(a);
    if (!st.ok()) Die("statement consumer", st);
    thread_ = std::thread([this] { Loop(); });
  }
  ~StatementWatcher() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::vector<SeenRevision> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  // True once a revision covers `high` (next offsets per partition).
  bool Covers(const std::vector<int64_t>& high) {
    std::lock_guard<std::mutex> lock(mu_);
    if (seen_.empty()) return false;
    for (size_t p = 0; p < high.size(); ++p) {
      if (seen_.back().next[p] < high[p]) return false;
    }
    return true;
  }

 private:
  void Loop() {
    const std::string prefix = std::string(kPrefix) + "claims[";
    std::vector<int64_t> latest(static_cast<size_t>(partitions_), 0);
    while (!stop_) {
      auto batch = consumer_->PollBatch(1000, 20);
      if (!batch.ok()) Die("statement consumer", batch.status());
      const auto now = SteadyClock::now();
      bool advanced = false;
      for (const kafka::MessageView& m : *batch) {
        auto j = nlohmann::json::parse(m.value, nullptr, false);
        if (j.is_discarded()) continue;
        const auto& wm = j["revision_info"]["input_watermark"];
        for (auto it = wm.begin(); it != wm.end(); ++it) {
          if (it.key().rfind(prefix, 0) != 0) continue;
          const size_t p = std::stoul(it.key().substr(prefix.size()));
          if (p < latest.size() && it.value().get<int64_t>() > latest[p]) {
            latest[p] = it.value().get<int64_t>();
            advanced = true;
          }
        }
      }
      if (advanced) {
        std::lock_guard<std::mutex> lock(mu_);
        seen_.push_back({now, latest});
      }
    }
  }

  int partitions_;
  std::unique_ptr<kafka::Consumer> consumer_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<SeenRevision> seen_;
};

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  return v[i];
}

void Latency(const Flags& f, const Population& pop, const RuleRegistry& registry,
             const std::string& state_root) {
  const int64_t n = std::min<int64_t>(static_cast<int64_t>(f.rate * f.seconds),
                                      static_cast<int64_t>(pop.claims.lines.size()));
  std::printf(
      "\n== latency: %lld claims offered at %.0f claims/s, claim -> statement revision "
      "(revision interval %lld ms)\n",
      static_cast<long long>(n), f.rate, static_cast<long long>(f.revision_interval_ms));
  auto cluster = StartCluster(f.partitions);
  const std::string bootstrap = cluster->bootstrap_servers();
  Produce(bootstrap, {&pop.members, &pop.providers, &pop.contracts});
  const int64_t reference_messages =
      CheckNothingDropped(bootstrap, {&pop.members, &pop.providers, &pop.contracts}, f.partitions);

  StreamingOptions options;
  options.batch_records_max = static_cast<size_t>(f.batch);
  options.revision_interval_ms = f.revision_interval_ms;
  options.keep_history = f.history;
  options.pipeline = f.pipeline;
  auto e = BuildEngine(bootstrap, state_root + "/latency", options, &registry, f.discard_store);
  Status st = e->engine->Start();
  if (!st.ok()) Die("engine", st);
  std::atomic<bool> stop{false};
  Status run_status;
  std::thread runner([&] { run_status = e->engine->Run(stop); });
  const auto ready_deadline = SteadyClock::now() + std::chrono::seconds(kCaughtUpTimeoutSec);
  while (true) {
    const EngineMetrics m = e->engine->Metrics();
    if (m.caught_up && m.messages >= reference_messages) break;
    if (!m.last_error.empty() || SteadyClock::now() > ready_deadline) {
      Die("engine did not catch up on the reference data: " + m.last_error);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  StatementWatcher watcher(bootstrap, f.partitions);

  // The paced producer (this thread).
  std::vector<SteadyClock::time_point> sent(static_cast<size_t>(n));
  std::vector<std::pair<int32_t, int64_t>> where(static_cast<size_t>(n), {-1, -1});
  kafka::ProducerOptions po;
  po.config = {{"bootstrap.servers", bootstrap}};
  po.on_delivery = [&where](const kafka::DeliveryReport& r) {
    if (r.status.ok()) where[r.sequence] = {r.partition, r.offset};
  };
  auto producer = kafka::Producer::Create(po);
  if (!producer.ok()) Die("producer", producer.status());
  const auto t0 = SteadyClock::now();
  for (int64_t i = 0; i < n; ++i) {
    const auto due = t0 + std::chrono::nanoseconds(static_cast<int64_t>(1e9 * i / f.rate));
    while (SteadyClock::now() < due) {
      (*producer)->Poll(0);
      std::this_thread::sleep_until(
          std::min(due, SteadyClock::now() + std::chrono::microseconds(500)));
    }
    const std::string_view line = pop.claims.lines[static_cast<size_t>(i)];
    const std::optional<std::string> key = kafka::ExtractTopLevelField(line, "member_id");
    sent[static_cast<size_t>(i)] = SteadyClock::now();
    st = (*producer)->Produce(pop.claims.name, key ? std::string_view(*key) : "", line);
    if (!st.ok()) Die("produce", st);
  }
  const double offered_s = Seconds(t0, SteadyClock::now());
  st = (*producer)->Flush(kFlushTimeoutMs);
  if (!st.ok()) Die("flush", st);

  std::vector<int64_t> high(static_cast<size_t>(f.partitions), 0);
  for (const auto& [p, o] : where) {
    if (p < 0) Die("a claim was not delivered");
    high[static_cast<size_t>(p)] = std::max(high[static_cast<size_t>(p)], o + 1);
  }
  const auto cover_deadline = SteadyClock::now() + std::chrono::seconds(kCaughtUpTimeoutSec);
  while (!watcher.Covers(high)) {
    if (SteadyClock::now() > cover_deadline) Die("no revision reflected every claim");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  watcher.Stop();
  stop = true;
  runner.join();
  if (!run_status.ok()) Die("engine", run_status);
  const EngineMetrics m = e->engine->Metrics();
  e->Close();
  e.reset();

  const std::vector<SeenRevision> seen = watcher.seen();
  std::vector<double> latency_ms;
  latency_ms.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const auto [p, o] = where[static_cast<size_t>(i)];
    // Watermarks only grow: the first revision with next > o reflects the claim.
    auto it = std::partition_point(seen.begin(), seen.end(), [p = p, o = o](const SeenRevision& r) {
      return r.next[static_cast<size_t>(p)] <= o;
    });
    if (it == seen.end()) Die("internal: claim not covered");
    latency_ms.push_back(1000 * Seconds(sent[static_cast<size_t>(i)], it->at));
  }
  std::printf(
      "  offered %lld claims in %.2f s (%.0f claims/s achieved); %zu revision steps seen "
      "on vbp.statements, %lld batches\n",
      static_cast<long long>(n), offered_s, n / offered_s, seen.size(),
      static_cast<long long>(m.batches));
  std::printf(
      "  CLAIM -> REVISION LATENCY  p50 %.0f ms  p90 %.0f ms  p99 %.0f ms  max %.0f ms  "
      "(target p99 <= 1000 ms)\n",
      Percentile(latency_ms, 0.50), Percentile(latency_ms, 0.90), Percentile(latency_ms, 0.99),
      Percentile(latency_ms, 1.0));
}

// The mock broker keeps only the last ~5 MB of each partition (librdkafka 2.0.2). Measured
// with the default seed: 50k members' claims overflow 16 partitions and fit in 32; 20k fit
// in 16. So 16 partitions per started 25k members.
int PartitionsFor(int64_t members) {
  constexpr int64_t kMembersPerSixteen = 25000;
  const int64_t sixteens =
      std::max<int64_t>(1, (members + kMembersPerSixteen - 1) / kMembersPerSixteen);
  return static_cast<int>(std::min<int64_t>(16 * sixteens, 1024));
}

int Main(int argc, char** argv) {
  Flags f;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--members") {
      f.members = std::atoll(v);
    } else if (k == "--seed") {
      f.seed = std::strtoull(v, nullptr, 10);
    } else if (k == "--partitions") {
      f.partitions = std::atoi(v);
    } else if (k == "--batch") {
      f.batch = std::atoll(v);
    } else if (k == "--rate") {
      f.rate = std::atof(v);
    } else if (k == "--seconds") {
      f.seconds = std::atoi(v);
    } else if (k == "--revision-interval-ms") {
      f.revision_interval_ms = std::atoll(v);
    } else if (k == "--phase") {
      f.phase = v;
    } else if (k == "--state-dir") {
      f.state_dir = v;
    } else if (k == "--store") {
      if (std::string(v) != "rocksdb" && std::string(v) != "discard") {
        std::fprintf(stderr, "--store takes rocksdb or discard\n");
        return 2;
      }
      f.discard_store = std::string(v) == "discard";
    } else if (k == "--history" || k == "--pipeline") {
      if (std::string(v) != "on" && std::string(v) != "off") {
        std::fprintf(stderr, "%s takes on or off\n", argv[i]);
        return 2;
      }
      (k == "--history" ? f.history : f.pipeline) = std::string(v) == "on";
    } else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  if (f.partitions <= 0) f.partitions = PartitionsFor(f.members);
  std::printf("stream_bench: librdkafka %s, %u hardware threads\n", rd_kafka_version_str(),
              std::thread::hardware_concurrency());
  std::printf(
      "reproduce: %s --members %lld --seed %llu --partitions %d --batch %lld --rate %.0f "
      "--seconds %d --revision-interval-ms %lld --phase %s --history %s --pipeline %s --store %s\n",
      argv[0], static_cast<long long>(f.members), static_cast<unsigned long long>(f.seed),
      f.partitions, static_cast<long long>(f.batch), f.rate, f.seconds,
      static_cast<long long>(f.revision_interval_ms), f.phase.c_str(), f.history ? "on" : "off",
      f.pipeline ? "on" : "off", f.discard_store ? "discard" : "rocksdb");
  const std::string state_root =
      (f.state_dir.empty() ? fs::temp_directory_path().string() : f.state_dir) +
      "/vbp_stream_bench_" + std::to_string(::getpid());
  fs::create_directories(state_root);

  const auto g0 = SteadyClock::now();
  const Population pop = GeneratePopulation(f);
  std::printf(
      "population: %lld members, %zu providers, %zu contracts, %zu claims (%lld lines), "
      "generated in %.1f s\n",
      static_cast<long long>(f.members), pop.providers.lines.size(), pop.contracts.lines.size(),
      pop.claims.lines.size(), static_cast<long long>(pop.claim_lines),
      Seconds(g0, SteadyClock::now()));
  const RuleRegistry registry = RuleRegistry::Shipped();
  if (f.phase == "all" || f.phase == "throughput") Throughput(f, pop, registry, state_root);
  if (f.phase == "all" || f.phase == "latency") Latency(f, pop, registry, state_root);
  std::error_code ec;
  fs::remove_all(state_root, ec);
  return 0;
}

}  // namespace
}  // namespace vbp::bench

int main(int argc, char** argv) { return vbp::bench::Main(argc, argv); }
