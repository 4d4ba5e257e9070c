// `vbp import cclf`: CMS CCLF files (fixed width or CSV) -> SPEC §2 NDJSON. The mapping is in
// connectors/ingest/cclf; this file only finds and reads the files and writes the outputs.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/verbs.h"
#include "connectors/ingest/cclf/cclf_import.h"
#include "connectors/ingest/generate/ndjson_writer.h"

namespace vbp::cli {
namespace {

namespace fs = std::filesystem;

struct CclfFlags {
  std::string dir;
  std::string out;
  int performance_year = 0;
  std::string contract;
  std::string roster;
  std::string member_attributes;
  std::vector<std::string> files;  // kind=path
};

int Fail(const Status& st) {
  std::fprintf(stderr, "vbp import cclf: %s\n", st.ToString().c_str());
  return st.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The CCLF files to read: --files kind=path, then every file of --dir whose name names a kind
// (ZC1..ZC9), in name order. Other files of --dir are listed on stderr, not read.
Result<std::vector<cclf::CclfInput>> FindInputs(const CclfFlags& f) {
  std::vector<std::pair<cclf::CclfKind, fs::path>> found;
  for (const std::string& spec : f.files) {
    const size_t eq = spec.find('=');
    const auto kind =
        eq == std::string::npos ? std::nullopt : cclf::KindFromLabel(spec.substr(0, eq));
    if (!kind) {
      return Status::Invalid("--files " + spec + ": expected KIND=PATH with KIND cclf1..cclf9 " +
                             "(CCLF7 is not read)");
    }
    found.emplace_back(*kind, spec.substr(eq + 1));
  }
  if (!f.dir.empty()) {
    std::error_code ec;
    std::vector<fs::path> paths;
    for (const auto& e : fs::directory_iterator(f.dir, ec)) {
      if (e.is_regular_file()) paths.push_back(e.path());
    }
    if (ec) return Status::Io("cannot list " + f.dir + ": " + ec.message());
    std::sort(paths.begin(), paths.end());
    for (const fs::path& p : paths) {
      if (auto kind = cclf::KindFromFileName(p.filename().string())) {
        found.emplace_back(*kind, p);
      } else {
        std::fprintf(stderr, "vbp import cclf: not a CCLF1-6/8/9 file name, not read: %s\n",
                     p.string().c_str());
      }
    }
  }
  std::vector<cclf::CclfInput> inputs;
  for (const auto& [kind, path] : found) {
    VBP_ASSIGN_OR_RETURN(std::string text, ReadText(path.string()));
    inputs.push_back({kind, path.filename().string(), std::move(text)});
  }
  if (inputs.empty()) return Status::Invalid("no CCLF file found (give --dir or --files)");
  return inputs;
}

Result<std::optional<std::string>> OptionalText(const std::string& path) {
  if (path.empty()) return std::optional<std::string>();
  VBP_ASSIGN_OR_RETURN(std::string text, ReadText(path));
  return std::optional<std::string>(std::move(text));
}

int RunCclf(const CclfFlags& f) {
  auto inputs = FindInputs(f);
  if (!inputs.ok()) return Fail(inputs.status());
  cclf::CclfImportOptions options;
  auto contracts = OptionalText(f.contract);
  auto roster = OptionalText(f.roster);
  auto attributes = OptionalText(f.member_attributes);
  for (auto* r : {&contracts, &roster, &attributes}) {
    if (!r->ok()) return Fail(r->status());
  }
  options.contracts_ndjson = std::move(*contracts);
  options.roster_ndjson = std::move(*roster);
  options.member_attributes_ndjson = std::move(*attributes);
  options.contracts_name = fs::path(f.contract).filename().string();
  options.roster_name = fs::path(f.roster).filename().string();
  options.member_attributes_name = fs::path(f.member_attributes).filename().string();
  if (f.performance_year != 0) options.performance_year = f.performance_year;
  std::error_code ec;
  fs::create_directories(f.out, ec);
  if (ec) return Fail(Status::Io("cannot create " + f.out + ": " + ec.message()));
  const bool with_contracts = options.contracts_ndjson.has_value();
  std::vector<std::string> names = {"members.ndjson", "providers.ndjson", "claims.ndjson",
                                    "rejects.ndjson"};
  if (with_contracts) names.push_back("contracts.ndjson");
  std::vector<std::unique_ptr<generate::FileLineSink>> files;
  for (const std::string& name : names) {
    auto sink = generate::FileLineSink::Create((fs::path(f.out) / name).string());
    if (!sink.ok()) return Fail(sink.status());
    files.push_back(std::move(*sink));
  }
  generate::StringLineSink no_contracts;
  generate::LineSink* contracts_sink = &no_contracts;
  if (with_contracts) contracts_sink = files[4].get();
  cclf::CclfImportSinks sinks{files[0].get(), files[1].get(), files[2].get(), contracts_sink,
                              files[3].get()};
  auto summary = cclf::ImportCclf(*inputs, options, sinks);
  if (!summary.ok()) return Fail(summary.status());
  for (auto& file : files) {
    if (Status st = file->Finish(); !st.ok()) return Fail(st);
  }
  const std::string report = summary->report.dump(2) + "\n";
  Status st = generate::WriteWholeFile((fs::path(f.out) / "IMPORT_REPORT.json").string(), report);
  if (!st.ok()) return Fail(st);
  std::printf(
      "vbp import cclf -> %s: %lld members, %lld providers, %lld claims (%lld versions, "
      "%lld voids), %lld contracts, %lld rows rejected (rejects.ndjson)\n",
      f.out.c_str(), static_cast<long long>(summary->members),
      static_cast<long long>(summary->providers), static_cast<long long>(summary->claims),
      static_cast<long long>(summary->claim_versions), static_cast<long long>(summary->voids),
      static_cast<long long>(summary->contracts), static_cast<long long>(summary->rows_rejected));
  if (!with_contracts) {
    std::printf("no contract written: CCLF carries none (give --contract FILE)\n");
  }
  return 0;
}

}  // namespace

void AddImportCclfCommand(CLI::App& import, int* exit_code) {
  auto flags = std::make_shared<CclfFlags>();
  auto* cmd = import.add_subcommand(
      "cclf", "CMS Claim and Claim Line Feed files (CCLF1-6, 8, 9; fixed width or CSV)");
  cmd->add_option("--dir", flags->dir,
                  "Directory of CCLF files named as CMS names them (ZC1..ZC9)");
  cmd->add_option("--out", flags->out, "Output directory")->required();
  cmd->add_option("--performance-year", flags->performance_year,
                  "Keep only contracts of this performance year");
  cmd->add_option("--contract", flags->contract, "Contracts NDJSON (CCLF carries none)");
  cmd->add_option("--roster", flags->roster,
                  "Providers NDJSON: the providers output (wins over the claims' NPIs)");
  cmd->add_option("--member-attributes", flags->member_attributes,
                  "NDJSON of member fields CCLF lacks: risk_scores, aligned_npi, other coverage");
  cmd->add_option("--files", flags->files, "KIND=PATH (KIND cclf1..cclf9), repeatable");
  cmd->callback([flags, exit_code] { *exit_code = RunCclf(*flags); });
}

}  // namespace vbp::cli
