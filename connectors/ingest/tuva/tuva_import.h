#pragma once
// `vbp import tuva`: the Tuva Project input layout (medical_claim, eligibility, provider
// CSVs) -> SPEC §2 NDJSON records (members, providers, claims) plus one contract so that the
// data can be settled. Every mapping decision is in connectors/ingest/tuva/README.md; every
// fallback, missing amount and skipped row is counted in the report (IMPORT_REPORT.json).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "connectors/ingest/generate/ndjson_writer.h"
#include "connectors/ingest/medicare/medicare_codes.h"
#include "domain/csv.h"
#include "domain/records.h"
#include "domain/status.h"

namespace vbp::tuva {

struct TuvaImportOptions {
  // Performance year of the contract written; default: the calendar year with the most claim
  // lines by service date (ties: the later year).
  std::optional<int> year;
  // How many billing units (TINs) the contract takes: the busiest primary-care units of the
  // year.
  int contract_tins = 5;
};

struct TuvaImportSinks {
  generate::LineSink* members = nullptr;
  generate::LineSink* providers = nullptr;
  generate::LineSink* claims = nullptr;
  generate::LineSink* contracts = nullptr;
};

struct TuvaImportSummary {
  nlohmann::ordered_json report;  // IMPORT_REPORT.json
  int64_t members = 0;
  int64_t providers = 0;
  int64_t claims = 0;
  int64_t claim_lines = 0;
  int64_t contracts = 0;
  int64_t rows_skipped = 0;
  // The contract's rule set is documented for another performance year (also in the report's
  // contract.warnings).
  std::vector<std::string> warnings;
};

// Converts the three tables. Fails (InvalidArgument) when a table lacks a column the mapping
// needs; bad rows are skipped and reported, never fatal.
Result<TuvaImportSummary> ImportTuva(const CsvTable& medical_claim, const CsvTable& eligibility,
                                     const CsvTable& provider, const TuvaImportOptions& options,
                                     const TuvaImportSinks& sinks);

// Mapping helpers, public for tests.
// Provider class from an NPPES taxonomy code and entity type ("1" individual, "2" organisation).
ProviderClass ProviderClassOf(std::string_view taxonomy, std::string_view entity_type);
// Shared with the other importers (connectors/ingest/medicare/medicare_codes.h).
using medicare::EnrollmentTypeOf;
using medicare::IsDualStatus;
using medicare::SurrogateTin;

}  // namespace vbp::tuva
