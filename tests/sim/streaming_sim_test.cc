// Seeded simulation of the streaming engine over in-memory ports (SPEC §5): the streamed
// result equals batch settlement of the same records; crashes injected at every kind of
// commit, then a restart, give the same final statements and the same state; replaying the
// logs from offset 0 changes no figure; a log truncated past the stored offset is data loss.
// Seeds are printed on failure; rerun with VBP_SIM_SEED=<seed> to replay one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <tuple>

#include "engine/audit/audit.h"
#include "engine/core/memory_ports.h"
#include "engine/core/memory_state_store.h"
#include "engine/state/binary_codec.h"
#include "engine/state/history_key.h"
#include "engine/stream/streaming_engine.h"
#include "tests/engine/scenario.h"

namespace vbp::testing {
namespace {

constexpr int32_t kPartitions = 4;

// Records travel through the fake log in the engine's binary encoding (the JSON codec is
// tested on its own); decoding them is then exact and cheap.
DecodeOutcome BinaryDecode(std::string_view text, const SourcePos& pos, RecordKind kind) {
  DecodeOutcome d;
  auto fail = [&](const Status& st) {
    Reject r;
    r.source = pos;
    r.kind = kind;
    r.reason = st.message();
    r.record = std::string(text);
    d.reject = std::move(r);
    return d;
  };
  if (text.substr(0, 3) == "BAD") return fail(Status::Invalid("malformed test record"));
  switch (kind) {
    case RecordKind::kClaim: {
      auto c = binary::DecodeClaim(text);
      if (!c.ok()) return fail(c.status());
      c->source = pos;
      d.record = std::move(c).value();
      break;
    }
    case RecordKind::kMember: {
      auto m = binary::DecodeMember(text);
      if (!m.ok()) return fail(m.status());
      m->source = pos;
      d.record = std::move(m).value();
      break;
    }
    case RecordKind::kProvider: {
      auto p = binary::DecodeProvider(text);
      if (!p.ok()) return fail(p.status());
      p->source = pos;
      d.record = std::move(p).value();
      break;
    }
    case RecordKind::kContract: {
      auto c = binary::DecodeContract(text);
      if (!c.ok()) return fail(c.status());
      c->source = pos;
      d.record = std::move(c).value();
      break;
    }
  }
  return d;
}

int32_t PartitionOf(const std::string& key) {
  uint32_t h = 2166136261u;
  for (char c : key) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
  return static_cast<int32_t>(h % kPartitions);
}

// A seeded population with replacements, voids, duplicates, out-of-order versions, conflicts
// and malformed messages, in a log of kPartitions member-keyed partitions.
struct World {
  Scenario scenario;
  MemoryLog log;
};

void BuildWorld(uint64_t seed, int members, World* w) {
  std::mt19937_64 rng(seed);
  auto pick = [&rng](uint64_t n) { return rng() % n; };
  Scenario& s = w->scenario;
  const char* tins[] = {"111111111", "222222222", "333333333", "444444444", "555555555"};
  for (int i = 0; i < 5; ++i) {
    for (int k = 0; k < 3; ++k) {
      s.AddProvider(std::to_string(1000000000 + i * 10 + k), tins[i],
                    k == 2 ? ProviderClass::kSpecialist
                           : (k == 1 ? ProviderClass::kNpp : ProviderClass::kPcp));
    }
  }
  s.AddContract(
      "A", {tins[0], tins[1]},
      R"({"benchmark_pbpy": "2500.00", "pmpm_tiers": [{"min_risk_score": "0", "pmpm": "4.00"},
                    {"min_risk_score": "1.2", "pmpm": "9.50"}], "pmpm_unscored": "3.00", "msr": "0.01"})");
  s.AddContract("B", {tins[2]},
                R"({"benchmark_pbpy": "1800.00", "risk_model": "two_sided", "mlr": "0.01"})");
  s.AddContract("C", {tins[3]},
                R"({"benchmark_pbpy": "2000.00", "quality_mode": "gate", "quality_score": "0.8"})");
  // Issue 5: risk scores computed from claim diagnoses (CMS-HCC) for members without a record
  // score, and the quality score from the claims-based measures, folded in as claims stream.
  s.AddContract("D", {tins[4]},
                R"({"benchmark_pbpy": "2200.00", "risk_score_source": "record_else_hcc",
                    "quality_source": "measures", "pmpm_tiers": [{"min_risk_score": "0", "pmpm": "2.00"},
                    {"min_risk_score": "1.1", "pmpm": "7.00"}], "pmpm_unscored": "1.00",
                    "quality_scoring": {"min_denominator": 5, "max_points": "10",
                      "measures": {"CBP": {"weight": "1", "steps": [["0", "4"], ["0.5", "10"]]}}}})");
  for (int m = 0; m < members; ++m) {
    std::string id = "M" + std::to_string(m);
    Member& mem = s.AddMember(
        id, m % 5 == 0 ? "2025-03-01" : "2025-01-01", m % 11 == 0 ? "2025-09-30" : "2025-12-31",
        m % 13 == 0 ? EnrollmentType::kDisabled : EnrollmentType::kAgedNondual);
    if (m % 3 != 0) mem.risk_scores[2025] = Rational(static_cast<int64_t>(700 + pick(1100)), 1000);
    if (m % 17 == 0) mem.aligned_npi = Npi(std::string("1000000030"));
    int claims = 1 + static_cast<int>(pick(8));
    for (int c = 0; c < claims; ++c) {
      int t = static_cast<int>(pick(5));
      std::string npi = std::to_string(1000000000 + t * 10 + static_cast<int>(pick(3)));
      char date[32];
      std::snprintf(date, sizeof(date), "2025-%02d-%02d", 1 + static_cast<int>(pick(12)),
                    1 + static_cast<int>(pick(28)));
      std::string allowed = std::to_string(20 + pick(400)) + "." + std::to_string(10 + pick(90));
      std::string claim_id = id + "-" + std::to_string(c);
      const char* code = pick(4) == 0 ? "93000" : (pick(2) ? "99213" : "99214");
      std::vector<LineSpec> lines = {{code, date, allowed.c_str(), allowed.c_str()}};
      // Blood pressure readings (CPT II, controlling high blood pressure) on some visits.
      if (m % 2 == 0 && c == 0) {
        lines.push_back({"3074F", date, "0.00", "0.00"});
        lines.push_back({"3078F", date, "0.00", "0.00"});
      }
      Claim& added = s.AddClaim(claim_id, id, tins[t], npi,
                                pick(20) == 0 ? "2026-05-01" : "2026-01-15", lines);
      // Diagnoses that map to payment HCCs (diabetes, heart failure) for the HCC scores.
      if (m % 4 == 0) added.diagnoses = {"I10", "E119"};
      if (m % 7 == 0) added.diagnoses.push_back("I509");

      uint64_t r = pick(20);
      if (r == 0) {
        s.AddClaim(claim_id, id, tins[t], npi, "2026-02-15", {{code, date, "10.00", "9.00"}}, 2,
                   Frequency::kReplacement);
      } else if (r == 1) {
        s.AddClaim(claim_id, id, tins[t], npi, "2026-02-15", {}, 2, Frequency::kVoid);
      } else if (r == 2) {
        s.claims_.push_back(s.claims_.back());  // duplicate delivery
      } else if (r == 3) {
        // Same version, different content: a conflict.
        s.AddClaim(claim_id, id, tins[t], npi, "2026-01-15", {{code, date, "1.00", "1.00"}});
      }
    }
    if (m % 4 == 0) {
      // A 2024 visit: the CMS-HCC collection period of PY 2025 is the year before.
      Claim& prior = s.AddClaim(id + "-prior", id, tins[4], "1000000040", "2024-07-01",
                                {{"99213", "2024-06-10", "80.00", "60.00"}});
      prior.diagnoses = {"E119"};
      if (m % 8 == 0) prior.diagnoses.push_back("I509");
    }
  }
  // SPEC §6: descriptive codes of another shape (kept, reported as data quality) and claims
  // of members without a member record, billed under contract TINs.
  for (int m = 0; m < members; m += 23) {
    std::string id = "M" + std::to_string(m);
    Claim& odd = s.AddClaim(id + "-odd", id, tins[m % 5], "1000000000", "2026-01-20",
                            {{"0450", "2025-08-08", "55.00", "44.00"}});
    odd.diagnoses = {"E11.9.X1"};
    s.AddClaim("U" + std::to_string(m) + "-1", "U" + std::to_string(m), tins[m % 5], "1999999999",
               "2026-01-20", {{"99213", "2025-08-09", "70.00", "65.00"}});
  }
  // Shuffle claims within each member only (version order is what the log decides; the
  // stale-version rule makes out-of-order arrival harmless).
  std::shuffle(s.claims_.begin(), s.claims_.end(), rng);
  w->log.EnsurePartitions("vbp.claims", kPartitions);
  w->log.EnsurePartitions("vbp.members", kPartitions);
  w->log.EnsurePartitions("vbp.providers", 2);
  w->log.EnsurePartitions("vbp.contracts", 1);
  for (const auto& p : s.providers_) {
    w->log.Append("vbp.providers", PartitionOf(p.npi.str()) % 2, p.npi.str(),
                  binary::EncodeProvider(p));
  }
  for (const auto& c : s.contracts_) {
    w->log.Append("vbp.contracts", 0, c.contract_id.str(), binary::EncodeContract(c));
  }
  for (const auto& m : s.members_) {
    w->log.Append("vbp.members", PartitionOf(m.member_id.str()), m.member_id.str(),
                  binary::EncodeMember(m));
  }
  int n = 0;
  for (const auto& c : s.claims_) {
    int32_t p = PartitionOf(c.member_id.str());
    w->log.Append("vbp.claims", p, c.member_id.str(), binary::EncodeClaim(c));
    if (++n % 97 == 0) w->log.Append("vbp.claims", p, c.member_id.str(), "BAD record");
    // Bytes that are not UTF-8: the reject (which quotes the record) must still be written.
    if (n % 211 == 0) w->log.Append("vbp.claims", p, c.member_id.str(), "\xff\x1f{\xc3");
  }
}

struct RunResult {
  Status status;
  std::vector<std::string> statements;  // latest revisions, revision_info and hash removed
  std::vector<int64_t> revisions;
  size_t published = 0;
  RunCounts counts;
};

std::string Canonical(const std::string& json) {
  auto j = nlohmann::ordered_json::parse(json);
  j.erase("revision_info");
  j.erase("hash");
  return j.dump();
}

// Runs an engine over the log until caught up (or until the store fails). `max_per_poll`
// varies batch boundaries.
// With `parts_log`, the instance exchanges contract parts through its "vbp.parts" topic.
// The history as what it must hold, whatever the batch boundaries were: every message once,
// by position (topic, partition, offset) -> kind, record key and text. The keys' leading step
// numbers depend on where batches ended; ArrivalOrdered checks those.
using HistoryByPosition =
    std::map<std::tuple<std::string, int32_t, int64_t>, std::pair<std::string, std::string>>;
HistoryByPosition ReadHistory(const StateStore& state) {
  HistoryByPosition out;
  Status st = state.Scan(Space::kHistory, "", [&](std::string_view k, std::string_view v) {
    auto p = ParseHistoryKey(k);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (!p.ok()) return false;
    bool fresh = out.try_emplace({std::string(p->topic), p->partition, p->offset},
                                 std::string(1, p->kind) + std::string(p->key), std::string(v))
                     .second;
    EXPECT_TRUE(fresh) << "two history keys for " << p->topic << "[" << p->partition << "]@"
                       << p->offset;
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

// History keys in key order are in arrival order: within each partition, offsets only grow
// (a restart that forgot the stored history step would start again below earlier keys).
void ExpectArrivalOrdered(const StateStore& state) {
  std::map<std::pair<std::string, int32_t>, int64_t> last;
  uint64_t steps = 0, previous_step = 0;
  Status st = state.Scan(Space::kHistory, "", [&](std::string_view k, std::string_view) {
    auto p = ParseHistoryKey(k);
    if (!p.ok()) return false;
    auto [it, fresh] = last.try_emplace({std::string(p->topic), p->partition}, p->offset);
    if (!fresh) {
      EXPECT_GT(p->offset, it->second) << p->topic << "[" << p->partition << "] step " << p->step;
      it->second = p->offset;
    }
    if (p->step != previous_step) ++steps;
    previous_step = p->step;
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_GT(steps, 1u) << "every message under one step: the test shows nothing";
}

RunResult RunEngine(const MemoryLog& log, StateStore* state, size_t max_per_poll,
                    const RuleRegistry& registry, std::vector<int32_t> partitions = {},
                    MemoryLog* parts_log = nullptr, bool pipeline = true,
                    std::vector<PublishedRecord>* published = nullptr,
                    std::vector<PublishedRecord>* rejected = nullptr,
                    std::optional<Date> as_of = std::nullopt) {
  MemorySource input(&log, {"vbp.claims", "vbp.members"}, partitions);
  MemorySource reference(&log, {"vbp.providers", "vbp.contracts"});
  input.set_max_per_poll(max_per_poll);
  reference.set_max_per_poll(max_per_poll);
  MemorySink statements, rejects;
  std::unique_ptr<MemorySink> parts;
  std::unique_ptr<MemorySource> parts_source;
  if (parts_log) {
    parts_log->EnsurePartitions("vbp.parts", 2);
    parts = std::make_unique<MemorySink>(parts_log, "vbp.parts", 2);
    parts_source = std::make_unique<MemorySource>(parts_log, std::vector<std::string>{"vbp.parts"});
  }
  SteppingClock clock(200);
  StreamingOptions opt;
  opt.revision_interval_ms = 5;
  opt.pipeline = pipeline;
  opt.parallel_apply = pipeline;
  opt.as_of = as_of;
  StreamingEngine engine(
      opt,
      {state, &input, &reference, &statements, &rejects, &clock, parts.get(), parts_source.get()},
      BinaryDecode, &registry);
  RunResult r;
  r.status = engine.Start();
  if (r.status.ok()) r.status = engine.RunUntilCaughtUp();
  r.published = statements.records.size();
  r.counts = engine.Metrics().counts;
  if (published) *published = statements.records;
  if (rejected) *rejected = rejects.records;
  if (!r.status.ok()) return r;
  auto latest = StreamingEngine::LatestRevisions(*state);
  EXPECT_TRUE(latest.ok());
  for (const auto& rev : *latest) {
    r.statements.push_back(Canonical(rev.json));
    r.revisions.push_back(rev.revision);
  }
  return r;
}

uint64_t SeedFromEnv(uint64_t fallback) {
  const char* s = std::getenv("VBP_SIM_SEED");
  return s ? std::strtoull(s, nullptr, 10) : fallback;
}

TEST(StreamingSimTest, StreamedStatementsEqualBatchSettlement) {
  const uint64_t seed = SeedFromEnv(7);
  SCOPED_TRACE("seed " + std::to_string(seed) + " (VBP_SIM_SEED to replay)");
  World w;
  BuildWorld(seed, 400, &w);
  MemoryStateStore state;
  RunResult streamed = RunEngine(w.log, &state, 37, w.scenario.registry_);
  ASSERT_TRUE(streamed.status.ok()) << streamed.status.ToString();
  // Batch settlement of the same records in the same per-partition order, as-of = max paid.
  auto batch = w.scenario.Settle();
  // The same version bookkeeping (CountClaimVersion) in both: the same claim counts.
  EXPECT_EQ(streamed.counts.claims.applied, batch.counts.claims.applied);
  EXPECT_EQ(streamed.counts.claims.superseded, batch.counts.claims.superseded);
  EXPECT_EQ(streamed.counts.duplicates, batch.counts.duplicates);
  EXPECT_EQ(streamed.counts.stale, batch.counts.stale);
  EXPECT_EQ(streamed.counts.conflicts, batch.counts.conflicts);
  EXPECT_GT(batch.counts.conflicts, 0);
  EXPECT_GT(batch.counts.stale + batch.counts.duplicates, 0);
  EXPECT_EQ(streamed.counts.claim_lines_read, batch.counts.claim_lines_read);
  EXPECT_TRUE(streamed.counts.Balanced());
  ASSERT_EQ(streamed.statements.size(), batch.result.contracts.size());
  for (size_t i = 0; i < streamed.statements.size(); ++i) {
    auto s = nlohmann::ordered_json::parse(streamed.statements[i]);
    auto b = nlohmann::ordered_json::parse(
        StatementJson(batch.result.contracts[i].figures, 1, batch.result.contracts[i].tins).dump());
    s.erase("revision");
    b.erase("revision");
    EXPECT_EQ(s.dump(), b.dump());
  }
  // The final revision number is the input watermark: every message of every partition.
  int64_t total = 0;
  for (const char* t : {"vbp.claims", "vbp.members", "vbp.providers", "vbp.contracts"}) {
    for (int32_t p = 0; p < w.log.Partitions(t); ++p) {
      total += static_cast<int64_t>(w.log.Read(t, p).size());
    }
  }
  for (int64_t r : streamed.revisions) EXPECT_EQ(r, total);
  EXPECT_GT(nlohmann::json::parse(streamed.statements[0])["assigned_members"].get<int>(), 50);
  // Contract D scores quality from the measures and risk from CMS-HCC, as claims stream in.
  bool saw_d = false;
  for (const auto& text : streamed.statements) {
    auto s = nlohmann::json::parse(text);
    if (s["contract_id"] != "D") continue;
    saw_d = true;
    EXPECT_GT(s["assigned_members"].get<int>(), 20);
    ASSERT_TRUE(s["detail"].contains("quality")) << s["detail"].dump();
    EXPECT_EQ(s["detail"]["quality"]["scored_measures"], 1) << s["detail"]["quality"].dump();
  }
  EXPECT_TRUE(saw_d);
}

// At a fixed as-of (2026-01-31: the originals paid 2026-01-15 count; replacements and voids
// paid 2026-02-15 and the claims paid 2026-05-01 do not), streaming and batch count the same
// claim versions for attribution, expenditure, the CMS-HCC scores and the measures of D.
TEST(StreamingSimTest, StreamedStatementsEqualBatchSettlementAtAFixedAsOf) {
  const uint64_t seed = SeedFromEnv(11);
  SCOPED_TRACE("seed " + std::to_string(seed) + " (VBP_SIM_SEED to replay)");
  World w;
  BuildWorld(seed, 400, &w);
  MemoryStateStore state;
  RunResult streamed = RunEngine(w.log, &state, 37, w.scenario.registry_, {}, nullptr, true,
                                 nullptr, nullptr, D("2026-01-31"));
  ASSERT_TRUE(streamed.status.ok()) << streamed.status.ToString();
  auto batch = w.scenario.Settle(std::optional<const char*>("2026-01-31"));
  auto full = w.scenario.Settle();
  ASSERT_EQ(streamed.statements.size(), batch.result.contracts.size());
  for (size_t i = 0; i < streamed.statements.size(); ++i) {
    auto s = nlohmann::ordered_json::parse(streamed.statements[i]);
    auto b = nlohmann::ordered_json::parse(
        StatementJson(batch.result.contracts[i].figures, 1, batch.result.contracts[i].tins).dump());
    s.erase("revision");
    b.erase("revision");
    EXPECT_EQ(s.dump(), b.dump());
    EXPECT_EQ(s["as_of"], "2026-01-31");
    // The as-of leaves claims out: the figures differ from the settlement at the data's as-of.
    EXPECT_NE(batch.result.contracts[i].figures.expenditure_total,
              full.result.contracts[i].figures.expenditure_total);
  }
}

// The pipelined engine (commit and publications of batch N on the worker thread while batch
// N+1 is applied; partitions shared out between two threads when a poll brings >= 64
// messages, as with poll size 400 here) makes exactly the sequential engine's commits and
// publications.
TEST(StreamingSimTest, PipelinedAndSequentialEnginesCommitAndPublishTheSame) {
  const uint64_t seed = SeedFromEnv(13);
  SCOPED_TRACE("seed " + std::to_string(seed) + " (VBP_SIM_SEED to replay)");
  World w;
  BuildWorld(seed, 300, &w);
  for (size_t poll : {9, 41, 400}) {
    SCOPED_TRACE("poll size " + std::to_string(poll));
    MemoryStateStore sequential, pipelined;
    std::vector<PublishedRecord> out_seq, out_pipe;
    RunResult a = RunEngine(w.log, &sequential, poll, w.scenario.registry_, {}, nullptr,
                            /*pipeline=*/false, &out_seq);
    RunResult b = RunEngine(w.log, &pipelined, poll, w.scenario.registry_, {}, nullptr,
                            /*pipeline=*/true, &out_pipe);
    ASSERT_TRUE(a.status.ok()) << a.status.ToString();
    ASSERT_TRUE(b.status.ok()) << b.status.ToString();
    EXPECT_EQ(sequential.commits(), pipelined.commits());
    EXPECT_TRUE(pipelined.SameContents(
        sequential,
        {Space::kClaims, Space::kMembers, Space::kResults, Space::kParts, Space::kReference,
         Space::kOffsets, Space::kCounters, Space::kHistory, Space::kRevisions, Space::kMeta}));
    ASSERT_EQ(out_seq.size(), out_pipe.size());
    ASSERT_GT(out_seq.size(), 3u);
    for (size_t i = 0; i < out_seq.size(); ++i) {
      EXPECT_EQ(out_seq[i].key, out_pipe[i].key);
      EXPECT_EQ(out_seq[i].value, out_pipe[i].value);
    }
  }
}

void CrashAndRestart(uint64_t seed) {
  SCOPED_TRACE("seed " + std::to_string(seed) + " (VBP_SIM_SEED to replay)");
  World w;
  BuildWorld(seed, 250, &w);
  MemoryStateStore reference_state;
  RunResult clean = RunEngine(w.log, &reference_state, 23, w.scenario.registry_);
  ASSERT_TRUE(clean.status.ok()) << clean.status.ToString();
  const size_t commits = reference_state.commits();
  ASSERT_GT(commits, 20u);
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 12; ++trial) {
    size_t poll = 5 + rng() % 60;
    MemoryStateStore probe;  // how many commits this batch size makes
    ASSERT_TRUE(RunEngine(w.log, &probe, poll, w.scenario.registry_).status.ok());
    size_t fail_at = 2 + rng() % (probe.commits() - 1);
    SCOPED_TRACE("trial " + std::to_string(trial) + ": crash before commit " +
                 std::to_string(fail_at) + ", poll size " + std::to_string(poll));
    MemoryStateStore durable;
    FaultyStateStore faulty(&durable, fail_at);
    RunResult crashed = RunEngine(w.log, &faulty, poll, w.scenario.registry_);
    ASSERT_FALSE(crashed.status.ok());
    ASSERT_TRUE(faulty.crashed());
    // Restart on what survived, with different batch boundaries.
    RunResult resumed = RunEngine(w.log, &durable, poll + 13, w.scenario.registry_);
    ASSERT_TRUE(resumed.status.ok()) << resumed.status.ToString();
    EXPECT_EQ(resumed.statements, clean.statements);
    EXPECT_EQ(resumed.revisions, clean.revisions);
    EXPECT_TRUE(durable.SameContents(
        reference_state, {Space::kClaims, Space::kMembers, Space::kResults, Space::kParts,
                          Space::kReference, Space::kOffsets, Space::kCounters}));
    EXPECT_EQ(ReadHistory(durable), ReadHistory(reference_state));
    ExpectArrivalOrdered(durable);
  }
}

TEST(StreamingSimTest, CrashAtAnyCommitThenRestartGivesIdenticalStatementsAndState) {
  if (std::getenv("VBP_SIM_SEED")) {
    CrashAndRestart(SeedFromEnv(0));
    return;
  }
  for (uint64_t seed : {11, 2, 23}) CrashAndRestart(seed);
}

TEST(StreamingSimTest, ReplayingTheLogsFromOffsetZeroChangesNoFigure) {
  const uint64_t seed = SeedFromEnv(5);
  SCOPED_TRACE("seed " + std::to_string(seed));
  World w;
  BuildWorld(seed, 200, &w);
  MemoryStateStore state;
  RunResult first = RunEngine(w.log, &state, 50, w.scenario.registry_);
  ASSERT_TRUE(first.status.ok());
  MemoryStateStore first_state = *state.Clone();
  // Forget every stored offset: the engine reads everything again into the same state.
  StateStore::Batch reset;
  ASSERT_TRUE(state
                  .Scan(Space::kOffsets, "",
                        [&](std::string_view k, std::string_view) {
                          reset.Delete(Space::kOffsets, std::string(k));
                          return true;
                        })
                  .ok());
  ASSERT_TRUE(state.Commit(reset, false).ok());
  MemoryStateStore before = *state.Clone();
  RunResult again = RunEngine(w.log, &state, 71, w.scenario.registry_);
  ASSERT_TRUE(again.status.ok());
  ASSERT_EQ(again.statements.size(), first.statements.size());
  for (size_t i = 0; i < first.statements.size(); ++i) {
    auto a = nlohmann::ordered_json::parse(first.statements[i]);
    auto b = nlohmann::ordered_json::parse(again.statements[i]);
    a.erase("revision");
    b.erase("revision");
    EXPECT_EQ(a.dump(), b.dump());
  }
  // Claims, member aggregates and contract parts are untouched.
  EXPECT_TRUE(state.SameContents(before, {Space::kClaims, Space::kResults, Space::kParts}));
  // The history holds every message read again as a copy under a later step: the index of
  // positions is the first run's, and lists each copy.
  auto first_index = audit::HistoryIndex::Load(first_state);
  auto index = audit::HistoryIndex::Load(state);
  ASSERT_TRUE(first_index.ok()) << first_index.status().ToString();
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_GT(first_index->messages, 0u);
  EXPECT_TRUE(first_index->copies.empty());
  EXPECT_EQ(index->messages, first_index->messages);
  EXPECT_EQ(index->copies.size(), first_index->messages);
  for (const auto& [lp, entries] : index->partitions) {
    const auto& was = first_index->partitions.at(lp);
    ASSERT_EQ(entries.size(), was.size()) << lp.ToString();
    for (size_t i = 0; i < entries.size(); ++i) EXPECT_EQ(entries[i].key, was[i].key);
  }
}

TEST(StreamingSimTest, LogTruncatedPastTheStoredOffsetIsReportedAsDataLoss) {
  World w;
  BuildWorld(3, 60, &w);
  MemoryStateStore state;
  ASSERT_TRUE(RunEngine(w.log, &state, 1000, w.scenario.registry_).status.ok());
  // More claims arrive, then retention deletes them before this engine runs again.
  int64_t next = static_cast<int64_t>(w.log.Read("vbp.claims", 1).size());
  w.log.Append("vbp.claims", 1, "x", "BAD record");
  w.log.Append("vbp.claims", 1, "x", "BAD record");
  w.log.Truncate("vbp.claims", 1, next + 2);
  RunResult r = RunEngine(w.log, &state, 1000, w.scenario.registry_);
  EXPECT_EQ(r.status.code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status.message().find("vbp.claims[1]"), std::string::npos) << r.status.ToString();
}

// A version conflict's reject names where the effective version was read: in the run that
// read both, and after a restart, when the engine knows that version from its state only.
TEST(StreamingSimTest, AConflictNamesWhereTheEffectiveVersionWasReadAlsoAfterARestart) {
  World w;
  BuildWorld(5, 40, &w);
  Scenario extra;
  const std::string member = "M-CONFLICT";
  const int32_t p = PartitionOf(member);
  auto version1 = [&](const char* allowed) {
    return binary::EncodeClaim(extra.AddClaim("CONFLICT-1", member, "111111111", "1000000000",
                                              "2026-03-01",
                                              {{"99213", "2025-11-02", allowed, "100.00"}}));
  };
  const auto first = static_cast<int64_t>(w.log.Read("vbp.claims", p).size());
  w.log.Append("vbp.claims", p, member, version1("140.00"));
  w.log.Append("vbp.claims", p, member, version1("150.00"));  // same version, other content
  const std::string at = "at vbp.claims/" + std::to_string(p) + "@" + std::to_string(first) + ";";
  auto conflicts = [](const std::vector<PublishedRecord>& rejects) {
    std::vector<std::string> reasons;
    for (const auto& r : rejects) {
      auto j = nlohmann::json::parse(r.value);
      if (j.value("key", "") == "CONFLICT-1") reasons.push_back(j.value("reason", ""));
    }
    return reasons;
  };
  MemoryStateStore state;
  std::vector<PublishedRecord> rejects;
  RunResult r1 =
      RunEngine(w.log, &state, 1000, w.scenario.registry_, {}, nullptr, true, nullptr, &rejects);
  ASSERT_TRUE(r1.status.ok()) << r1.status.ToString();
  auto reasons = conflicts(rejects);
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_NE(reasons[0].find(at), std::string::npos) << reasons[0] << " lacks " << at;

  w.log.Append("vbp.claims", p, member, version1("160.00"));
  RunResult r2 =
      RunEngine(w.log, &state, 1000, w.scenario.registry_, {}, nullptr, true, nullptr, &rejects);
  ASSERT_TRUE(r2.status.ok()) << r2.status.ToString();
  reasons = conflicts(rejects);
  ASSERT_EQ(reasons.size(), 1u);  // this run's only
  EXPECT_NE(reasons[0].find(at), std::string::npos) << reasons[0] << " lacks " << at;
  EXPECT_EQ(r2.counts.conflicts, r1.counts.conflicts + 1);  // counts carry over the restart
}

TEST(StreamingSimTest, TwoInstancesSplittingPartitionsThenOneLeavingGiveTheSameStatements) {
  World w;
  BuildWorld(19, 300, &w);
  MemoryStateStore whole;
  RunResult single = RunEngine(w.log, &whole, 40, w.scenario.registry_);
  ASSERT_TRUE(single.status.ok());

  // Instance B (partitions 2, 3) has no partition 0: it publishes parts, never statements.
  MemoryLog parts_log;
  MemoryStateStore a, b;
  RunResult rb = RunEngine(w.log, &b, 40, w.scenario.registry_, {2, 3}, &parts_log);
  ASSERT_TRUE(rb.status.ok());
  EXPECT_EQ(rb.published, 0u);
  EXPECT_TRUE(rb.statements.empty());
  // Instance A (partitions 0, 1) publishes from its own parts plus B's: the same statements
  // (figures and revision) as one instance with every partition.
  RunResult ra = RunEngine(w.log, &a, 40, w.scenario.registry_, {0, 1}, &parts_log);
  ASSERT_TRUE(ra.status.ok());
  EXPECT_EQ(ra.statements, single.statements);
  EXPECT_EQ(ra.revisions, single.revisions);

  // B leaves: A takes every partition, rebuilds 2 and 3 from the log, and ends the same.
  RunResult alone = RunEngine(w.log, &a, 40, w.scenario.registry_, {}, &parts_log);
  ASSERT_TRUE(alone.status.ok());
  EXPECT_EQ(alone.statements, single.statements);
}

TEST(StreamingSimTest, APublisherWithoutEveryPartitionPublishesNothing) {
  World w;
  BuildWorld(21, 80, &w);
  MemoryLog parts_log;  // nobody else has published parts for partitions 2 and 3
  MemoryStateStore a;
  RunResult ra = RunEngine(w.log, &a, 40, w.scenario.registry_, {0, 1}, &parts_log);
  EXPECT_EQ(ra.status.code(), StatusCode::kUnavailable) << ra.status.ToString();
  EXPECT_NE(ra.status.message().find("partition(s) 2, 3"), std::string::npos);
  EXPECT_EQ(ra.published, 0u);
}

// A source whose partitions never report their end and deliver nothing (brokers unreachable,
// partitions never assigned): RunUntilCaughtUp must give up loudly, not wait forever.
class SilentSource : public RecordSource {
 public:
  Status Start(Listener* listener) override {
    std::vector<std::pair<LogPartition, int64_t>> starts = {{{"vbp.claims", 0}, -2},
                                                            {{"vbp.members", 0}, -2}};
    return listener->OnAssigned(starts);
  }
  Status Poll(size_t, int, std::vector<InputMessage>* out) override {
    out->clear();
    ++polls;
    return Status::Ok();
  }
  bool CaughtUp() const override { return false; }
  std::vector<PartitionLag> Lag() override { return {{{"vbp.claims", 0}, 0, 42}}; }
  Result<int32_t> PartitionCount(const std::string&) override { return 1; }
  Status Close() override { return Status::Ok(); }
  int polls = 0;
};

TEST(StreamingSimTest, RunUntilCaughtUpGivesUpAfterTheStallTimeoutNamingThePartitions) {
  World w;
  BuildWorld(1, 10, &w);
  MemoryStateStore state;
  SilentSource input;
  MemorySource reference(&w.log, {"vbp.providers", "vbp.contracts"});
  MemorySink statements, rejects;
  SteppingClock clock(1000);  // 1 ms per clock read
  StreamingOptions opt;
  opt.stall_timeout_ms = 2000;
  StreamingEngine engine(opt, {&state, &input, &reference, &statements, &rejects, &clock},
                         BinaryDecode, &w.scenario.registry_);
  ASSERT_TRUE(engine.Start().ok());
  const Status st = engine.RunUntilCaughtUp();
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_NE(st.message().find("made no progress for 2 s"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("vbp.claims[0] at 0/42"), std::string::npos) << st.message();
  EXPECT_GT(input.polls, 10);
}

// Issue 15 item 3: a stall with no partition assigned is the consumer group's, and says so.
class UnassignedSource : public SilentSource {
 public:
  std::vector<PartitionLag> Lag() override { return {}; }
};

TEST(StreamingSimTest, AStallWithNoPartitionAssignedBlamesTheGroupNotTheInput) {
  World w;
  BuildWorld(1, 10, &w);
  MemoryStateStore state;
  UnassignedSource input;
  MemorySource reference(&w.log, {"vbp.providers", "vbp.contracts"});
  MemorySink statements, rejects;
  SteppingClock clock(1000);
  StreamingOptions opt;
  opt.stall_timeout_ms = 2000;
  StreamingEngine engine(opt, {&state, &input, &reference, &statements, &rejects, &clock},
                         BinaryDecode, &w.scenario.registry_);
  ASSERT_TRUE(engine.Start().ok());
  const Status st = engine.RunUntilCaughtUp();
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_NE(st.message().find("waited 2 s for the consumer group to assign partitions (none "
                              "assigned)"),
            std::string::npos)
      << st.message();
  EXPECT_EQ(st.message().find("made no progress"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace vbp::testing
