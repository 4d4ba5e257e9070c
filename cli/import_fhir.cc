// `vbp import fhir`: Bulk FHIR NDJSON or Bundles (EOB, Patient, Coverage) -> SPEC §2 NDJSON.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "cli/common.h"
#include "cli/import_formats.h"
#include "cli/verbs.h"
#include "connectors/ingest/fhir/fhir_import.h"
#include "connectors/ingest/generate/ndjson_writer.h"

namespace vbp::cli {
namespace {

using FhirFlags = ImportInputs;

Result<fhir::FhirImportInputs> LoadInputs(const FhirFlags& f) {
  fhir::FhirImportInputs in;
  std::vector<std::string> exclude;
  if (!f.roster.empty()) {
    VBP_ASSIGN_OR_RETURN(in.roster, fhir::LoadFile(f.roster));
    exclude.push_back(f.roster);
  }
  if (!f.contract.empty()) {
    VBP_ASSIGN_OR_RETURN(in.contracts, fhir::LoadFile(f.contract));
    exclude.push_back(f.contract);
  }
  VBP_ASSIGN_OR_RETURN(in.resources, fhir::ListFhirDir(f.dir, exclude));
  if (in.resources.empty()) {
    return Status::Invalid(f.dir + " holds no *.ndjson or *.json file: nothing to import");
  }
  return in;
}

}  // namespace

Result<ImportRun> RunFhirImport(const ImportInputs& f, const ImportSinkSet& sinks) {
  if (!f.member_attributes.empty() || f.performance_year != 0 || !f.files.empty()) {
    return Status::Invalid(
        "--member-attributes, --performance-year and --files apply to CCLF only: FHIR carries "
        "member attributes on its resources, and its files are every *.ndjson / *.json of --dir");
  }
  if (f.dir.empty()) return Status::Invalid("--dir: the folder of FHIR resources is required");
  VBP_ASSIGN_OR_RETURN(fhir::FhirImportInputs in, LoadInputs(f));
  fhir::FhirImportSinks to{sinks.members, sinks.providers, sinks.claims,
                           in.contracts ? sinks.contracts : nullptr, sinks.rejects};
  VBP_ASSIGN_OR_RETURN(fhir::FhirImportSummary summary, fhir::ImportFhir(in, to));
  char line[512];
  std::snprintf(line, sizeof(line),
                "members %lld, providers %lld, claims %lld (%lld lines, %lld voids), contracts "
                "%lld; rejected %lld, out of scope %lld",
                static_cast<long long>(summary.members), static_cast<long long>(summary.providers),
                static_cast<long long>(summary.claims), static_cast<long long>(summary.claim_lines),
                static_cast<long long>(summary.voids), static_cast<long long>(summary.contracts),
                static_cast<long long>(summary.rejected),
                static_cast<long long>(summary.out_of_scope));
  return ImportRun{std::move(summary.report), line};
}

namespace {}  // namespace

void AddImportFhirCommand(CLI::App& import_cmd, int* exit_code) {
  auto flags = std::make_shared<ImportInputs>();
  auto out = std::make_shared<std::string>();
  auto* cmd = import_cmd.add_subcommand(
      "fhir",
      "Bulk FHIR NDJSON or Bundles of ExplanationOfBenefit, Patient, Coverage (CARIN "
      "Blue Button R4, BCDA v1/v2)");
  AddImportInputOptions(cmd, flags.get(), /*cclf=*/false);
  cmd->get_option("--dir")->required();
  cmd->add_option("--out", *out, "Output directory")->required();
  cmd->callback([flags, out, exit_code] {
    *exit_code =
        RunImportToDirectory("fhir", *out, !flags->contract.empty(),
                             [&](const ImportSinkSet& s) { return RunFhirImport(*flags, s); });
  });
}

}  // namespace vbp::cli
