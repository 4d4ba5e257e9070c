#pragma once
// `vbp import cclf`: CMS Claim and Claim Line Feed files (CCLF Information Packet v38.0) ->
// SPEC §2 NDJSON records. Reads CCLF1 (Part A headers), CCLF2 (revenue centre lines), CCLF3
// (procedures), CCLF4 (diagnoses), CCLF5 (Part B physician lines), CCLF6 (DME lines), CCLF8
// (beneficiary demographics) and CCLF9 (MBI crosswalk), fixed width (Appendix B) or CSV (a
// header row of the CCLF column names). Every mapping decision, with the Packet section it
// follows, is in connectors/ingest/cclf/README.md.
//
// Contract: every input row is counted per file as mapped or rejected (read = mapped +
// rejected); a rejected row is written to the rejects sink as one JSON line {"source", "line",
// "field", "reason"} and the import goes on. Output is deterministic: claims by claim_id and
// version, members by member_id, providers by (npi, effective).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "connectors/ingest/cclf/cclf_layout.h"
#include "connectors/ingest/generate/ndjson_writer.h"
#include "connectors/ingest/medicare/medicare_codes.h"
#include "domain/records.h"
#include "domain/status.h"

namespace vbp::cclf {

using medicare::ProviderClassOfSpecialty;

// One input file, already read. `name` is what rejects and the report call it (the file
// name); the format (fixed width or CSV) is detected from the first line.
struct CclfInput {
  CclfKind kind;
  std::string name;
  std::string text;
};

struct CclfImportOptions {
  // Contracts (SPEC §2 contract NDJSON) to write; CCLF carries no contract. With
  // `performance_year`, contracts of other years are rejected (counted).
  std::optional<std::string> contracts_ndjson;
  std::string contracts_name = "contract";
  std::optional<int> performance_year;
  // Providers NDJSON (a roster): when given, it is the providers output (it wins over what
  // the claims say) and it gives the billing TIN of Part A and DME claims.
  std::optional<std::string> roster_ndjson;
  std::string roster_name = "roster";
  // Member fields CCLF does not carry, one JSON object per line: {"member_id", "risk_scores"?,
  // "aligned_npi"?, "coverage"?: spans of programs other than Medicare FFS (e.g. Medicare
  // Advantage)}; merged into the CCLF8 members (README.md).
  std::optional<std::string> member_attributes_ndjson;
  std::string member_attributes_name = "member_attributes";
};

struct CclfImportSinks {
  generate::LineSink* members = nullptr;
  generate::LineSink* providers = nullptr;
  generate::LineSink* claims = nullptr;
  generate::LineSink* contracts = nullptr;
  generate::LineSink* rejects = nullptr;
};

struct CclfImportSummary {
  nlohmann::ordered_json report;  // IMPORT_REPORT.json
  int64_t members = 0;
  int64_t providers = 0;
  int64_t claims = 0;          // claim ids
  int64_t claim_versions = 0;  // records written to claims
  int64_t voids = 0;
  int64_t contracts = 0;
  int64_t rows_rejected = 0;
};

// Converts the files. Fails only on sink errors or when a CSV file lacks a column the mapping
// needs (InvalidArgument, naming the file and column); bad rows are rejected, never fatal.
Result<CclfImportSummary> ImportCclf(const std::vector<CclfInput>& inputs,
                                     const CclfImportOptions& options,
                                     const CclfImportSinks& sinks);

// --- Mapping helpers, public for tests ---------------------------------------------------

// A CCLF amount ("-9(13).99": " 0000000000123.45", "-0000000000001.50", or in the CSV
// variant "123.45") as an exact decimal; nullopt when it is not one.
std::optional<Money> ParseAmount(std::string_view text);
// A CCLF quantity ("-9(18).9999") as canonical decimal text ("3", "2.5"); nullopt when not a
// non-negative decimal.
std::optional<std::string> ParseQuantity(std::string_view text);
// A CCLF date: YYYY-MM-DD (Appendix B) or YYYYMMDD (some CSV extracts).
std::optional<Date> ParseCclfDate(std::string_view text);
// Provider class from a CMS provider specialty code (CLM_PRVDR_SPCLTY_CD): 01, 08, 11, 37, 38 ->
// pcp; 50, 89, 97 -> npp; physician specialties -> specialist; others -> other (README.md).

}  // namespace vbp::cclf
