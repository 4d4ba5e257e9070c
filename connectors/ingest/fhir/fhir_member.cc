// Patient -> member, Coverage -> coverage spans (README.md "Members").
#include "connectors/ingest/fhir/fhir_mapping.h"
#include "connectors/ingest/fhir/fhir_vocabulary.h"
#include "connectors/ingest/medicare/medicare_codes.h"

namespace vbp::fhir {
namespace v = vocab;

namespace {

std::string SexOf(const std::string& gender) {
  if (gender == "male") return "M";
  if (gender == "female") return "F";
  return "U";
}

// The project's extensions on Patient (written by `vbp generate --format fhir`).
void MapVbpExtensions(const Json& patient, MappedPatient& out) {
  const Json* exts = Field(patient, "extension");
  if (!exts || !exts->is_array()) return;
  for (size_t i = 0; i < exts->size(); ++i) {
    const Json& e = (*exts)[i];
    const std::string url = Str(e, "url");
    if (url == v::kVbpAlignedNpiUrl) {
      out.aligned_npi = ExtensionText(&e);
    } else if (url == v::kVbpMedicaidUrl) {
      const std::string b = ExtensionText(&e);
      if (b == "true" || b == "false") out.medicaid = b == "true";
    } else if (url == v::kVbpRiskScoreUrl) {
      const std::string year = ExtensionText(Extension(e, "year"));
      const std::string score = ExtensionText(Extension(e, "score"));
      if (year.size() != 4 || score.empty() || score.find_first_of("eE") != std::string::npos) {
        out.error = MapError{"extension[" + std::to_string(i) + "]",
                             "risk-score extension needs a 4-digit year and a decimal score"};
        return;
      }
      out.risk_scores[year] = score;
    }
  }
}

}  // namespace

MappedPatient MapPatient(const Json& patient) {
  MappedPatient out;
  out.resource_id = Str(patient, "id");
  if (out.resource_id.empty()) {
    out.error = MapError{"id", "no resource id"};
    return out;
  }
  out.member_id = IdentifierValue(patient, v::kMbiSystem, v::kMbiIdType);
  if (out.member_id.empty()) {
    out.member_id = out.resource_id;
    ++out.assumptions["member_id = Patient.id (no MBI identifier)"];
  }
  out.birth_date = DatePart(Str(patient, "birthDate"));
  if (out.birth_date.empty()) {
    out.error = MapError{"birthDate", "missing or not a date (a member needs a birth date)"};
    return out;
  }
  out.fields = nlohmann::ordered_json::object();
  out.fields["birth_date"] = out.birth_date;
  out.fields["sex"] = SexOf(Str(patient, "gender"));
  out.risk_scores = nlohmann::ordered_json::object();
  MapVbpExtensions(patient, out);
  return out;
}

namespace {

// "Part A".."Part D" from type / class / STU3 grouping.subPlan.
std::string MedicarePart(const Json& coverage) {
  for (const auto* part : {&v::kPartA, &v::kPartB, &v::kPartC, &v::kPartD}) {
    if (HasCode(Field(coverage, "type"), {}, *part)) return std::string(*part);
    if (const Json* g = Field(coverage, "grouping"); g && Str(*g, "subPlan") == *part) {
      return std::string(*part);
    }
    if (const Json* cls = Field(coverage, "class"); cls && cls->is_array()) {
      for (const Json& c : *cls) {
        if (Str(c, "value") == *part || Str(c, "name") == *part) return std::string(*part);
      }
    }
  }
  return {};
}

// Dual status codes: dual_status / dual_stus_cd, or the monthly dual_01..dual_12.
std::optional<bool> DualOf(const Json& coverage);

}  // namespace

MappedCoverage MapCoverage(const Json& coverage) {
  MappedCoverage out;
  out.resource_id = Str(coverage, "id");
  const Json* bene = Field(coverage, "beneficiary");
  out.patient_id = ReferenceId(bene);
  if (out.patient_id.empty()) {
    out.error = MapError{"beneficiary", "no beneficiary reference"};
    return out;
  }
  const std::string part = MedicarePart(coverage);
  out.dual = DualOf(coverage);
  out.ms_cd = ExtensionText(Extension(coverage, v::kMsCdUrl));
  out.orec = ExtensionText(Extension(coverage, v::kOrecUrl));
  out.program = ExtensionText(Extension(coverage, v::kVbpProgramUrl));
  if (out.program.empty()) {
    if (part == v::kPartD) {
      out.out_of_scope = "Part D (drug) coverage";
      return out;
    }
    if (part == v::kPartC) out.program = v::kProgramAdvantage;
    if (part == v::kPartA || part == v::kPartB) out.program = v::kProgramFfs;
  }
  if (out.program.empty()) {
    out.error = MapError{"type", "no Medicare part (Part A/B/C/D in type, class or grouping)"};
    return out;
  }
  if (const Json* p = Field(coverage, "period")) {
    out.from = DatePart(Str(*p, "start"));
    out.through = DatePart(Str(*p, "end"));
  }
  return out;
}

namespace {

std::optional<bool> DualOf(const Json& coverage) {
  const Json* exts = Field(coverage, "extension");
  if (!exts || !exts->is_array()) return std::nullopt;
  std::optional<bool> dual;
  for (const Json& e : *exts) {
    const std::string url = Str(e, "url");
    if (url.rfind(v::kDualStatusUrlPrefix, 0) != 0) continue;
    const std::string code = ExtensionText(&e);
    if (code.empty()) continue;
    // CMS dual status (medicare::IsDualStatus): 01-06, 08 dual; 00, 09, 99, NA not.
    const bool is = medicare::IsDualStatus(code);
    dual = dual.value_or(false) || is;
  }
  return dual;
}

}  // namespace

}  // namespace vbp::fhir
