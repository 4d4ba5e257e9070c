#pragma once
// Shared by the FHIR importer tests: run ImportFhir over in-memory files, read its output.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/ingest/fhir/fhir_import.h"

namespace vbp::fhir::testing {

struct Imported {
  generate::StringLineSink members, providers, claims, contracts, rejects;
  FhirImportSummary summary;
};

inline std::vector<nlohmann::json> Records(const generate::StringLineSink& sink) {
  std::vector<nlohmann::json> v;
  std::istringstream in(sink.text());
  for (std::string l; std::getline(in, l);) v.push_back(nlohmann::json::parse(l));
  return v;
}

inline std::unique_ptr<Imported> Import(FhirImportInputs in) {
  auto out = std::make_unique<Imported>();
  auto s = ImportFhir(
      in, {&out->members, &out->providers, &out->claims, &out->contracts, &out->rejects});
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (s.ok()) out->summary = std::move(*s);
  return out;
}

inline std::unique_ptr<Imported> Import(std::vector<FhirSource> files) {
  FhirImportInputs in;
  in.resources = std::move(files);
  return Import(std::move(in));
}

// Every file and resource type: read == mapped + rejected + out_of_scope; the totals equal
// the per-file sums; claims written == EOBs mapped; rejects written == rejected.
inline void ExpectCountsAddUp(const Imported& o) {
  const auto& rep = o.summary.report;
  std::map<std::string, int64_t> mapped, rejected;
  int64_t rejected_all = 0;
  for (const auto& input : rep["inputs"]) {
    for (const auto& [type, c] : input["by_type"].items()) {
      EXPECT_EQ(c["read"].get<int64_t>(), c["mapped"].get<int64_t>() +
                                              c["rejected"].get<int64_t>() +
                                              c["out_of_scope"].get<int64_t>())
          << input["source"] << " " << type;
      mapped[type] += c["mapped"].get<int64_t>();
      rejected_all += c["rejected"].get<int64_t>();
    }
  }
  for (const auto& [type, n] : mapped) EXPECT_EQ(rep["totals"][type]["mapped"], n) << type;
  const int64_t eobs_mapped =
      mapped.count("ExplanationOfBenefit") ? mapped["ExplanationOfBenefit"] : 0;
  EXPECT_EQ(o.claims.lines(), eobs_mapped);
  EXPECT_EQ(o.summary.claims, eobs_mapped);
  // Rejects also hold bad roster / contract lines, which are not FHIR resources.
  EXPECT_GE(o.rejects.lines(), rejected_all);
  EXPECT_EQ(o.rejects.lines(), o.summary.rejected);
}

}  // namespace vbp::fhir::testing
