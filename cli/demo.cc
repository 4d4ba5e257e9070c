// vbp demo: the main job on embedded defaults. Starts the embedded Kafka-protocol broker,
// generates a realistic population, produces it while the streaming engine consumes it into
// RocksDB state, prints the statements and the throughput, cross-checks them against batch
// settlement of the same files, and cleans up.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/common.h"
#include "cli/settle_input.h"
#include "cli/verbs.h"
#include "connectors/files/ndjson_file.h"
#include "connectors/ingest/generate/generator.h"
#include "connectors/kafka/json_key.h"
#include "connectors/kafka/mock_cluster.h"
#include "connectors/kafka/producer.h"
#include "connectors/rocksdb/rocksdb_state_store.h"
#include "connectors/stream/compose.h"
#include "connectors/stream/decode_port.h"
#include "engine/batch/batch_settlement.h"
#include "engine/core/statement_json.h"

namespace vbp::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct DemoFlags {
  int64_t members = 50000;
  uint64_t seed = 1;
  int partitions = 8;
  std::string workdir;
  bool keep = false;
  bool no_check = false;
};

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// The mock broker keeps only ~5 MiB per partition: the producer never runs more than this
// many messages per partition ahead of what the engine has consumed.
constexpr int64_t kInFlightPerPartitionMax = 4000;

int RunDemo(const DemoFlags& f) {
  const auto t_start = Clock::now();
  const bool tty = isatty(STDERR_FILENO);
  fs::path work = f.workdir.empty()
                      ? fs::temp_directory_path() / ("vbp-demo-" + std::to_string(::getpid()))
                      : fs::path(f.workdir);
  std::error_code ec;
  fs::remove_all(work, ec);
  fs::create_directories(work / "data", ec);
  if (ec) return Fail("demo", Status::Io("cannot create " + work.string() + ": " + ec.message()));
  auto cleanup = [&] {
    if (!f.keep) fs::remove_all(work, ec);
  };

  // 1. The embedded broker and the SPEC §5 topics.
  auto cluster = kafka::MockCluster::Start({});
  if (!cluster.ok()) return Fail("demo", cluster.status());
  const std::string prefix = "vbp.";
  Status st = (*cluster)->CreateSpecTopics(prefix, f.partitions);
  if (st.ok()) st = (*cluster)->CreateTopic(prefix + "parts", f.partitions);
  if (!st.ok()) return Fail("demo", st);
  const std::string brokers = (*cluster)->bootstrap_servers();
  std::printf("embedded Kafka-protocol broker at %s (%d partitions per topic)\n", brokers.c_str(),
              f.partitions);

  // 2. A synthetic population.
  auto t = Clock::now();
  {
    const char* names[] = {"members.ndjson", "providers.ndjson", "contracts.ndjson",
                           "claims.ndjson"};
    std::unique_ptr<generate::FileLineSink> sinks[4];
    for (int i = 0; i < 4; ++i) {
      auto s = generate::FileLineSink::Create((work / "data" / names[i]).string());
      if (!s.ok()) return Fail("demo", s.status());
      sinks[i] = std::move(s).value();
    }
    generate::GenerateOptions go;
    go.members = f.members;
    go.seed = f.seed;
    go.quality_measures = true;  // one contract paid on the measures: the demo shows their rates
    auto summary =
        generate::Generate(go, {sinks[0].get(), sinks[1].get(), sinks[2].get(), sinks[3].get()},
                           [tty](int64_t done, int64_t total) {
                             if (tty)
                               std::fprintf(stderr, "\rgenerating %lld / %lld members",
                                            (long long)done, (long long)total);
                           });
    if (!summary.ok()) return Fail("demo", summary.status());
    for (auto& s : sinks) {
      st = s->Finish();
      if (!st.ok()) return Fail("demo", st);
    }
    if (tty) std::fprintf(stderr, "\r%60s\r", "");
    std::printf(
        "generated %lld members, %lld claim records (%lld lines), %lld malformed records, in %.1f "
        "s\n",
        (long long)summary->member_records, (long long)summary->claim_records,
        (long long)summary->claim_lines, (long long)summary->malformed, Since(t));
  }

  // 3. The streaming engine (the same composition as `vbp run`), in this process.
  kafka::KafkaConfig base{{"bootstrap.servers", brokers}, {"log_level", "4"}};
  auto store = RocksDbStateStore::Open((work / "state").string(), RocksDbOptions{});
  if (!store.ok()) return Fail("demo", store.status());
  RuleRegistry registry = RuleRegistry::Shipped();
  stream::EngineComposition composition;
  composition.kafka = base;
  composition.input_kafka = {{"session.timeout.ms", "6000"}};
  composition.group = "vbp-demo";
  composition.engine.topic_prefix = prefix;
  composition.parts = stream::EngineComposition::Parts::kNone;  // one instance, every partition
  auto composed = stream::ComposedEngine::Create(composition, store->get(), &registry);
  if (!composed.ok()) return Fail("demo", composed.status());
  StreamingEngine& engine = (*composed)->engine();

  // 4. Produce while the engine consumes.
  std::atomic<int64_t> produced{0};
  std::atomic<bool> producer_done{false};
  std::atomic<bool> abort{false};
  Status producer_status;
  auto t_stream = Clock::now();
  std::thread producer([&] {
    kafka::ProducerOptions po;
    po.config = base;
    po.config["compression.type"] = "zstd";
    auto p = kafka::Producer::Create(po);
    if (!p.ok()) {
      producer_status = p.status();
      producer_done = true;
      return;
    }
    const char* files[] = {"providers.ndjson", "contracts.ndjson", "members.ndjson",
                           "claims.ndjson"};
    const char* keys[] = {"npi", "contract_id", "member_id", "member_id"};
    const char* topics[] = {"providers", "contracts", "members", "claims"};
    for (int i = 0; i < 4 && producer_status.ok(); ++i) {
      auto file = files::NdjsonFile::Open((work / "data" / files[i]).string());
      if (!file.ok()) {
        producer_status = file.status();
        break;
      }
      files::NdjsonLine line;
      while (file->Next(&line) && !abort) {
        // Back-pressure: never run far ahead of the engine (broker retention).
        while (produced - engine.Metrics().messages >
                   kInFlightPerPartitionMax * static_cast<int64_t>(f.partitions) &&
               !abort) {
          (*p)->Poll(5);
        }
        std::string key = kafka::ExtractTopLevelField(line.text, keys[i]).value_or("");
        producer_status = (*p)->Produce(prefix + topics[i], key, line.text);
        if (!producer_status.ok()) break;
        ++produced;
      }
      if (producer_status.ok()) producer_status = (*p)->Flush(60000);
    }
    producer_done = true;
  });
  st = engine.Start();
  int64_t last_report = 0;
  while (st.ok()) {
    auto r = engine.Step();
    if (!r.ok()) {
      st = r.status();
      break;
    }
    EngineMetrics m = engine.Metrics();
    if (tty && m.messages - last_report >= 20000) {
      std::fprintf(stderr, "\rstreaming: produced %lld, applied %lld messages (%.0f/s)   ",
                   (long long)produced.load(), (long long)m.messages,
                   m.messages / std::max(1e-9, Since(t_stream)));
      last_report = m.messages;
    }
    if (producer_done && !*r && m.messages >= produced && m.caught_up) {
      // Final revisions are published by the step that finds the input caught up.
      st = engine.RunUntilCaughtUp();
      break;
    }
  }
  abort = true;
  producer.join();
  if (tty) std::fprintf(stderr, "\r%70s\r", "");
  (*composed)->Close();
  if (!producer_status.ok()) return Fail("demo", producer_status);
  if (!st.ok()) return Fail("demo", st);
  const double stream_s = Since(t_stream);
  EngineMetrics m = engine.Metrics();

  // 5. The statements, as published.
  auto latest = StreamingEngine::LatestRevisions(**store);
  if (!latest.ok()) return Fail("demo", latest.status());
  std::vector<std::string> texts;
  for (const auto& rev : *latest) {
    auto j = nlohmann::ordered_json::parse(rev.json);
    j.erase("revision_info");
    j.erase("hash");
    texts.push_back(j.dump());
  }
  std::printf("\n%s\n", StatementTable(texts).c_str());
  const RunCounts& c = m.counts;
  std::printf(
      "streamed %lld messages in %.1f s: %.0f messages/s, %.0f claim lines/s into RocksDB\n",
      (long long)m.messages, stream_s, m.messages / stream_s, c.claim_lines_read / stream_s);
  std::printf(
      "claims: %lld read = %lld applied + %lld superseded + %lld rejected; "
      "%lld revisions published, %lld rejects published\n",
      (long long)c.claims.read, (long long)c.claims.applied, (long long)c.claims.superseded,
      (long long)c.claims.rejected, (long long)m.revisions_published,
      (long long)m.rejects_published);

  // 6. Cross-check against batch settlement of the same files.
  int rc = 0;
  if (!f.no_check) {
    t = Clock::now();
    BatchSettlement book(&registry);
    st = LoadDirectory((work / "data").string(), &book, {});
    if (!st.ok()) return Fail("demo", st);
    auto result = book.Settle({});
    if (!result.ok()) return Fail("demo", result.status());
    bool same = result->contracts.size() == texts.size();
    for (size_t i = 0; same && i < texts.size(); ++i) {
      auto a = nlohmann::ordered_json::parse(texts[i]);
      auto b = StatementJson(result->contracts[i].figures, 1, result->contracts[i].tins);
      a.erase("revision");
      b.erase("revision");
      same = a == b;
    }
    std::printf("cross-check: streamed statements %s `vbp settle` on the same files (%.1f s)\n",
                same ? "equal" : "DIFFER FROM", Since(t));
    if (!same) rc = 1;
  }
  (*store).reset();
  cleanup();
  std::printf("demo finished in %.1f s%s\n", Since(t_start),
              f.keep ? (" (kept " + work.string() + ")").c_str() : "");
  return rc;
}

}  // namespace

void AddDemoCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "demo",
      "Embedded broker + generated population streamed through the engine; prints statements");
  auto f = std::make_shared<DemoFlags>();
  cmd->add_option("--members", f->members, "population size (default 50000)");
  cmd->add_option("--seed", f->seed, "generator seed (default 1)");
  cmd->add_option("--partitions", f->partitions, "partitions per topic (default 8)");
  cmd->add_option("--workdir", f->workdir, "where data and state go (default: a temp dir)");
  cmd->add_flag("--keep", f->keep, "keep the data and state directories");
  cmd->add_flag("--no-check", f->no_check, "skip the batch cross-check");
  cmd->callback([f, exit_code] { *exit_code = RunDemo(*f); });
}

}  // namespace vbp::cli
