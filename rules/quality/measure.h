#pragma once
// Claims-based quality measures as data (SPEC §3.10). A measure is a JSON document
// (rules/quality/measures/*.json, schema "vbp.measure/1", described in rules/quality/README.md)
// naming value sets of codes, a denominator (age on a date, sex, continuous enrollment,
// required diagnoses), exclusions and a numerator with look-back windows. There is no macro
// language: a document only combines the fixed criteria below. Value sets come from
// rules/data/quality/value_sets.tsv (the VSAC eCQM expansion, else the Tuva seeds) and from
// rules/quality/measures/project_value_sets.json (codes the Tuva sets lack, each with a source).

#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.h"
#include "domain/records.h"
#include "domain/status.h"
#include "rules/data/embedded_files.h"

namespace vbp::rules::quality {

// Code systems a claim carries. Besides diagnoses, procedures and line HCPCS, institutional
// claims carry UB-04 codes that identify a setting (hospice from claims, rules/quality/README.md):
//   kBillType        the first two digits of the type of bill, leading 0 dropped ("81": hospice,
//                    non-hospital based; "82": hospice, hospital based), dated by the through date
//   kRevenue         a line's revenue code, four digits ("0651"), dated by the line's service date
//   kDischargeStatus the patient discharge status ("50": discharged to hospice at home, "51": to a
//                    hospice facility), dated by the claim's through date
enum class CodeSystem : uint8_t {
  kIcd10Cm,
  kIcd10Pcs,
  kHcpcs,
  kBillType,
  kRevenue,
  kDischargeStatus
};
inline constexpr size_t kCodeSystemCount = 6;
// "ICD10CM", "ICD10PCS", "HCPCS", "BILL_TYPE", "REVENUE", "DISCHARGE_STATUS"
const char* CodeSystemName(CodeSystem s);

struct ValueSet {
  std::string name;
  std::string source;  // provenance line(s) for explain and the README
  std::array<std::set<std::string, std::less<>>, kCodeSystemCount> codes;  // by CodeSystem
  bool Contains(CodeSystem s, std::string_view code) const;
  const std::set<std::string, std::less<>>& Codes(CodeSystem s) const {
    return codes[static_cast<size_t>(s)];
  }
};

// A date relative to the performance year: anchor (first or last day of the PY) shifted by
// months (day clamped to the month's end) and then days.
struct RelativeDate {
  enum class Anchor : uint8_t { kPyStart, kPyEnd };
  Anchor anchor = Anchor::kPyEnd;
  int months = 0;
  int days = 0;
  Date Resolve(int performance_year) const;
};

// An inclusive window; an absent bound is open ("any time up to the end of the PY").
struct Window {
  std::optional<RelativeDate> start;
  std::optional<RelativeDate> end;
  // Unbounded sides resolve to the extreme representable dates.
  DateRange Resolve(int performance_year) const;
};

// "Some code of these value sets on a claim dated in the window." Line HCPCS codes are dated
// by the line's service date; ICD-10-CM diagnoses and ICD-10-PCS procedures by the claim's
// through date. `principal_only` restricts diagnoses to the principal (first) one.
struct Criterion {
  std::vector<std::string> value_sets;
  Window window;
  bool principal_only = false;
  int min_claims = 1;  // distinct claims with a matching code
};

// A named rule that excludes the member when all its criteria hold (and the age bound, if any).
struct Exclusion {
  std::string name;
  std::optional<int> min_age;  // age on the measure's age date
  std::vector<Criterion> all_of;
};

// Result codes for a "last result" numerator (CPT II): each code sets one component to met or
// not met. On the latest date in the window where every component has a code, each component
// takes `same_day_prefer` if any of its codes that day says so; the numerator is met when all
// components are met. With no complete reading the numerator is `no_result_met`.
struct ResultComponent {
  std::string name;
  std::map<std::string, bool, std::less<>> codes;  // HCPCS (CPT II) → met
};

struct LastResult {
  Window window;
  std::vector<ResultComponent> components;
  bool same_day_prefer_met = true;
  bool no_result_met = false;
};

// Continuous enrollment (HEDIS style): every coverage gap in `window` at most `max_gap_days`
// long, at most `max_gaps_per_year` gaps starting in one calendar year, no gap at all from the
// window's start through `no_gaps_through` (HEDIS BCS: October 1 - December 31 two years before
// the PY), and (when required) coverage on the window's last day.
struct EnrollmentRule {
  Window window;
  int max_gap_days = 45;
  int max_gaps_per_year = 1;
  std::optional<RelativeDate> no_gaps_through;
  bool enrolled_at_window_end = true;
};

// Inpatient stays and 30-day readmissions (kind "readmission").
struct ReadmissionSpec {
  std::vector<std::string> bill_type_prefixes;  // "11": inpatient hospital
  Window index_discharge;                       // index stays discharged in it
  int readmission_days = 30;                    // admission within [discharge, discharge + N]
  int transfer_max_days = 1;  // an admission (any facility) within N days of a discharge chains
  std::vector<std::string> exclude_discharge_status;  // "20" expired, "07" against advice
  // Planned readmissions (not counted): a DRG on any claim of the stay, the principal
  // diagnosis of its first claim, or an ICD-10-PCS procedure of the stay.
  std::set<std::string, std::less<>> planned_drgs;
  std::vector<std::string> planned_principal_diagnosis_sets;
  std::vector<std::string> planned_procedure_sets;
};

enum class MeasureKind : uint8_t { kMember, kReadmission };

struct Measure {
  std::string id;  // "BCS"
  std::string name;
  std::string version;
  std::string reference;  // steward / specification it adapts
  MeasureKind kind = MeasureKind::kMember;
  bool inverse = false;  // lower rate is better; the gap is being in the numerator

  // Denominator.
  int age_min = 0;
  int age_max = 200;
  RelativeDate age_as_of;                    // default: last day of the PY
  std::optional<Sex> sex;                    // nullopt: any
  std::optional<EnrollmentRule> enrollment;  // nullopt: not required
  std::vector<Criterion> denominator_all_of;

  std::vector<Exclusion> exclusions;

  // Numerator (kMember): `any_of` criteria, or a last-result rule.
  std::vector<Criterion> numerator_any_of;
  std::optional<LastResult> last_result;

  std::optional<ReadmissionSpec> readmission;
};

// The measures and value sets in force. Immutable once loaded.
class MeasureSet {
 public:
  // Loads every "*.json" measure of `measure_files` (except project_value_sets.json, which
  // holds hand-maintained value sets) and the value sets of "quality/value_sets.tsv" in
  // `data_files`. Every value set a measure names must exist.
  static Result<MeasureSet> Load(const std::vector<data::EmbeddedFile>& measure_files,
                                 const std::vector<data::EmbeddedFile>& data_files);
  // The measures compiled into this binary (rules/quality/measures); aborts if they do not
  // load (a build defect; tests load them).
  static const MeasureSet& Shipped();

  // Measures in id order.
  const std::vector<Measure>& measures() const { return measures_; }
  const Measure* Find(std::string_view id) const;
  const ValueSet* FindValueSet(std::string_view name) const;
  const std::map<std::string, ValueSet, std::less<>>& value_sets() const { return value_sets_; }

  // A copy restricted to some measures (unknown ids are an error).
  Result<MeasureSet> Select(const std::vector<std::string>& ids) const;

 private:
  std::vector<Measure> measures_;
  std::map<std::string, ValueSet, std::less<>> value_sets_;
};

// Parses one measure document; `origin` names it in errors. Value-set names are checked by
// MeasureSet::Load.
Result<Measure> ParseMeasure(std::string_view json_text, std::string_view origin);

}  // namespace vbp::rules::quality

namespace vbp::rules::data {
// The measure documents compiled into this binary (rules/quality/measures/*.json, named by
// file name: "bcs.json", "project_value_sets.json").
const std::vector<EmbeddedFile>& EmbeddedMeasureFiles();
}  // namespace vbp::rules::data
