#pragma once
// Per-member evaluation of the claims-based quality measures (SPEC §3.10). Pure: a function of
// (member, the member's claims, performance year, measure set); no I/O, clock, logging,
// globals or threads. The per-member results are additive: a contract's tallies are the sum of
// its members' MeasureTally values, and a changed member is applied as (new − old), so the
// streaming path updates contract rates exactly without recomputing other members.

#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "domain/date.h"
#include "domain/decimal.h"
#include "domain/records.h"
#include "rules/core/claim_view.h"
#include "rules/core/paid_cutoff.h"
#include "rules/quality/measure.h"

namespace vbp::rules::quality {

// Counts for one measure: the eligible population (`denominator`), how many of those were
// excluded, and how many of the rest meet the numerator. Member measures count members (0/1),
// the readmission measure counts index stays. Exact integer sums; they add and subtract.
struct MeasureTally {
  int64_t denominator = 0;
  int64_t exclusions = 0;
  int64_t numerator = 0;

  // denominator − exclusions: the base of the rate.
  int64_t Eligible() const { return denominator - exclusions; }
  // numerator / eligible, exact; nullopt when nobody is eligible.
  std::optional<Rational> Rate() const;

  MeasureTally& operator+=(const MeasureTally& o);
  MeasureTally& operator-=(const MeasureTally& o);
  friend bool operator==(const MeasureTally&, const MeasureTally&) = default;
};

enum class MeasureStatus : uint8_t {
  kNotInDenominator,  // outside the eligible population (age, sex, enrollment, diagnoses)
  kExcluded,          // in the population, excluded
  kMet,               // numerator met
  kNotMet,            // numerator not met
};
const char* MeasureStatusName(MeasureStatus s);

// A claim fact the decision used.
struct Evidence {
  std::string role;  // "denominator", "exclusion: hospice", "numerator", "last reading"
  std::string claim_id;
  int32_t line = 0;  // 0 = claim header (diagnosis, procedure)
  Date date;
  std::string code;
  std::string value_set;
};

// One inpatient stay of the readmission measure (claims chained by transfers and overlaps).
struct Stay {
  std::vector<std::string> claim_ids;  // in admission order
  Date admission;
  Date discharge;
  std::string facility;
  std::string discharge_status;  // of the last claim
  bool index = false;            // discharged in the index window
  bool excluded = false;         // index stay excluded (expired, left against advice)
  std::string exclusion;
  bool readmitted = false;  // an unplanned stay admitted within the window after discharge
  std::optional<size_t> readmission;  // index into stays of the first following stay
  bool readmission_planned = false;   // the first following stay was planned (not counted)
  std::string planned_reason;
};

struct MeasureOutcome {
  std::string measure_id;
  MeasureStatus status = MeasureStatus::kNotInDenominator;
  MeasureTally tally;
  std::string reason;  // why this status ("age 51 on 2025-12-31 is outside 52-74", ...)
  std::vector<Evidence> evidence;
  bool gap = false;         // in the eligible population and not meeting the goal (see README)
  std::vector<Stay> stays;  // readmission measure only
};

// A care gap for a provider's list: in the denominator, not excluded, and not in the numerator
// (for inverse measures: in the numerator, e.g. HbA1c > 9%; for readmissions: a readmitted
// index stay).
struct CareGap {
  std::string measure_id;
  std::string description;
};

struct MemberMeasureResult {
  MemberId member_id;
  int performance_year = 0;
  std::vector<MeasureOutcome> measures;  // in measure id order
  std::vector<CareGap> gaps;
  int32_t paid_late_claims = 0;  // claim versions left out: paid after the PaidCutoff

  // measure id → tally, for adding into a contract's tallies.
  std::map<std::string, MeasureTally> Tallies() const;
};

struct QualityOptions {
  // Coverage spans counted for continuous enrollment; empty = every program.
  std::set<std::string> enrollment_programs;
};

// Evaluates every measure of `set` for one member. `claims` are the member's effective,
// non-void claim versions (any order; the result does not depend on it). They must reach back
// as far as the longest look-back (colonoscopy: the PY and 9 years before). Only the claim
// versions that `paid` counts are read (rules/core/paid_cutoff.h: the same set as attribution
// and expenditure).
MemberMeasureResult EvaluateMeasures(const Member& member, std::span<const ClaimView> claims,
                                     const PaidCutoff& paid, int performance_year,
                                     const MeasureSet& set, const QualityOptions& options = {});

// Adds a member's tallies into per-contract tallies (sign +1) or removes them (sign −1).
void ApplyTallies(const MemberMeasureResult& r, int sign,
                  std::map<std::string, MeasureTally>* contract);

// Age in completed years on `on`.
int AgeOn(Date birth, Date on);

// Continuous enrollment under `rule` in performance year `py` (EnrollmentRule; exposed for
// tests). Only coverage spans of `programs` count (empty: every program). `why` receives the
// failure.
bool ContinuouslyEnrolled(const std::vector<Coverage>& coverage, const EnrollmentRule& rule, int py,
                          const std::set<std::string>& programs, std::string* why);

}  // namespace vbp::rules::quality
