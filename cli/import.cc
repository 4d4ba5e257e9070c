// `vbp import tuva`: converts the Tuva input layout (CSV) into SPEC §2 NDJSON.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "cli/common.h"
#include "cli/verbs.h"
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
  auto claims = tuva::CsvTable::Load(f.claims);
  if (!claims.ok()) return Fail(claims.status());
  auto eligibility = tuva::CsvTable::Load(f.eligibility);
  if (!eligibility.ok()) return Fail(eligibility.status());
  auto providers = tuva::CsvTable::Load(f.providers);
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
