// `vbp import tuva`: converts the Tuva input layout (CSV) into SPEC §2 NDJSON.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "cli/common.h"
#include "cli/import_formats.h"
#include "cli/verbs.h"
#include "connectors/files/csv_file.h"
#include "connectors/ingest/generate/ndjson_writer.h"
#include "connectors/ingest/tuva/tuva_import.h"

namespace vbp::cli {
namespace {

struct TuvaFlags {
  std::string claims;
  std::string eligibility;
  std::string providers;
  std::string out;
  int year = 0;
  int contract_tins = 5;
};

int Fail(const Status& st) {
  std::fprintf(stderr, "vbp import tuva: %s\n", st.ToString().c_str());
  return st.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

int RunTuva(const TuvaFlags& f) {
  namespace fs = std::filesystem;
  auto claims = files::LoadCsvTable(f.claims);
  if (!claims.ok()) return Fail(claims.status());
  auto eligibility = files::LoadCsvTable(f.eligibility);
  if (!eligibility.ok()) return Fail(eligibility.status());
  auto providers = files::LoadCsvTable(f.providers);
  if (!providers.ok()) return Fail(providers.status());
  std::error_code ec;
  fs::create_directories(f.out, ec);
  if (ec) return Fail(Status::Io("cannot create " + f.out + ": " + ec.message()));
  const char* names[] = {"members.ndjson", "providers.ndjson", "claims.ndjson", "contracts.ndjson"};
  std::unique_ptr<generate::FileLineSink> files[4];
  for (int i = 0; i < 4; ++i) {
    auto sink = generate::FileLineSink::Create((fs::path(f.out) / names[i]).string());
    if (!sink.ok()) return Fail(sink.status());
    files[i] = std::move(*sink);
  }
  tuva::TuvaImportOptions options;
  if (f.year != 0) options.year = f.year;
  options.contract_tins = f.contract_tins;
  auto summary = tuva::ImportTuva(*claims, *eligibility, *providers, options,
                                  {files[0].get(), files[1].get(), files[2].get(), files[3].get()});
  if (!summary.ok()) return Fail(summary.status());
  auto report = FinishImport({files[0].get(), files[1].get(), files[2].get(), files[3].get()},
                             f.out, summary->report);
  if (!report.ok()) return Fail(report.status());
  std::printf("vbp import tuva -> %s\n", f.out.c_str());
  std::printf("%s", report->c_str());
  for (const auto& w : summary->warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  return 0;
}

}  // namespace

void AddImportInputOptions(CLI::App* cmd, ImportInputs* in, bool cclf) {
  cmd->add_option("--dir", in->dir,
                  cclf ? "Directory of CCLF files named as CMS names them (ZC1..ZC9)"
                       : "Folder of *.ndjson / *.json resource files");
  cmd->add_option("--contract", in->contract,
                  "Contracts NDJSON (SPEC §2; claims files carry none)");
  cmd->add_option("--roster", in->roster,
                  "Providers NDJSON: the providers output (wins over the claims' NPIs)");
  if (!cclf) return;
  cmd->add_option("--performance-year", in->performance_year,
                  "Keep only contracts of this performance year");
  cmd->add_option("--member-attributes", in->member_attributes,
                  "NDJSON of member fields CCLF lacks: risk_scores, aligned_npi, other coverage");
  cmd->add_option("--files", in->files, "KIND=PATH (KIND cclf1..cclf9), repeatable");
}

int RunImportToDirectory(const std::string& format, const std::string& out, bool with_contracts,
                         const std::function<Result<ImportRun>(const ImportSinkSet&)>& run) {
  namespace fs = std::filesystem;
  const std::string verb = "import " + format;
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) return Fail(verb, Status::Io("cannot create " + out + ": " + ec.message()));
  std::vector<std::string> names = {"members.ndjson", "providers.ndjson", "claims.ndjson",
                                    "rejects.ndjson"};
  if (with_contracts) names.push_back("contracts.ndjson");
  std::vector<std::unique_ptr<generate::FileLineSink>> files;
  for (const auto& name : names) {
    auto sink = generate::FileLineSink::Create((fs::path(out) / name).string());
    if (!sink.ok()) return Fail(verb, sink.status());
    files.push_back(std::move(*sink));
  }
  ImportSinkSet sinks{files[0].get(), files[1].get(), files[2].get(),
                      with_contracts ? files[4].get() : nullptr, files[3].get()};
  auto result = run(sinks);
  if (!result.ok()) {
    std::fprintf(stderr, "vbp %s: %s\n", verb.c_str(), result.status().ToString().c_str());
    return result.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  std::vector<generate::LineSink*> to_finish;
  for (auto& file : files) to_finish.push_back(file.get());
  auto report = FinishImport(to_finish, out, result->report);
  if (!report.ok()) return Fail(verb, report.status());
  std::printf("vbp %s -> %s: %s (IMPORT_REPORT.json, rejects.ndjson)\n", verb.c_str(), out.c_str(),
              result->summary.c_str());
  return 0;
}

void AddImportCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("import", "Convert another data layout into SPEC §2 NDJSON");
  cmd->require_subcommand(1);
  auto flags = std::make_shared<TuvaFlags>();
  auto* tuva = cmd->add_subcommand(
      "tuva", "Tuva Project input layout (medical_claim, eligibility, provider CSVs)");
  tuva->add_option("--claims", flags->claims, "medical_claim.csv")->required();
  tuva->add_option("--eligibility", flags->eligibility, "eligibility.csv")->required();
  tuva->add_option("--providers", flags->providers, "provider.csv")->required();
  tuva->add_option("--out", flags->out, "Output directory")->required();
  tuva->add_option("--year", flags->year,
                   "Performance year of the contract (default: the year with most claim lines)");
  tuva->add_option("--contract-tins", flags->contract_tins,
                   "Billing TINs in the contract: the busiest primary-care units (default 5)");
  tuva->callback([flags, exit_code] { *exit_code = RunTuva(*flags); });
  AddImportCclfCommand(*cmd, exit_code);
  AddImportFhirCommand(*cmd, exit_code);
}

}  // namespace vbp::cli
