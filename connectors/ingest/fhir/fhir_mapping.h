#pragma once
// Internal to vbp_fhir_import: one FHIR resource -> the pieces of SPEC records it gives, or
// the first field that cannot be mapped. Whole records are assembled by fhir_import.cc once
// every resource is read (member ids, versions and providers need all of them).

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "connectors/ingest/fhir/fhir_json.h"
#include "domain/decimal.h"

namespace vbp::fhir {

// Why a resource cannot be mapped: a FHIRPath-ish field ("item[2].adjudication") and reason.
struct MapError {
  std::string field;
  std::string reason;
};

// Assumptions a mapping made, counted in the report ("paid_date from billablePeriod.end").
using Assumptions = std::map<std::string, int64_t>;

struct RelatedRef {
  std::string target;        // resource id, or a claim identifier value
  bool replaced_by = false;  // true: the target replaces this EOB (C4BB "replacedby")
};

struct CareTeamProvider {
  std::string npi;
  std::string tin;        // from tax_num, when given on the care team member
  std::string specialty;  // CMS specialty code (prvdr_spclty) or qualification code
};

struct MappedEob {
  std::string resource_id;
  std::string claim_identifier;  // "" when the EOB has none (the resource id stands in)
  std::string patient_id;        // the Patient reference's id
  std::string patient_mbi;       // an MBI on the reference itself, when given
  bool cancelled = false;
  std::string created;
  std::string last_updated;
  std::vector<RelatedRef> related;
  std::string out_of_scope;       // non-empty: skipped, with this reason (e.g. pharmacy)
  std::optional<MapError> error;  // set: the claim body could not be mapped
  // SPEC claim fields after member_id (billing_tin ... lines) while mapping; MapEob returns
  // them as compact JSON text in body_text (an export holds millions of EOBs) and empties it.
  nlohmann::ordered_json body;
  std::string body_text;  // "{...}"
  std::string rendering_npi, billing_tin;
  int64_t lines = 0;  // lines mapped (0 when the lines could not all be read)
  Money paid;         // over the lines mapped, also for an EOB rejected for its providers
  std::vector<CareTeamProvider> providers;  // every care-team member with an NPI
  Assumptions assumptions;
};

MappedEob MapEob(const Json& eob);

struct MappedPatient {
  std::string resource_id;
  std::string member_id;
  std::optional<MapError> error;
  nlohmann::ordered_json fields;  // birth_date, sex
  std::string birth_date;
  std::optional<std::string> aligned_npi;
  nlohmann::ordered_json risk_scores;  // {} or {"2025": "1.0312"}
  std::optional<bool> medicaid;        // from the project extension only
  Assumptions assumptions;
};

MappedPatient MapPatient(const Json& patient);

struct MappedCoverage {
  std::string resource_id;
  std::string patient_id;
  std::string out_of_scope;
  std::optional<MapError> error;
  std::string from, through;  // "" when the period does not say
  std::string program;
  std::string ms_cd;  // Medicare status code
  std::string orec;
  std::optional<bool> dual;  // nullopt: no dual status code on this resource
};

MappedCoverage MapCoverage(const Json& coverage);

// "2024-03-05T10:00:00Z" -> "2024-03-05"; "" for anything that does not start with a date.
std::string DatePart(std::string_view fhir_date);

// An exact money amount from a FHIR Money / Quantity value text: "123.45" -> "123.45", "250" ->
// "250.00"; an error for non-decimal text, exponents or more than 6 decimals.
Result<std::string> ExactMoney(const Json* value);

}  // namespace vbp::fhir
