// `vbp generate`: writes a seeded synthetic population (SPEC §2 NDJSON) and MANIFEST.json.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "cli/verbs.h"
#include "connectors/ingest/cclf/cclf_writer.h"
#include "connectors/ingest/fhir/fhir_write.h"
#include "connectors/ingest/generate/generator.h"

namespace vbp::cli {
namespace {

struct GenerateFlags {
  int64_t members = 0;
  uint64_t seed = 1;
  std::string out;
  int year = 2025;
  int malformed_per_mille = 1;
  std::string format = "ndjson";  // or "cclf", "fhir"
  bool quality_measures = false;
};

// --format cclf: the records go through the CCLF writer into CMS-named fixed-width files,
// plus what CCLF does not carry as NDJSON (connectors/ingest/cclf/README.md).
struct CclfOutput {
  std::vector<std::unique_ptr<generate::FileLineSink>> files;
  std::unique_ptr<cclf::CclfWriter> writer;
  std::unique_ptr<cclf::CclfRecordSink> members, providers, contracts, claims;
};

Result<std::unique_ptr<CclfOutput>> OpenCclfOutput(const std::string& out, int year) {
  namespace fs = std::filesystem;
  auto o = std::make_unique<CclfOutput>();
  using K = cclf::CclfKind;
  const std::vector<std::string> names = {cclf::CmsFileName(K::kPartAHeader, year),
                                          cclf::CmsFileName(K::kRevenue, year),
                                          cclf::CmsFileName(K::kProcedure, year),
                                          cclf::CmsFileName(K::kDiagnosis, year),
                                          cclf::CmsFileName(K::kPhysician, year),
                                          cclf::CmsFileName(K::kBeneficiary, year),
                                          "providers.ndjson",
                                          "member_attributes.ndjson",
                                          "contracts.ndjson"};
  for (const std::string& name : names) {
    VBP_ASSIGN_OR_RETURN(auto sink,
                         generate::FileLineSink::Create((fs::path(out) / name).string()));
    o->files.push_back(std::move(sink));
  }
  cclf::CclfWriterSinks sinks;
  generate::LineSink** order[] = {
      &sinks.cclf1,    &sinks.cclf2, &sinks.cclf3,  &sinks.cclf4,
      &sinks.cclf5,    &sinks.cclf8, &sinks.roster, &sinks.member_attributes,
      &sinks.contracts};
  for (size_t i = 0; i < o->files.size(); ++i) *order[i] = o->files[i].get();
  o->writer = std::make_unique<cclf::CclfWriter>(sinks);
  o->members = std::make_unique<cclf::CclfRecordSink>(o->writer.get(), RecordKind::kMember);
  o->providers = std::make_unique<cclf::CclfRecordSink>(o->writer.get(), RecordKind::kProvider);
  o->contracts = std::make_unique<cclf::CclfRecordSink>(o->writer.get(), RecordKind::kContract);
  o->claims = std::make_unique<cclf::CclfRecordSink>(o->writer.get(), RecordKind::kClaim);
  return o;
}

// Flushes the writer and the files; the manifest says what the CCLF files hold.
Status FinishCclfOutput(CclfOutput& o, nlohmann::ordered_json* manifest) {
  VBP_RETURN_IF_ERROR(o.writer->Finish());
  for (auto& file : o.files) VBP_RETURN_IF_ERROR(file->Finish());
  (*manifest)["format"] = "cclf";
  (*manifest)["cclf"] = o.writer->Summary();
  return Status::Ok();
}

// The files one format writes, and the sinks the generator writes into.
struct Outputs {
  std::vector<std::unique_ptr<generate::FileLineSink>> files;
  fhir::SpecialtyByNpi specialties;
  std::unique_ptr<fhir::FhirRecordSink> fhir_providers, fhir_members, fhir_claims;
  std::unique_ptr<CclfOutput> cclf;
  generate::GenerateSinks sinks;
};

Result<std::unique_ptr<Outputs>> OpenOutputs(const GenerateFlags& f) {
  namespace fs = std::filesystem;
  auto out = std::make_unique<Outputs>();
  auto open = [&](const std::string& rel) -> Result<generate::LineSink*> {
    VBP_ASSIGN_OR_RETURN(auto sink,
                         generate::FileLineSink::Create((fs::path(f.out) / rel).string()));
    out->files.push_back(std::move(sink));
    return out->files.back().get();
  };
  if (f.format == "ndjson") {
    VBP_ASSIGN_OR_RETURN(out->sinks.members, open("members.ndjson"));
    VBP_ASSIGN_OR_RETURN(out->sinks.providers, open("providers.ndjson"));
    VBP_ASSIGN_OR_RETURN(out->sinks.contracts, open("contracts.ndjson"));
    VBP_ASSIGN_OR_RETURN(out->sinks.claims, open("claims.ndjson"));
    return out;
  }
  if (f.format == "cclf") {
    VBP_ASSIGN_OR_RETURN(out->cclf, OpenCclfOutput(f.out, f.year));
    out->sinks = {out->cclf->members.get(), out->cclf->providers.get(), out->cclf->contracts.get(),
                  out->cclf->claims.get()};
    return out;
  }
  // fhir: Bulk FHIR NDJSON; what FHIR does not carry goes to vbp/ (not read as resources).
  std::error_code ec;
  fs::create_directories(fs::path(f.out) / "vbp", ec);
  if (ec) return Status::Io("cannot create " + f.out + "/vbp: " + ec.message());
  VBP_ASSIGN_OR_RETURN(auto* eobs, open("ExplanationOfBenefit.ndjson"));
  VBP_ASSIGN_OR_RETURN(auto* patients, open("Patient.ndjson"));
  VBP_ASSIGN_OR_RETURN(auto* coverages, open("Coverage.ndjson"));
  VBP_ASSIGN_OR_RETURN(auto* unconvertible, open("vbp/unconvertible.ndjson"));
  VBP_ASSIGN_OR_RETURN(auto* roster, open("vbp/providers.ndjson"));
  VBP_ASSIGN_OR_RETURN(out->sinks.contracts, open("vbp/contracts.ndjson"));
  // Providers are generated first: their specialties reach the EOBs' care teams.
  auto sink = [&](RecordKind kind, generate::LineSink* first, generate::LineSink* second) {
    return std::make_unique<fhir::FhirRecordSink>(kind, first, second, unconvertible,
                                                  &out->specialties);
  };
  out->fhir_providers = sink(RecordKind::kProvider, roster, nullptr);
  out->fhir_members = sink(RecordKind::kMember, patients, coverages);
  out->fhir_claims = sink(RecordKind::kClaim, eobs, nullptr);
  out->sinks.providers = out->fhir_providers.get();
  out->sinks.members = out->fhir_members.get();
  out->sinks.claims = out->fhir_claims.get();
  return out;
}

int RunGenerate(const GenerateFlags& f) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(f.out, ec);
  if (ec) {
    std::fprintf(stderr, "vbp generate: cannot create %s: %s\n", f.out.c_str(),
                 ec.message().c_str());
    return 1;
  }
  auto opened = OpenOutputs(f);
  if (!opened.ok()) {
    std::fprintf(stderr, "vbp generate: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  Outputs* outputs = opened->get();
  generate::GenerateOptions options;
  options.members = f.members;
  options.seed = f.seed;
  options.year = f.year;
  options.malformed_per_mille = f.malformed_per_mille;
  options.quality_measures = f.quality_measures;
  // Progress on stderr for large runs: a rewritten line on a terminal, else every 10%.
  const bool show_progress = f.members >= 20000;
  const bool tty = isatty(fileno(stderr)) != 0;
  int64_t next_report = 0;
  auto progress = [&](int64_t done, int64_t total) {
    if (!show_progress) return;
    if (tty) {
      std::fprintf(stderr, "\rvbp generate: %lld / %lld members", static_cast<long long>(done),
                   static_cast<long long>(total));
      if (done == total) std::fprintf(stderr, "\n");
    } else if (done >= next_report) {
      std::fprintf(stderr, "vbp generate: %lld / %lld members\n", static_cast<long long>(done),
                   static_cast<long long>(total));
      next_report = done + total / 10;
    }
  };
  auto summary = generate::Generate(options, outputs->sinks, progress);
  if (!summary.ok()) {
    std::fprintf(stderr, "vbp generate: %s\n", summary.status().ToString().c_str());
    return summary.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  if (outputs->cclf) {
    if (Status st = FinishCclfOutput(*outputs->cclf, &summary->manifest); !st.ok()) {
      std::fprintf(stderr, "vbp generate: %s\n", st.ToString().c_str());
      return 1;
    }
  }
  for (auto& file : outputs->files) {
    Status st = file->Finish();
    if (!st.ok()) {
      std::fprintf(stderr, "vbp generate: %s\n", st.ToString().c_str());
      return 1;
    }
  }
  // fhir: the manifest is not a FHIR resource, so it stays out of the folder importers read.
  const char* manifest = f.format == "fhir" ? "vbp/MANIFEST.json" : "MANIFEST.json";
  Status st = generate::WriteWholeFile((fs::path(f.out) / manifest).string(),
                                       summary->manifest.dump(2) + "\n");
  if (!st.ok()) {
    std::fprintf(stderr, "vbp generate: %s\n", st.ToString().c_str());
    return 1;
  }
  std::printf(
      "vbp generate: seed %llu, performance year %d -> %s\n"
      "  members.ndjson    %lld records\n"
      "  providers.ndjson  %lld records\n"
      "  contracts.ndjson  %lld records\n"
      "  claims.ndjson     %lld records, %lld lines\n"
      "  malformed         %lld records (listed in MANIFEST.json)\n",
      static_cast<unsigned long long>(f.seed), f.year, f.out.c_str(),
      static_cast<long long>(summary->member_records),
      static_cast<long long>(summary->provider_records),
      static_cast<long long>(summary->contract_records),
      static_cast<long long>(summary->claim_records), static_cast<long long>(summary->claim_lines),
      static_cast<long long>(summary->malformed));
  if (outputs->fhir_claims) {
    std::printf(
        "  as FHIR: ExplanationOfBenefit.ndjson, Patient.ndjson, Coverage.ndjson; "
        "vbp/providers.ndjson, vbp/contracts.ndjson, vbp/MANIFEST.json (not FHIR); %lld "
        "malformed records not representable in FHIR -> vbp/unconvertible.ndjson\n",
        static_cast<long long>(outputs->fhir_claims->unconvertible() +
                               outputs->fhir_members->unconvertible() +
                               outputs->fhir_providers->unconvertible()));
  }
  for (const auto& c : summary->manifest["contracts"]) {
    std::printf("  contract %s (%s): %s members, expected savings rate %s vs MSR %s -> %s\n",
                c["contract_id"].get<std::string>().c_str(), c["role"].get<std::string>().c_str(),
                c["expected"]["assigned_members"].dump().c_str(),
                c["expected"]["savings_rate"].get<std::string>().c_str(),
                c["expected"]["msr"].get<std::string>().c_str(),
                c["expected"]["outcome"].get<std::string>().c_str());
  }
  return 0;
}

}  // namespace

void AddGenerateCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<GenerateFlags>();
  auto* cmd = app.add_subcommand(
      "generate", "Write a seeded synthetic population (members, providers, contracts, claims)");
  cmd->add_option("--members", flags->members, "Number of members")->required();
  cmd->add_option("--seed", flags->seed, "Random seed (same seed, same bytes)");
  cmd->add_option("--out", flags->out, "Output directory")->required();
  cmd->add_option("--year", flags->year, "Performance year (claims cover it and the year before)");
  cmd->add_flag("--quality-measures", flags->quality_measures,
                "the below-MSR contract scores quality from the claims-based measures "
                "(quality_source \"measures\") instead of its own quality_score");
  cmd->add_option("--malformed-per-mille", flags->malformed_per_mille,
                  "Corrupted extra records per 1000 records (listed in MANIFEST.json)");
  cmd->add_option("--format", flags->format,
                  "ndjson (SPEC records, default); cclf (CMS CCLF files plus providers, "
                  "contracts and member attributes NDJSON); fhir (Bulk FHIR NDJSON: "
                  "ExplanationOfBenefit, Patient, Coverage; providers and contracts in vbp/)")
      ->check(CLI::IsMember({"ndjson", "cclf", "fhir"}));
  cmd->callback([flags, exit_code] { *exit_code = RunGenerate(*flags); });
}

}  // namespace vbp::cli
