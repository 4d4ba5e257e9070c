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

#include "cli/common.h"
#include "cli/import_formats.h"
#include "cli/verbs.h"
#include "connectors/ingest/cclf/cclf_import.h"
#include "connectors/ingest/generate/ndjson_writer.h"

namespace vbp::cli {
namespace {

namespace fs = std::filesystem;

using CclfFlags = ImportInputs;

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

}  // namespace

Result<ImportRun> RunCclfImport(const ImportInputs& f, const ImportSinkSet& sinks) {
  VBP_ASSIGN_OR_RETURN(std::vector<cclf::CclfInput> inputs, FindInputs(f));
  cclf::CclfImportOptions options;
  VBP_ASSIGN_OR_RETURN(options.contracts_ndjson, OptionalText(f.contract));
  VBP_ASSIGN_OR_RETURN(options.roster_ndjson, OptionalText(f.roster));
  VBP_ASSIGN_OR_RETURN(options.member_attributes_ndjson, OptionalText(f.member_attributes));
  options.contracts_name = fs::path(f.contract).filename().string();
  options.roster_name = fs::path(f.roster).filename().string();
  options.member_attributes_name = fs::path(f.member_attributes).filename().string();
  if (f.performance_year != 0) options.performance_year = f.performance_year;
  generate::StringLineSink no_contracts;
  cclf::CclfImportSinks to{sinks.members, sinks.providers, sinks.claims,
                           sinks.contracts ? sinks.contracts : &no_contracts, sinks.rejects};
  VBP_ASSIGN_OR_RETURN(cclf::CclfImportSummary summary, cclf::ImportCclf(inputs, options, to));
  char line[512];
  std::snprintf(line, sizeof(line),
                "%lld members, %lld providers, %lld claims (%lld versions, %lld voids), %lld "
                "contracts, %lld rows rejected",
                static_cast<long long>(summary.members), static_cast<long long>(summary.providers),
                static_cast<long long>(summary.claims),
                static_cast<long long>(summary.claim_versions),
                static_cast<long long>(summary.voids), static_cast<long long>(summary.contracts),
                static_cast<long long>(summary.rows_rejected));
  std::string text = line;
  if (!options.contracts_ndjson) {
    text += "\nno contract written: CCLF carries none (give --contract FILE)";
  }
  return ImportRun{std::move(summary.report), std::move(text)};
}

void AddImportCclfCommand(CLI::App& import, int* exit_code) {
  auto flags = std::make_shared<ImportInputs>();
  auto out = std::make_shared<std::string>();
  auto* cmd = import.add_subcommand(
      "cclf", "CMS Claim and Claim Line Feed files (CCLF1-6, 8, 9; fixed width or CSV)");
  AddImportInputOptions(cmd, flags.get(), /*cclf=*/true);
  cmd->add_option("--out", *out, "Output directory")->required();
  cmd->callback([flags, out, exit_code] {
    *exit_code =
        RunImportToDirectory("cclf", *out, !flags->contract.empty(),
                             [&](const ImportSinkSet& s) { return RunCclfImport(*flags, s); });
  });
}

}  // namespace vbp::cli
