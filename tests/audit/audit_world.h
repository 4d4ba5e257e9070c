#pragma once
// A seeded population streamed in phases through the in-memory ports, so that the store holds
// many revisions made of replacements, voids, duplicates, conflicts, malformed messages,
// late claims and mid-year reference changes (a contract's MSR table, a provider's class).
// Records travel in the engine's binary encoding (the JSON codec is tested on its own).

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "engine/core/memory_ports.h"
#include "engine/core/memory_state_store.h"
#include "engine/state/binary_codec.h"
#include "engine/stream/streaming_engine.h"
#include "tests/engine/scenario.h"

namespace vbp::testing {

inline DecodeOutcome BinaryDecode(std::string_view text, const SourcePos& pos, RecordKind kind) {
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

constexpr int32_t kAuditPartitions = 3;

inline int32_t AuditPartitionOf(const std::string& key) {
  uint32_t h = 2166136261u;
  for (char c : key) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
  return static_cast<int32_t>(h % kAuditPartitions);
}

struct Append {
  std::string topic;
  int32_t partition = 0;
  std::string key;
  std::string value;
};
using Phase = std::vector<Append>;

// Phases of input: (1) roster, contracts, members, first claims; (2) corrections (replacements,
// voids, duplicates, conflicts, malformed), late claims, a contract's new MSR table and a
// provider's new class record; (3) more claims and voids.
inline std::vector<Phase> BuildPhases(uint64_t seed, int members) {
  std::mt19937_64 rng(seed);
  auto pick = [&rng](uint64_t n) { return rng() % n; };
  Scenario s;
  std::vector<Phase> phases(3);
  auto add_claim = [&](Phase& ph, const Claim& c) {
    ph.push_back({"vbp.claims", AuditPartitionOf(c.member_id.str()), c.member_id.str(),
                  binary::EncodeClaim(c)});
  };
  const char* tins[] = {"111111111", "222222222", "333333333", "444444444", "555555555"};
  for (int i = 0; i < 5; ++i) {
    for (int k = 0; k < 3; ++k) {
      s.AddProvider(std::to_string(1000000000 + i * 10 + k), tins[i],
                    k == 2 ? ProviderClass::kSpecialist
                           : (k == 1 ? ProviderClass::kNpp : ProviderClass::kPcp));
    }
  }
  for (const auto& p : s.providers_) {
    phases[0].push_back({"vbp.providers", AuditPartitionOf(p.npi.str()) % 2, p.npi.str(),
                         binary::EncodeProvider(p)});
  }
  s.AddContract(
      "A", {tins[0], tins[1]},
      R"({"benchmark_pbpy": "2500.00", "pmpm_tiers": [{"min_risk_score": "0", "pmpm": "4.00"},
                    {"min_risk_score": "1.2", "pmpm": "9.50"}], "pmpm_unscored": "3.00", "msr": "0.01"})");
  s.AddContract("B", {tins[2]},
                R"({"benchmark_pbpy": "1800.00", "risk_model": "two_sided", "mlr": "0.01"})");
  s.AddContract("C", {tins[3]},
                R"({"benchmark_pbpy": "2000.00", "quality_mode": "gate", "quality_score": "0.8"})");
  for (const auto& c : s.contracts_) {
    phases[0].push_back({"vbp.contracts", 0, c.contract_id.str(), binary::EncodeContract(c)});
  }
  for (int m = 0; m < members; ++m) {
    std::string id = "M" + std::to_string(m);
    Member& mem = s.AddMember(
        id, m % 5 == 0 ? "2025-03-01" : "2025-01-01", m % 11 == 0 ? "2025-09-30" : "2025-12-31",
        m % 13 == 0 ? EnrollmentType::kDisabled : EnrollmentType::kAgedNondual);
    if (m % 3 != 0) mem.risk_scores[2025] = Rational(static_cast<int64_t>(700 + pick(1100)), 1000);
    if (m % 17 == 0) mem.aligned_npi = Npi(std::string("1000000030"));
    phases[0].push_back({"vbp.members", AuditPartitionOf(id), id, binary::EncodeMember(mem)});
  }
  int n = 0;
  for (int m = 0; m < members; ++m) {
    std::string id = "M" + std::to_string(m);
    int claims = 1 + static_cast<int>(pick(6));
    for (int c = 0; c < claims; ++c) {
      int t = static_cast<int>(pick(5));
      std::string npi = std::to_string(1000000000 + t * 10 + static_cast<int>(pick(3)));
      char date[32];
      std::snprintf(date, sizeof(date), "2025-%02d-%02d", 1 + static_cast<int>(pick(12)),
                    1 + static_cast<int>(pick(28)));
      std::string allowed = std::to_string(20 + pick(400)) + "." + std::to_string(10 + pick(90));
      std::string claim_id = id + "-" + std::to_string(c);
      const char* code = pick(4) == 0 ? "93000" : (pick(2) ? "99213" : "99214");
      // Paid dates spread over the run-out so that the as-of moves between revisions.
      char paid[32];
      std::snprintf(paid, sizeof(paid), "2026-0%d-%02d", 1 + static_cast<int>(pick(3)),
                    1 + static_cast<int>(pick(28)));
      Phase& first = phases[pick(3) == 0 ? 2 : 0];
      add_claim(first, s.AddClaim(claim_id, id, tins[t], npi, paid,
                                  {{code, date, allowed.c_str(), allowed.c_str()}}));
      uint64_t r = pick(12);
      Phase& later = phases[&first == &phases[2] ? 2 : 1 + pick(2)];
      if (r == 0) {
        add_claim(later, s.AddClaim(claim_id, id, tins[t], npi, "2026-02-15",
                                    {{code, date, "10.00", "9.00"}}, 2, Frequency::kReplacement));
      } else if (r == 1) {
        add_claim(later,
                  s.AddClaim(claim_id, id, tins[t], npi, "2026-02-15", {}, 2, Frequency::kVoid));
      } else if (r == 2) {
        add_claim(later, s.claims_.back());  // duplicate delivery
      } else if (r == 3) {
        // Same version, different content: a conflict.
        add_claim(later, s.AddClaim(claim_id, id, tins[t], npi, "2026-01-15",
                                    {{code, date, "1.00", "1.00"}}));
      } else if (r == 4) {
        // A late claim: early service, paid after the run-out cutoff.
        add_claim(later, s.AddClaim(claim_id + "L", id, tins[t], npi, "2026-04-02",
                                    {{code, "2025-01-05", "75.00", "75.00"}}));
      }
      if (++n % 53 == 0) {
        phases[1].push_back({"vbp.claims", AuditPartitionOf(id), id, "BAD record"});
      }
    }
  }
  // Reference changes mid-stream: contract A's MSR becomes a band table; NPI 1000000011 (an
  // NPP at TIN 222222222) is a specialist from July.
  s.AddContract(
      "A", {tins[0], tins[1]},
      R"({"benchmark_pbpy": "2500.00", "pmpm_tiers": [{"min_risk_score": "0", "pmpm": "4.00"},
                    {"min_risk_score": "1.2", "pmpm": "9.50"}], "pmpm_unscored": "3.00",
                    "msr": [{"lo": 1, "hi": 50, "r_lo": "0.04", "r_hi": "0.03"}, {"lo": 50, "r_lo": "0.02"}]})");
  phases[1].push_back({"vbp.contracts", 0, "A", binary::EncodeContract(s.contracts_.back())});
  s.AddProvider("1000000011", "222222222", ProviderClass::kSpecialist, "2025-07-01");
  phases[1].push_back({"vbp.providers", AuditPartitionOf("1000000011") % 2, "1000000011",
                       binary::EncodeProvider(s.providers_.back())});
  return phases;
}

inline void PreparePartitions(MemoryLog* log) {
  log->EnsurePartitions("vbp.claims", kAuditPartitions);
  log->EnsurePartitions("vbp.members", kAuditPartitions);
  log->EnsurePartitions("vbp.providers", 2);
  log->EnsurePartitions("vbp.contracts", 1);
}

// Streams the phases through one engine into `state`, appending each phase once the engine
// has caught up with the previous one. Revisions on a short cadence of the stepping clock
// (every few batches, when a statement changed) and a forced round whenever it catches up.
inline Status StreamPhases(const std::vector<Phase>& phases, MemoryLog* log, StateStore* state,
                           size_t max_per_poll, const RuleRegistry& registry,
                           std::optional<Date> as_of = std::nullopt,
                           const ChainKeys& chain_keys = {}) {
  PreparePartitions(log);
  MemorySource input(log, {"vbp.claims", "vbp.members"});
  MemorySource reference(log, {"vbp.providers", "vbp.contracts"});
  input.set_max_per_poll(max_per_poll);
  reference.set_max_per_poll(max_per_poll);
  MemorySink statements, rejects;
  SteppingClock clock(200);
  StreamingOptions opt;
  opt.revision_interval_ms = 2;
  opt.as_of = as_of;
  opt.chain_keys = chain_keys;
  StreamingEngine engine(opt, {state, &input, &reference, &statements, &rejects, &clock},
                         BinaryDecode, &registry);
  VBP_RETURN_IF_ERROR(engine.Start());
  for (const Phase& ph : phases) {
    for (const Append& a : ph) log->Append(a.topic, a.partition, a.key, a.value);
    VBP_RETURN_IF_ERROR(engine.RunUntilCaughtUp());
  }
  return Status::Ok();
}

}  // namespace vbp::testing
