#pragma once
// Per-member calculation (SPEC §3.1–§3.4, §3.9): eligibility, primary-care services,
// attribution steps 0/1/2 with the tie rules, expenditure with run-out, as-of and truncation,
// and the member's care-management fee. A pure function: no I/O, clock or globals. Its
// reasons are returned as data so that `explain` reads the same trail the calculation used.

#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/records.h"
#include "rules/core/claim_view.h"
#include "rules/core/paid_cutoff.h"
#include "rules/core/parameters.h"
#include "rules/core/reference.h"
#include "rules/hcc/risk_score.h"
#include "rules/quality/evaluate.h"

namespace vbp::rules {

enum class AttributionStep : int8_t {
  kNone = -1,
  kVoluntary = 0,
  kPrimaryCare = 1,
  kSpecialist = 2
};
const char* AttributionStepName(AttributionStep s);

// Why a member is not attributed to any contract (a business outcome, not an error).
enum class Unattributed : uint8_t {
  kNo = 0,               // attributed
  kUnknownMember,        // claims but no member record
  kExcludedProgram,      // a PY month in an excluded program (SPEC §3.1)
  kNoEligibleMonths,     // no PY month in an eligible program
  kNoQualifyingService,  // no primary-care service by pcp/npp/specialist in the window
  kWonByOtherUnit,       // the winning unit is a TIN outside every contract
};
const char* UnattributedName(Unattributed u);

// Allowed amounts of one unit at one step.
struct UnitTally {
  Unit unit;
  Money allowed;
  Date last_service;
  int32_t lines = 0;
};

struct EvaluationContext {
  int performance_year = 0;
  const Parameters* params = nullptr;
  const UnitMap* units = nullptr;
  const ProviderRoster* roster = nullptr;
  Date as_of;  // claims paid after this day do not count yet

  // The paid-date rule of this evaluation: min(run-out cutoff of the year, as_of). Every use
  // of a claim (attribution, expenditure, risk score, quality measures) asks it.
  PaidCutoff paid_cutoff() const;
};

// One line's part in the calculation, recorded only when a trace is requested.
struct LineDecision {
  std::string claim_id;
  int64_t version = 0;
  int32_t line = 0;
  Date service_date;
  Date paid_date;
  std::string hcpcs;
  std::string pos;
  std::string rendering_npi;
  ProviderClass provider_class = ProviderClass::kOther;
  Unit unit;
  Money allowed;
  Money paid;
  AttributionStep counted_at = AttributionStep::kNone;  // step whose sum the line joined
  bool expenditure = false;                             // counted in expenditure
  std::optional<EnrollmentType> expenditure_type;
  std::string attribution_note;  // why it did or did not count for attribution
  std::string expenditure_note;  // why it did or did not count for expenditure
};

// What decided a member's figures, for explain and the provider API (filled only when asked
// for: EvaluateMember's `trace`).
struct MemberTrace {
  // False: only the risk-score trail and the measure results are recorded (the member detail
  // of `vbp settle --members`), not one LineDecision per claim line.
  bool record_lines = true;
  std::vector<LineDecision> lines;
  // The CMS-HCC trail (segment, HCCs kept and dropped with the HCC that dropped them,
  // factors) when the rules computed the member's risk score (risk_score_source
  // record_else_hcc without a recorded score); empty when the score came from the member record
  // or was computed by the caller.
  std::optional<hcc::RiskScoreResult> risk_score;
  // Per-measure results (status, reason, evidence with claim ids and lines) when the contract
  // scores quality from the measures (quality_source "measures").
  std::optional<quality::MemberMeasureResult> measures;
};

struct MemberOutcome {
  MemberId member_id;
  int performance_year = 0;

  // SPEC §3.1: the enrollment type of each eligible PY month (index 0 = January).
  std::array<std::optional<EnrollmentType>, 12> month_type{};
  PerEnrollmentType<int32_t> months{};
  int32_t eligible_months = 0;
  std::string exclusion;  // "medicare_advantage covers 2025-03-01" when excluded

  // SPEC §3.3
  AttributionStep step = AttributionStep::kNone;
  std::optional<Unit> winner;
  std::optional<ContractId> contract;  // set when attributed to a contract
  Unattributed unattributed = Unattributed::kNoQualifyingService;
  std::string
      decided_by;  // "largest allowed", "tie: most recent service", "tie: smallest unit id", ...
  std::vector<UnitTally> step1;           // ranked, winner first
  std::vector<UnitTally> step2;           // ranked; filled only when step 1 had no service
  std::vector<std::string> unknown_npis;  // NPIs with no roster record, on counted lines

  // SPEC §3.4, per enrollment type: paid in eligible months, and the truncated amount in
  // micro-dollars × 12 (min(expenditure × 12, threshold × months)), exact and additive.
  PerEnrollmentType<Money> expenditure{};
  PerEnrollmentType<Int128> truncated_x12{};

  // SPEC §3.5 and §3.9
  std::optional<Rational> risk_score;
  bool risk_score_computed = false;  // true when it came from claims (HCC), not the record
  Money pmpm_rate;
  Money pmpm_total;  // rate × eligible months

  // SPEC §3.10, when quality_source is "measures": the member's measure tallies (added to its
  // contract's) and care gaps (for providers' gap lists).
  std::map<std::string, quality::MeasureTally> measure_tallies;
  std::vector<quality::CareGap> care_gaps;

  bool attributed() const { return contract.has_value(); }
  Money ExpenditureTotal() const;
  // Σ_type truncated, as an exact dollar value.
  Rational TruncatedTotal() const;
};

// Evaluates one member for one performance year. `member` may be null (claims without a
// member record). `claims` are the member's effective, non-void claim versions, in any order
// (the result does not depend on it).
// `computed_risk_score` is used when the member record has no score for the year; without it,
// and with risk_score_source "record_else_hcc", a CMS-HCC score is computed from the claims
// that `ctx.paid_cutoff()` counts. A caller that passes a score must have computed it from
// the same claim versions (ComputeRiskScore with ctx.paid_cutoff()).
MemberOutcome EvaluateMember(const MemberId& member_id, const Member* member,
                             std::span<const ClaimView> claims, const EvaluationContext& ctx,
                             const std::optional<Rational>& computed_risk_score = std::nullopt,
                             MemberTrace* trace = nullptr);

}  // namespace vbp::rules
