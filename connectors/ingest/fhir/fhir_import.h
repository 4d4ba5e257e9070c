#pragma once
// `vbp import fhir`: Bulk FHIR NDJSON (one resource per line, as BCDA exports it) or JSON
// Bundles (searchset / collection) of ExplanationOfBenefit, Patient and Coverage -> SPEC §2
// NDJSON (members, providers, claims). R4 CARIN Blue Button and CMS Blue Button 2.0 (BCDA v2),
// and Blue Button 1.0 STU3 (BCDA v1). Every mapping decision is in
// connectors/ingest/fhir/README.md; every resource read is counted in IMPORT_REPORT.json as
// mapped, rejected (one line in rejects.ndjson: source, position, FHIRPath-ish field, reason)
// or skipped as out of scope (pharmacy EOBs, Part D coverage, other resource types).
//
// Money never passes through a double: decimals are read from their JSON text
// (fhir_json.h) and written as exact decimal strings.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "connectors/ingest/generate/ndjson_writer.h"
#include "domain/status.h"

namespace vbp::fhir {

// One input file: its name (as reported in rejects and the report) and its bytes.
// With `on_disk`, `name` is a path read when its turn comes and freed after it (one export
// file in memory at a time).
struct FhirSource {
  std::string name;
  std::string text;
  bool on_disk = false;
};

struct FhirImportInputs {
  std::vector<FhirSource> resources;    // NDJSON or Bundle files, in processing order
  std::optional<FhirSource> roster;     // SPEC providers NDJSON; wins over derived providers
  std::optional<FhirSource> contracts;  // SPEC contracts NDJSON, copied after validation
};

struct FhirImportSinks {
  generate::LineSink* members = nullptr;
  generate::LineSink* providers = nullptr;
  generate::LineSink* claims = nullptr;
  generate::LineSink* contracts = nullptr;  // required when inputs.contracts is set
  generate::LineSink* rejects = nullptr;
};

struct FhirImportSummary {
  nlohmann::ordered_json report;  // IMPORT_REPORT.json
  int64_t members = 0;
  int64_t providers = 0;
  int64_t claims = 0;  // claim records written (every version, voids included)
  int64_t claim_lines = 0;
  int64_t voids = 0;
  int64_t contracts = 0;
  int64_t rejected = 0;
  int64_t out_of_scope = 0;
};

// Converts the resources. Bad resources are rejected and reported, never fatal; fails only on
// sink I/O errors, a missing sink, or a roster / contract file that is not SPEC NDJSON.
Result<FhirImportSummary> ImportFhir(const FhirImportInputs& inputs, const FhirImportSinks& sinks);

// The resource files of `dir` (on_disk, not read yet): every regular file named *.ndjson or
// *.json directly in `dir` (not in subfolders), sorted by name, minus the paths in `exclude`.
Result<std::vector<FhirSource>> ListFhirDir(const std::string& dir,
                                            const std::vector<std::string>& exclude);
// One whole file.
Result<FhirSource> LoadFile(const std::string& path);

}  // namespace vbp::fhir
