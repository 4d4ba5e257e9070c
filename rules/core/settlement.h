#pragma once
// Contract figures (SPEC §3.4–§3.9) and the statement (SPEC §4).
//
// A contract's figures depend on its members only through ContractAggregate: additive,
// exact integer and rational sums. Aggregates from different partitions (or from the members
// recomputed after a batch) add and subtract exactly, so "contract figures are sums of
// per-partition parts" (SPEC §5) holds by construction.

#include <array>
#include <map>
#include <string>

#include "domain/decimal.h"
#include "domain/records.h"
#include "rules/core/data_quality.h"
#include "rules/core/member_evaluation.h"
#include "rules/core/parameters.h"
#include "rules/quality/scoring.h"

namespace vbp::rules {

struct ContractAggregate {
  int64_t assigned_members = 0;
  std::array<int64_t, 3> members_by_step{};  // steps 0, 1, 2
  PerEnrollmentType<int64_t> months{};
  PerEnrollmentType<int64_t> scored_months{};
  PerEnrollmentType<Rational> score_months{};  // Σ risk score × months, scored months only
  PerEnrollmentType<Int128> expenditure_micros{};
  PerEnrollmentType<Int128> truncated_x12_micros{};
  Int128 pmpm_micros = 0;
  std::map<std::string, quality::MeasureTally> measures;  // SPEC §3.10 tallies by measure id
  // SPEC §6: what the figures could be missing (members attributed here, claims billed
  // under the contract's TINs); reported on the statement, never part of a figure.
  DataQualityTally data_quality;

  // Adds (sign +1) or removes (sign -1) an attributed member's contribution (data quality is
  // added apart: rules/core/data_quality.h).
  void Apply(const MemberOutcome& m, int sign);
  // Adds (sign +1) or subtracts (sign -1) another aggregate.
  void Merge(const ContractAggregate& o, int sign = 1);
  bool IsZero() const { return *this == ContractAggregate(); }
  bool operator==(const ContractAggregate& o) const;
};

// Figures by enrollment type, for the statement's explanation.
struct TypeFigures {
  int64_t months = 0;
  Rational person_years;
  int64_t scored_months = 0;
  std::optional<Rational> mean_risk_score;
  Rational risk_ratio = 1;
  Rational benchmark;        // pbpy × risk ratio × person-years
  Rational expenditure_raw;  // before truncation and completion
  Rational expenditure_truncated;
};

enum class Outcome {
  kSharedSavings,    // savings_rate >= msr and final rate > 0
  kBelowMsr,         // savings but below the minimum savings rate
  kNoSharingRate,    // savings >= msr but the final sharing rate is 0 (quality)
  kSharedLosses,     // two-sided, savings_rate <= -mlr
  kWithinCorridor,   // two-sided, losses inside the minimum loss rate
  kLossesNotShared,  // one-sided, spending above benchmark
};
const char* OutcomeName(Outcome o);

struct StatementFigures {
  // Identity and provenance.
  ContractId contract_id;
  int performance_year = 0;
  std::string rule_set;         // name@version
  std::string rules_hash;       // sha256 of the rule set's canonical JSON
  std::string parameters_hash;  // sha256 of the merged parameters' canonical JSON
  Date as_of;
  Date runout_cutoff;

  // Exact figures (SPEC §3).
  int64_t assigned_members = 0;
  std::array<int64_t, 3> members_by_step{};
  Rational person_years;
  Rational benchmark_total;
  Rational expenditure_total;
  Rational gross_savings;
  Rational savings_rate;
  Rational msr;
  Rational mlr;
  Rational quality_score;
  Rational final_sharing_rate;
  Rational loss_rate;
  Rational shared_savings;
  Rational shared_losses;
  Rational pmpm_total;
  Rational savings_cap_amount;
  Rational loss_cap_amount;
  Rational completion_factor;
  Outcome outcome = Outcome::kBelowMsr;
  PerEnrollmentType<TypeFigures> by_type;
  PerEnrollmentType<Money> benchmark_pbpy{};

  // SPEC §4 money, rounded once half-to-even to cents; net from the rounded figures.
  Cents benchmark_total_cents;
  Cents expenditure_total_cents;
  Cents gross_savings_cents;
  Cents shared_savings_cents;
  Cents shared_losses_cents;
  Cents pmpm_total_cents;
  Cents net_payment_cents;

  // SPEC §3.10 when quality_source is "measures": rates, points and the composite.
  std::optional<quality::QualityScore> quality;
  // Where quality_score came from (statement detail.quality_source): "contract" (the
  // contract's own quality_score, which the measures never replace), "measures" (their
  // composite q) or "rule_set" (the rule set's quality_score: no measures configured, or
  // none scored and no q_when_none_scored).
  const char* quality_source = "rule_set";

  // SPEC §6: rejected and superseded records, code warnings, unknown members and NPIs.
  DataQualityTally data_quality;
};

struct ContractIdentity {
  ContractId contract_id;
  int performance_year = 0;
  std::string rule_set;
  std::string rules_hash;
  std::string parameters_hash;
  Date as_of;
};

// SPEC §3.4–§3.9 from the aggregate and the contract's resolved parameters.
StatementFigures SettleContract(const ContractIdentity& id, const ContractAggregate& agg,
                                const Parameters& p);

}  // namespace vbp::rules
