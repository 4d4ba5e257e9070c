#pragma once
// `vbp generate`: a seeded synthetic population written as SPEC §2 NDJSON records.
//
// Output: providers, members, claims (streamed member by member: only one member's claims
// are in memory at a time), then contracts (calibrated once every member is known), and a
// manifest describing the run: seed, counts, versions, malformed records with their line
// numbers and each contract's design target and expected statement figures.
//
// Determinism: the same (members, seed, year, malformed_per_mille) gives byte-identical
// output on any machine: integer-only randomness (random.h), no clock, no unordered
// iteration into output.

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>

#include "connectors/ingest/generate/ndjson_writer.h"
#include "domain/status.h"

namespace vbp::generate {

struct GenerateOptions {
  int64_t members = 0;  // 1 .. kMembersMax
  uint64_t seed = 1;
  int year = 2025;              // performance year; claims cover year-1 and year
  int malformed_per_mille = 1;  // corrupted extra records per 1000 records, 0 .. 1000
  // The below-MSR contract scores q from the claims-based quality measures (quality_source
  // "measures", illustrative quality_scoring) instead of a quality_score of its own. Off by
  // default, so that a population's contract terms do not depend on a measure implementation;
  // `vbp demo` turns it on (the clinical events the measures read are generated either way).
  bool quality_measures = false;
};

inline constexpr int64_t kMembersMax = 100'000'000;

struct GenerateSinks {
  LineSink* members = nullptr;
  LineSink* providers = nullptr;
  LineSink* contracts = nullptr;
  LineSink* claims = nullptr;
};

struct GenerateSummary {
  nlohmann::ordered_json manifest;  // MANIFEST.json content
  int64_t member_records = 0;
  int64_t provider_records = 0;
  int64_t contract_records = 0;
  int64_t claim_records = 0;
  int64_t claim_lines = 0;
  int64_t malformed = 0;
};

// Called every few thousand members with (members done, members total).
using ProgressFn = std::function<void(int64_t, int64_t)>;

// Generates the population into the sinks (does not Finish them). Errors: invalid options,
// sink I/O errors, and Internal when a generated contract fails to resolve against the rule
// set (a defect).
Result<GenerateSummary> Generate(const GenerateOptions& options, const GenerateSinks& sinks,
                                 const ProgressFn& progress = nullptr);

}  // namespace vbp::generate
