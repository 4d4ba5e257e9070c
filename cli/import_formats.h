#pragma once
// The importable claim formats, for `vbp import cclf|fhir` (records to files) and `vbp produce
// --format cclf|fhir` (records to the SPEC §5 topics as they are converted): the inputs a user
// names, and each format's conversion into record sinks. The mapping itself lives in
// connectors/ingest/cclf and connectors/ingest/fhir; this is the thin CLI side.

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "connectors/ingest/generate/ndjson_writer.h"
#include "domain/status.h"

namespace vbp::cli {

// What the user names. `member_attributes`, `performance_year` and `files` are CCLF's only.
struct ImportInputs {
  std::string dir;
  std::string contract;
  std::string roster;
  std::string member_attributes;
  int performance_year = 0;
  std::vector<std::string> files;  // KIND=PATH
};

// Registers the input options on `cmd`; `cclf` adds the CCLF-only ones.
void AddImportInputOptions(CLI::App* cmd, ImportInputs* in, bool cclf);

// Where the records go. `contracts` receives lines only when a contract file was given.
struct ImportSinkSet {
  generate::LineSink* members = nullptr;
  generate::LineSink* providers = nullptr;
  generate::LineSink* claims = nullptr;
  generate::LineSink* contracts = nullptr;
  generate::LineSink* rejects = nullptr;
};

struct ImportRun {
  nlohmann::ordered_json report;  // IMPORT_REPORT.json
  std::string summary;            // what was converted, for the terminal
};

Result<ImportRun> RunCclfImport(const ImportInputs& in, const ImportSinkSet& sinks);
// `vbp import X --out DIR`: the records to DIR/{members,providers,claims,rejects}.ndjson (and
// contracts.ndjson when `with_contracts`), IMPORT_REPORT.json, a summary line; the exit code.
int RunImportToDirectory(const std::string& format, const std::string& out, bool with_contracts,
                         const std::function<Result<ImportRun>(const ImportSinkSet&)>& run);
Result<ImportRun> RunFhirImport(const ImportInputs& in, const ImportSinkSet& sinks);

}  // namespace vbp::cli
