// libFuzzer target: FHIR resources (`vbp import fhir`): Bulk NDJSON or Bundles of
// ExplanationOfBenefit, Patient, Coverage. The input is one file's bytes; the first byte picks
// its name (.ndjson or .json). Bad resources are rejects; the import never crashes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "connectors/ingest/fhir/fhir_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  vbp::fhir::FhirImportInputs in;
  in.resources.push_back({data[0] % 2 ? "ExplanationOfBenefit.ndjson" : "bundle.json",
                          std::string(reinterpret_cast<const char*>(data) + 1, size - 1)});
  vbp::generate::StringLineSink members, providers, claims, rejects;
  (void)vbp::fhir::ImportFhir(in, {&members, &providers, &claims, nullptr, &rejects});
  return 0;
}
