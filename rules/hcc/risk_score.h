#pragma once
// CMS-HCC V24/V28 prospective risk scores from claims (SPEC §3.5 "mean PY risk score", §3.9
// fee tiers): a pure function of (member, claims, payment year, parameters, tables). No I/O,
// clock, logging, globals or threads; every figure is an exact Rational until the single
// documented rounding of the final score. The result carries the whole trail (eligible
// diagnoses and the claim lines that supplied them, HCCs kept and dropped by hierarchy,
// factors summing to each raw score) so that `explain` shows what the calculation used.
//
// Supported: CMS-HCC V24 (payment years 2019-2026 mappings) and V28 (2024-2026), continuing
// enrollees in the six community segments and the long-term institutional segment, and new
// enrollees (non-C-SNP). Not supported: the ESRD models (members in ESRD status are returned
// unscored with the reason), C-SNP new-enrollee tables, the originally-disabled and
// Medicaid enrollment-interaction terms (absent from the source tables; see
// rules/hcc/README.md), MCE age/sex diagnosis edits. See README for every simplification.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/date.h"
#include "domain/decimal.h"
#include "domain/records.h"
#include "domain/status.h"
#include "rules/core/claim_view.h"
#include "rules/core/paid_cutoff.h"
#include "rules/hcc/hcc_tables.h"

namespace vbp::rules::hcc {

enum class DualStatus : uint8_t { kNon, kPartial, kFull };
const char* DualStatusName(DualStatus d);  // "non", "partial", "full"

// Which diagnoses count: the prospective model uses the calendar year before the payment
// year; a concurrent score uses the payment year itself.
enum class CollectionKind : uint8_t { kProspective, kConcurrent };

struct RiskModelParams {
  // Blend weights; a model with weight 0 is not computed. Weights must sum to 1.
  Rational weight_v24 = 0;
  Rational weight_v28 = 1;
  // Each model's raw score is divided by its normalization factor before blending.
  Rational normalization_v24 = 1;
  Rational normalization_v28 = 1;
  // MA coding pattern adjustment applied to the blended score: × (1 − coding_adjustment).
  // 0 in a fee-for-service context (the default); CMS applies 0.059 to MA payments.
  Rational coding_adjustment = 0;
  // Decimals of the final score, rounded half-up (away from zero; scores are positive);
  // nullopt keeps the exact value. CMS publishes scores with 3 decimals.
  std::optional<int> round_decimals = 3;
  CollectionKind collection = CollectionKind::kProspective;
  // Overrides `collection` with explicit dates (inclusive).
  std::optional<DateRange> collection_period;
  // Forces one eligible CPT/HCPCS list year; default: each service's year of service (the
  // latest list before it when the table has none for it: the shipped table ends at 2024).
  std::optional<int> cpt_list_year;
  // What `medicaid: true` (or an aged_dual coverage span) means for the segment; the member
  // record does not say full or partial benefit.
  DualStatus medicaid_dual_status = DualStatus::kFull;
};

// Defaults for a payment year: CMS's V24/V28 phase-in weights and the FFS normalization
// factors of that year's Rate Announcement where this project ships them (README lists the
// values and sources); coding adjustment 0. `notes` receives what was assumed.
RiskModelParams DefaultRiskModelParams(int payment_year, std::vector<std::string>* notes);

// Checks weights, factors, decimals and periods; the error names the parameter.
Status ValidateRiskModelParams(const RiskModelParams& p);

// The demographic inputs of the model, derived from the member record (see DeriveRiskProfile).
struct RiskProfile {
  Sex sex = Sex::kUnknown;
  Date age_date;  // February 1 of the payment year (CMS convention)
  int age = 0;    // completed years on age_date
  bool esrd = false;
  bool institutional = false;
  bool originally_disabled = false;  // OREC "1"
  bool entitled_by_age = false;      // OREC "0": never in a disabled segment (CMS DISABL)
  bool new_enrollee = false;         // fewer than 12 covered months in the collection period
  int collection_months_covered = 0;
  DualStatus dual = DualStatus::kNon;
  std::string coverage_basis;  // which coverage span decided dual/ESRD status, for explain
};

// Facts the member record does not carry; a caller with better data overrides the derivation.
struct RiskProfileOverrides {
  std::optional<bool> institutional;  // default: false (no long-term institutional flag)
  std::optional<DualStatus> dual;
  std::optional<bool> new_enrollee;
  std::optional<bool> originally_disabled;
};

// Member → profile: age on Feb 1 of the payment year; the coverage span covering that day
// (else the latest span ending before it, else the earliest after it) decides ESRD status
// (enrollment_type esrd) and, with `medicaid`, dual status (medicaid true or aged_dual →
// params.medicaid_dual_status); orec "1" = originally disabled, orec "0" = entitled by age (the
// disabled segments need age < 65 and OREC != 0, as CMS's DISABL); new enrollee when fewer than
// 12 months of the collection period have their first day covered by any span.
RiskProfile DeriveRiskProfile(const Member& member, int payment_year,
                              const DateRange& collection_period, const RiskModelParams& params,
                              const RiskProfileOverrides& overrides = {});

// The diagnosis collection period the parameters select for a payment year.
DateRange CollectionPeriod(int payment_year, const RiskModelParams& params);

// A diagnosis that reached the model, with the first claim line that supplied it (ordered by
// date, then claim id, then line). line 0 = the claim header (inpatient claims).
struct DiagnosisUse {
  std::string code;
  std::string claim_id;
  int32_t line = 0;
  Date date;
  int32_t claims = 0;  // eligible claims carrying the code
  std::vector<int> hccs_v24;
  std::vector<int> hccs_v28;
};

// A diagnosis that maps to an HCC but only appeared on claims that were not risk-adjustment
// eligible (in the collection period), with the first such claim and why.
struct IgnoredDiagnosis {
  std::string code;
  std::string claim_id;
  std::string reason;  // "professional claim without an eligible CPT/HCPCS line", ...
};

struct HccDecision {
  int hcc = 0;
  std::string label;
  bool kept = true;
  std::optional<int> trumped_by;       // the higher-ranked HCC that dropped it
  std::vector<std::string> diagnoses;  // codes that mapped to it
};

enum class FactorKind : uint8_t {
  kDemographic,
  kDisease,
  kDiseaseInteraction,
  kDisabledInteraction,
  kPaymentHccCount,
  kOriginallyDisabled,
};
const char* FactorKindName(FactorKind k);

struct Factor {
  FactorKind kind = FactorKind::kDemographic;
  std::string name;  // "F70-74", "HCC18", "DIABETES_CHF", "D5" ...
  std::string description;
  Rational coefficient;
};

struct ModelScore {
  ModelVersion model = ModelVersion::kV24;
  Segment segment = Segment::kCNA;
  std::string age_group;
  Rational weight;
  std::vector<HccDecision> hccs;  // ascending HCC
  int payment_hcc_count = 0;      // HCCs kept after hierarchies
  std::vector<Factor> factors;    // demographic, diseases, interactions, count; Σ = raw
  Rational raw;
  Rational normalization;
  Rational normalized;  // raw / normalization
};

struct RiskScoreResult {
  bool scored = false;
  std::string not_scored_reason;  // set when !scored ("esrd", "sex unknown")
  int payment_year = 0;
  DateRange collection_period;
  int cpt_list_year = 0;
  RiskProfile profile;
  std::vector<ModelScore> models;         // models with weight > 0, V24 first
  Rational blended;                       // Σ weight × normalized
  Rational score_exact;                   // blended × (1 − coding_adjustment)
  Rational score;                         // score_exact rounded per params (the figure to use)
  std::vector<DiagnosisUse> diagnoses;    // codes mapping to an HCC, ascending code
  std::vector<IgnoredDiagnosis> ignored;  // ascending code
  int32_t eligible_claims = 0;
  int32_t ineligible_claims = 0;   // in the period, not risk-adjustment eligible
  int32_t paid_late_claims = 0;    // in the period, paid after the PaidCutoff: do not count
  std::vector<std::string> notes;  // assumptions the calculation made (table-year fallback, ...)
};

// Computes the member's risk score for `payment_year` from `claims` (the member's effective,
// non-void claim versions, any order; the result does not depend on it). Only the claim
// versions that `paid` counts supply diagnoses (rules/core/paid_cutoff.h: the same set as
// attribution and expenditure); the others are reported in `ignored` with the reason.
// Errors (InvalidArgument) only for parameters the tables cannot serve: invalid params, a
// weighted model without a mapping for the payment year, no CPT/HCPCS list year.
// Business outcomes (ESRD, unknown sex) come back as scored = false with the reason.
Result<RiskScoreResult> ComputeRiskScore(const Member& member, std::span<const ClaimView> claims,
                                         const PaidCutoff& paid, int payment_year,
                                         const RiskModelParams& params,
                                         const HccTables& tables = HccTables::Shipped(),
                                         const RiskProfileOverrides& overrides = {});

// Exposed for tests and explain: CMS age groups ("65-69"; new enrollees "65".."69").
std::string AgeGroup(int age, bool new_enrollee);
// The segment the profile selects.
Segment SegmentOf(const RiskProfile& p);
// x rounded half-up (away from zero) to `decimals` places, as an exact Rational.
Rational RoundHalfUp(const Rational& x, int decimals);

}  // namespace vbp::rules::hcc
