#pragma once
// The FHIR writer of `vbp generate --format fhir`: SPEC §2 claims and members -> R4 CARIN Blue
// Button shaped ExplanationOfBenefit, Patient and Coverage resources, one JSON object per line
// (Bulk FHIR NDJSON), in the shape `vbp import fhir` reads back to the same records (names
// from fhir_vocabulary.h, the one owner of both directions).
//
// - A claim version is one EOB with id "<claim_id>-<version>"; version n > 1 names version
//   n-1 in `related` (relationship "prior"); a void is status "cancelled".
// - Money is written as a JSON number with its exact decimal text ("value": 12.50), never
//   formatted from a double.
// - A member is one Patient (MBI identifier = member_id) and one Coverage per span, whose
//   enrollment type is carried by ms_cd and dual_stus_cd; risk scores, aligned NPI, medicaid
//   and programs other than Medicare FFS / Advantage ride on project extensions (urn:vbp:...).

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "connectors/codec/record_decoder.h"
#include "connectors/ingest/generate/ndjson_writer.h"
#include "domain/records.h"

namespace vbp::fhir {

// One EOB resource as JSON text. `rendering_specialty` (a CMS specialty code, may be empty)
// goes on the performing care-team member as its prvdr_spclty qualification.
std::string EobJson(const Claim& claim, std::string_view rendering_specialty = {});
// The Patient and its Coverage resources (one per span) as JSON texts.
std::string PatientJson(const Member& member);
std::vector<std::string> CoverageJsons(const Member& member);

// NPI -> CMS specialty code of the provider records seen (the last record of an NPI wins).
using SpecialtyByNpi = std::map<std::string, std::string, std::less<>>;

// A LineSink that takes SPEC lines (as `vbp generate` writes them) and writes FHIR:
// - kProvider: the line passes to `first` (the roster; FHIR has no provider class or roster
//   dates) and its specialty is noted in `specialties`;
// - kClaim: one EOB to `first`, with the rendering NPI's noted specialty;
// - kMember: the Patient to `first`, its Coverage resources to `second`.
// A line the decoder rejects (the generator's deliberately malformed records) cannot be
// represented in FHIR: it is written whole to `unconvertible` and counted.
class FhirRecordSink final : public generate::LineSink {
 public:
  FhirRecordSink(RecordKind kind, generate::LineSink* first, generate::LineSink* second,
                 generate::LineSink* unconvertible, SpecialtyByNpi* specialties);
  Status Append(std::string_view line) override;
  Status Finish() override { return Status::Ok(); }
  int64_t unconvertible() const { return unconvertible_; }

 private:
  RecordKind kind_;
  generate::LineSink* first_;
  generate::LineSink* second_;
  generate::LineSink* unconvertible_sink_;
  SpecialtyByNpi* specialties_;
  codec::RecordDecoder decoder_;
  int64_t unconvertible_ = 0;
};

}  // namespace vbp::fhir
