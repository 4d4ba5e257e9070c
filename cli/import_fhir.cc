// `vbp import fhir`: Bulk FHIR NDJSON or Bundles (EOB, Patient, Coverage) -> SPEC §2 NDJSON.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "cli/common.h"
#include "cli/verbs.h"
#include "connectors/ingest/fhir/fhir_import.h"
#include "connectors/ingest/generate/ndjson_writer.h"

namespace vbp::cli {
namespace {

struct FhirFlags {
  std::string dir;
  std::string out;
  std::string contract;
  std::string roster;
};

int Fail(const Status& st) {
  std::fprintf(stderr, "vbp import fhir: %s\n", st.ToString().c_str());
  return st.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

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

int RunFhir(const FhirFlags& f) {
  namespace fs = std::filesystem;
  auto in = LoadInputs(f);
  if (!in.ok()) return Fail(in.status());
  std::error_code ec;
  fs::create_directories(f.out, ec);
  if (ec) return Fail(Status::Io("cannot create " + f.out + ": " + ec.message()));
  const bool with_contracts = in->contracts.has_value();
  std::vector<std::string> names = {"members.ndjson", "providers.ndjson", "claims.ndjson",
                                    "rejects.ndjson"};
  if (with_contracts) names.push_back("contracts.ndjson");
  std::vector<std::unique_ptr<generate::FileLineSink>> files;
  for (const auto& name : names) {
    auto sink = generate::FileLineSink::Create((fs::path(f.out) / name).string());
    if (!sink.ok()) return Fail(sink.status());
    files.push_back(std::move(*sink));
  }
  fhir::FhirImportSinks sinks{files[0].get(), files[1].get(), files[2].get(),
                              with_contracts ? files[4].get() : nullptr, files[3].get()};
  auto summary = fhir::ImportFhir(*in, sinks);
  if (!summary.ok()) return Fail(summary.status());
  std::vector<generate::LineSink*> to_finish;
  for (auto& file : files) to_finish.push_back(file.get());
  auto report = FinishImport(to_finish, f.out, summary->report);
  if (!report.ok()) return Fail(report.status());
  std::printf(
      "vbp import fhir: %s -> %s\n  members %lld, providers %lld, claims %lld (%lld lines, "
      "%lld voids), contracts %lld; rejected %lld, out of scope %lld (IMPORT_REPORT.json)\n",
      f.dir.c_str(), f.out.c_str(), static_cast<long long>(summary->members),
      static_cast<long long>(summary->providers), static_cast<long long>(summary->claims),
      static_cast<long long>(summary->claim_lines), static_cast<long long>(summary->voids),
      static_cast<long long>(summary->contracts), static_cast<long long>(summary->rejected),
      static_cast<long long>(summary->out_of_scope));
  return 0;
}

}  // namespace

void AddImportFhirCommand(CLI::App& import_cmd, int* exit_code) {
  auto flags = std::make_shared<FhirFlags>();
  auto* fhir = import_cmd.add_subcommand(
      "fhir",
      "Bulk FHIR NDJSON or Bundles of ExplanationOfBenefit, Patient, Coverage (CARIN "
      "Blue Button R4, BCDA v1/v2)");
  fhir->add_option("--dir", flags->dir, "Folder of *.ndjson / *.json resource files")->required();
  fhir->add_option("--out", flags->out, "Output directory")->required();
  fhir->add_option("--contract", flags->contract,
                   "SPEC contracts NDJSON to copy into OUT/contracts.ndjson");
  fhir->add_option("--roster", flags->roster,
                   "SPEC providers NDJSON; used instead of providers derived from care teams");
  fhir->callback([flags, exit_code] { *exit_code = RunFhir(*flags); });
}

}  // namespace vbp::cli
