// SPEC §2 records -> FHIR resources (README.md "Writer"). JSON is written by hand so that
// money and units keep their exact decimal text as JSON numbers.
#include "connectors/ingest/fhir/fhir_write.h"

#include "connectors/ingest/fhir/fhir_vocabulary.h"
#include "domain/decimal.h"

namespace vbp::fhir {
namespace v = vocab;
namespace j = generate::json;

namespace {

void Key(std::string& out, std::string_view k) { j::AppendKey(out, k); }
void Q(std::string& out, std::string_view s) { j::AppendString(out, s); }

// {"system":..,"code":..}
void Coding(std::string& out, std::string_view system, std::string_view code) {
  out += "{\"system\":";
  Q(out, system);
  out += ",\"code\":";
  Q(out, code);
  out += "}";
}

// {"coding":[{"system":..,"code":..}]}
void Concept(std::string& out, std::string_view system, std::string_view code) {
  out += "{\"coding\":[";
  Coding(out, system, code);
  out += "]}";
}

// {"system":..,"value":..} with an optional type coding.
void Identifier(std::string& out, std::string_view type_system, std::string_view type_code,
                std::string_view system, std::string_view value) {
  out += "{";
  if (!type_code.empty()) {
    Key(out, "type");
    Concept(out, type_system, type_code);
    out += ",";
  }
  Key(out, "system");
  Q(out, system);
  out += ",\"value\":";
  Q(out, value);
  out += "}";
}

void Money(std::string& out, const ::vbp::Money& m) {
  out += "{\"value\":";
  out += m.ToString();  // exact decimal literal, a valid JSON number
  out += ",\"currency\":\"USD\"}";
}

std::string EobId(const Claim& c, int64_t version) {
  return c.claim_id.str() + "-" + std::to_string(version);
}

void Adjudication(std::string& out, std::string_view system, std::string_view code,
                  const ::vbp::Money& m) {
  out += "{\"category\":";
  Concept(out, system, code);
  out += ",\"amount\":";
  Money(out, m);
  out += "}";
}

void Item(std::string& out, const ClaimLine& l) {
  out += "{\"sequence\":";
  j::AppendInt(out, l.line);
  out += ",\"careTeamSequence\":[1]";
  if (!l.revenue_code.empty()) {
    out += ",\"revenue\":";
    Concept(out, v::kRevenueSystem, l.revenue_code);
  }
  out += ",\"productOrService\":";
  if (l.hcpcs.empty()) {
    out += "{\"text\":\"not applicable\"}";  // R4 requires the element; no code given
  } else {
    Concept(out, v::kHcpcsSystem, l.hcpcs);
  }
  if (!l.modifiers.empty()) {
    out += ",\"modifier\":[";
    for (size_t i = 0; i < l.modifiers.size(); ++i) {
      if (i) out += ",";
      Concept(out, v::kHcpcsSystem, l.modifiers[i]);
    }
    out += "]";
  }
  out += ",\"servicedDate\":";
  Q(out, l.service_date.ToString());
  if (!l.pos.empty()) {
    out += ",\"locationCodeableConcept\":";
    Concept(out, v::kPosSystem, l.pos);
  }
  out += ",\"quantity\":{\"value\":" + l.units + "}";
  out += ",\"adjudication\":[";
  Adjudication(out, v::kAdjudicationSystem, v::kCatEligible, l.allowed);
  out += ",";
  Adjudication(out, v::kC4bbAdjudicationSystem, v::kCatPaidToProvider, l.paid);
  out += "]}";
}

void SupportingInfo(std::string& out, int* seq, std::string_view category,
                    std::string_view code_system, std::string_view code) {
  out += *seq == 1 ? "" : ",";
  out += "{\"sequence\":" + std::to_string((*seq)++) + ",\"category\":";
  Concept(out, v::kSupportingInfoTypeSystem, category);
  out += ",\"code\":";
  Concept(out, code_system, code);
  out += "}";
}

void InstitutionalInfo(std::string& out, const Claim& c) {
  if (c.bill_type.empty() && c.discharge_status.empty() && c.drg.empty() && !c.admission_date &&
      !c.discharge_date) {
    return;
  }
  out += ",\"supportingInfo\":[";
  int seq = 1;
  if (!c.bill_type.empty())
    SupportingInfo(out, &seq, v::kInfoBillType, v::kBillTypeSystem, c.bill_type);
  if (!c.discharge_status.empty()) {
    SupportingInfo(out, &seq, v::kInfoDischargeStatus, v::kDischargeStatusSystem,
                   c.discharge_status);
  }
  if (!c.drg.empty()) SupportingInfo(out, &seq, v::kInfoDrg, v::kDrgSystem, c.drg);
  if (c.admission_date || c.discharge_date) {
    out += seq == 1 ? "" : ",";
    out += "{\"sequence\":" + std::to_string(seq++) + ",\"category\":";
    Concept(out, v::kSupportingInfoTypeSystem, v::kInfoAdmissionPeriod);
    out += ",\"timingPeriod\":{";
    if (c.admission_date) out += "\"start\":\"" + c.admission_date->ToString() + "\"";
    if (c.discharge_date) {
      out += c.admission_date ? "," : "";
      out += "\"end\":\"" + c.discharge_date->ToString() + "\"";
    }
    out += "}}";
  }
  out += "]";
}

void Header(std::string& out, const Claim& c) {
  const bool inst = c.claim_type == ClaimType::kInstitutional;
  out += "{\"resourceType\":\"ExplanationOfBenefit\",\"id\":";
  Q(out, EobId(c, c.version));
  out += ",\"meta\":{\"profile\":[";
  Q(out, inst ? v::kProfileEobInstitutional : v::kProfileEobProfessional);
  out += "]},\"identifier\":[";
  Identifier(out, v::kC4bbIdentifierTypeSystem, v::kUniqueClaimIdType, v::kClaimIdSystem,
             c.claim_id.str());
  out += "],\"status\":";
  Q(out, c.frequency == Frequency::kVoid ? v::kStatusCancelled : "active");
  out += ",\"type\":";
  Concept(out, v::kClaimTypeSystem, ClaimTypeName(c.claim_type));
  out += ",\"use\":\"claim\",\"patient\":{\"reference\":";
  Q(out, "Patient/" + c.member_id.str());
  out += "}";
  // `created` (required by CARIN) is the paid date: versions are paid in order, so the
  // importer's ordering agrees with the related chain even without it.
  if (!c.billing_tin.empty()) out += ",\"created\":\"" + c.paid_date.ToString() + "\"";
  // A void may come without its detail (SPEC §2 needs only its identity): then no dates.
  if (!c.billing_tin.empty()) {
    out += ",\"billablePeriod\":{\"start\":\"" + c.from_date.ToString() + "\",\"end\":\"" +
           c.through_date.ToString() + "\"}";
  }
  if (c.version > 1) {
    out += ",\"related\":[{\"claim\":{\"reference\":";
    Q(out, "ExplanationOfBenefit/" + EobId(c, c.version - 1));
    out += "},\"relationship\":";
    Concept(out, v::kRelatedRelationshipSystem, v::kRelationshipPrior);
    out += "}]";
  }
  out += ",\"outcome\":\"complete\"";
}

void Parties(std::string& out, const Claim& c, std::string_view specialty) {
  if (!c.billing_tin.empty()) {
    out += ",\"provider\":{\"identifier\":";
    Identifier(out, v::kIdentifierTypeSystem, v::kTaxIdType, v::kTinSystem, c.billing_tin.str());
    out += "}";
  }
  if (!c.facility_npi.empty()) {
    out += ",\"facility\":{\"identifier\":";
    Identifier(out, {}, {}, v::kNpiSystem, c.facility_npi);
    out += "}";
  }
  if (!c.rendering_npi.empty()) {
    out += ",\"careTeam\":[{\"sequence\":1,\"provider\":{\"identifier\":";
    Identifier(out, v::kIdentifierTypeSystem, v::kNpiIdType, v::kNpiSystem, c.rendering_npi.str());
    out += "},\"role\":";
    Concept(out, v::kC4bbCareTeamRoleSystem, v::kRolePerforming);
    if (!specialty.empty()) {
      out += ",\"qualification\":";
      Concept(out, v::kSpecialtySystem, specialty);
    }
    out += "}]";
  }
}

void Codes(std::string& out, const Claim& c) {
  if (!c.diagnoses.empty()) {
    out += ",\"diagnosis\":[";
    for (size_t i = 0; i < c.diagnoses.size(); ++i) {
      out += i ? "," : "";
      out += "{\"sequence\":" + std::to_string(i + 1) + ",\"diagnosisCodeableConcept\":";
      Concept(out, v::kIcd10CmSystem, c.diagnoses[i]);
      if (i == 0) {
        out += ",\"type\":[";
        Concept(out, v::kDiagnosisTypeSystem, v::kDiagnosisPrincipal);
        out += "]";
      }
      out += "}";
    }
    out += "]";
  }
  if (!c.procedures.empty()) {
    out += ",\"procedure\":[";
    for (size_t i = 0; i < c.procedures.size(); ++i) {
      out += i ? "," : "";
      out += "{\"sequence\":" + std::to_string(i + 1) + ",\"procedureCodeableConcept\":";
      Concept(out, v::kIcd10PcsSystem, c.procedures[i]);
      out += "}";
    }
    out += "]";
  }
}

}  // namespace

std::string EobJson(const Claim& c, std::string_view rendering_specialty) {
  std::string out;
  Header(out, c);
  Parties(out, c, rendering_specialty);
  if (c.claim_type == ClaimType::kInstitutional) InstitutionalInfo(out, c);
  Codes(out, c);
  if (!c.lines.empty()) {
    out += ",\"item\":[";
    ::vbp::Money total;
    for (size_t i = 0; i < c.lines.size(); ++i) {
      if (i) out += ",";
      Item(out, c.lines[i]);
      total += c.lines[i].paid;
    }
    out += "]";
    out += ",\"payment\":{\"date\":\"" + c.paid_date.ToString() + "\",\"amount\":";
    Money(out, total);
    out += "}";
  } else if (!c.billing_tin.empty()) {
    out += ",\"payment\":{\"date\":\"" + c.paid_date.ToString() + "\"}";
  }
  out += "}";
  return out;
}

namespace {

std::string_view MedicareStatus(EnrollmentType t) {
  switch (t) {
    case EnrollmentType::kEsrd:
      return v::kMedicareStatusEsrd;
    case EnrollmentType::kDisabled:
      return v::kMedicareStatusDisabled;
    case EnrollmentType::kAgedDual:
    case EnrollmentType::kAgedNondual:
      return v::kMedicareStatusAged;
  }
  return v::kMedicareStatusAged;
}

void CodingExtension(std::string& out, std::string_view url, std::string_view code) {
  out += "{\"url\":";
  Q(out, url);
  out += ",\"valueCoding\":";
  Coding(out, url, code);
  out += "}";
}

void PatientExtensions(std::string& out, const Member& m) {
  std::vector<std::string> exts;
  if (m.aligned_npi) {
    std::string e = "{\"url\":";
    Q(e, v::kVbpAlignedNpiUrl);
    e += ",\"valueString\":";
    Q(e, m.aligned_npi->str());
    exts.push_back(e + "}");
  }
  if (m.medicaid) {
    std::string e = "{\"url\":";
    Q(e, v::kVbpMedicaidUrl);
    exts.push_back(e + ",\"valueBoolean\":" + (*m.medicaid ? "true" : "false") + "}");
  }
  for (const auto& [year, score] : m.risk_scores) {
    auto text = ExactDecimalString(score);  // decoded from a decimal: always terminates
    std::string e = "{\"url\":";
    Q(e, v::kVbpRiskScoreUrl);
    e += ",\"extension\":[{\"url\":\"year\",\"valueInteger\":" + std::to_string(year) +
         "},{\"url\":\"score\",\"valueDecimal\":" + (text.ok() ? *text : "0") + "}]}";
    exts.push_back(e);
  }
  if (exts.empty()) return;
  out += ",\"extension\":[";
  for (size_t i = 0; i < exts.size(); ++i) out += (i ? "," : "") + exts[i];
  out += "]";
}

}  // namespace

std::string PatientJson(const Member& m) {
  std::string out = "{\"resourceType\":\"Patient\",\"id\":";
  Q(out, m.member_id.str());
  out += ",\"meta\":{\"profile\":[";
  Q(out, v::kProfilePatient);
  out += "]}";
  PatientExtensions(out, m);
  out += ",\"identifier\":[";
  Identifier(out, v::kIdentifierTypeSystem, v::kMbiIdType, v::kMbiSystem, m.member_id.str());
  out += "],\"gender\":";
  Q(out, m.sex == Sex::kMale ? "male" : m.sex == Sex::kFemale ? "female" : "unknown");
  out += ",\"birthDate\":";
  Q(out, m.birth_date.ToString());
  out += "}";
  return out;
}

std::vector<std::string> CoverageJsons(const Member& m) {
  std::vector<std::string> out;
  for (size_t i = 0; i < m.coverage.size(); ++i) {
    const Coverage& c = m.coverage[i];
    std::string r = "{\"resourceType\":\"Coverage\",\"id\":";
    Q(r, m.member_id.str() + "-" + std::to_string(i + 1));
    r += ",\"meta\":{\"profile\":[";
    Q(r, v::kProfileCoverage);
    r += "]},\"extension\":[";
    CodingExtension(r, v::kMsCdUrl, MedicareStatus(c.enrollment_type));
    r += ",";
    const bool dual = c.enrollment_type == EnrollmentType::kAgedDual;
    CodingExtension(r, v::kDualStatusUrl, dual ? v::kDualFull : v::kDualNone);
    if (m.orec) {
      r += ",";
      CodingExtension(r, v::kOrecUrl, *m.orec);
    }
    const bool ffs = c.program == v::kProgramFfs, ma = c.program == v::kProgramAdvantage;
    if (!ffs && !ma) {
      r += ",{\"url\":";
      Q(r, v::kVbpProgramUrl);
      r += ",\"valueString\":";
      Q(r, c.program);
      r += "}";
    }
    r += "],\"status\":\"active\"";
    if (ffs || ma) {
      r += ",\"class\":[{\"type\":";
      Concept(r, v::kCoverageClassSystem, v::kCoverageClassPlan);
      r += ",\"value\":";
      Q(r, ffs ? v::kPartB : v::kPartC);
      r += "}]";
    }
    r += ",\"beneficiary\":{\"reference\":";
    Q(r, "Patient/" + m.member_id.str());
    r += "},\"period\":{\"start\":\"" + c.from.ToString() + "\",\"end\":\"" + c.through.ToString() +
         "\"}}";
    out.push_back(std::move(r));
  }
  return out;
}

FhirRecordSink::FhirRecordSink(RecordKind kind, generate::LineSink* first,
                               generate::LineSink* second, generate::LineSink* unconvertible,
                               SpecialtyByNpi* specialties)
    : kind_(kind),
      first_(first),
      second_(second),
      unconvertible_sink_(unconvertible),
      specialties_(specialties) {}

Status FhirRecordSink::Append(std::string_view line) {
  ++lines_;
  bytes_ += static_cast<int64_t>(line.size()) + 1;
  codec::DecodeResult d = decoder_.Decode(line, {"generated", -1, lines_}, kind_);
  if (d.reject) {
    ++unconvertible_;
    return unconvertible_sink_->Append(line);
  }
  if (kind_ == RecordKind::kProvider) {
    const Provider& p = std::get<Provider>(*d.record);
    (*specialties_)[p.npi.str()] = p.specialty;
    return first_->Append(line);
  }
  if (kind_ == RecordKind::kClaim) {
    const Claim& c = std::get<Claim>(*d.record);
    const auto it = specialties_->find(c.rendering_npi.str());
    return first_->Append(EobJson(c, it == specialties_->end() ? "" : it->second));
  }
  const Member& m = std::get<Member>(*d.record);
  VBP_RETURN_IF_ERROR(first_->Append(PatientJson(m)));
  for (const std::string& c : CoverageJsons(m)) VBP_RETURN_IF_ERROR(second_->Append(c));
  return Status::Ok();
}

}  // namespace vbp::fhir
