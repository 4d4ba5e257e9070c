#pragma once
// Rule sets and their parameters (SPEC §3: "every number is a parameter, not a constant").
//
// A rule set is versioned data (rules/sets/*.json): a name, a version and default values for
// every parameter below. A contract's `parameters` object overrides defaults key by key; an
// unknown key or an ill-typed value is an error that names the parameter and where it came
// from. See rules/README.md for each parameter's meaning, units and the reference values.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "domain/date.h"
#include "domain/decimal.h"
#include "domain/records.h"
#include "domain/status.h"
#include "rules/hcc/risk_score.h"
#include "rules/quality/scoring.h"

namespace vbp::rules {

// A band of a minimum savings / loss rate table (SPEC §3.6): N in [lo, hi] interpolates
// linearly from r_lo to r_hi; a band without hi is flat at r_lo.
struct RateBand {
  int64_t lo = 0;
  std::optional<int64_t> hi;
  Rational r_lo;
  Rational r_hi;
};

// Either a fixed rate or a band table by number of assigned members.
struct RateSchedule {
  std::optional<Rational> fixed;
  std::vector<RateBand> bands;  // sorted by lo, non-overlapping except shared edges
  // SPEC §3.6: bands inclusive at both ends (first listed wins on a shared edge); N below the
  // first band takes its r_lo; N above a closed last band its r_hi; N in a gap between bands
  // takes the r_hi of the band below.
  Rational Evaluate(int64_t n) const;
};

struct PosExclusion {
  std::set<std::string, std::less<>> pos;
  std::set<std::string, std::less<>> codes;
};

struct PmpmTier {
  Rational min_risk_score;  // inclusive lower bound
  Money pmpm;
};

enum class QualityMode { kMultiplier, kGate };
// Where a member's PY risk score comes from (SPEC §3.5, §3.9): the member record only, or the
// record else a CMS-HCC score computed from claims (rules/hcc).
enum class RiskScoreSource { kRecord, kRecordElseHcc };
// Where q comes from (SPEC §3.7): the quality_score parameter, or the claims-based measures
// (SPEC §3.10, rules/quality) scored by quality_scoring (the parameter when nothing scores).
enum class QualitySource { kParameter, kMeasures };
enum class RiskModel { kOneSided, kTwoSided };

// The window whose services count for attribution (SPEC §3.2).
struct AssignmentWindow {
  enum class Kind { kPerformanceYear, kDates, kOffset };
  Kind kind = Kind::kPerformanceYear;
  Date from;                    // kDates
  Date through;                 // kDates
  int start_offset_months = 0;  // kOffset: window starts at PY start + offset (e.g. -12)
  int months = 12;              // kOffset
  DateRange Resolve(int performance_year) const;
};

struct Parameters {
  // --- Member-level parameters (change who is attributed and each member's figures) ---
  std::set<std::string> eligible_programs;
  std::set<std::string> excluded_programs;
  std::set<std::string, std::less<>> primary_care_codes;
  std::vector<PosExclusion> exclude_in_pos;
  AssignmentWindow assignment_window;
  int runout_months = 3;
  std::optional<Date> runout_cutoff;  // overrides runout_months when set
  PerEnrollmentType<Money> truncation_threshold{};
  std::vector<PmpmTier> pmpm_tiers;  // sorted by min_risk_score, first at 0
  Money pmpm_unscored;
  RiskScoreSource risk_score_source = RiskScoreSource::kRecord;
  nlohmann::json hcc_model;  // null: CMS defaults of the PY; else rules/hcc overrides
  QualitySource quality_source = QualitySource::kParameter;

  // --- Contract-level parameters ---
  Rational completion_factor = 1;
  PerEnrollmentType<Money> benchmark_pbpy{};
  PerEnrollmentType<Rational> baseline_risk{1, 1, 1, 1};
  Rational risk_cap = 0;
  RiskModel risk_model = RiskModel::kOneSided;
  RateSchedule msr;
  RateSchedule mlr;
  Rational quality_score = 1;
  // True when the contract's own `parameters` set quality_score: a negotiated q, which the
  // measures' composite does not replace (rules/README.md, decision 16).
  bool quality_score_from_contract = false;
  QualityMode quality_mode = QualityMode::kMultiplier;
  Rational quality_threshold = 0;
  Rational max_sharing_rate = 0;
  Rational savings_cap = 0;
  Rational payment_reduction = 0;
  std::optional<Rational> loss_rate;  // fixed loss rate; unset: clamp(1 - final, min, max)
  Rational min_loss_rate = 0;
  Rational max_loss_rate = 1;
  Rational loss_cap = 0;
  nlohmann::json quality_scoring;  // rules/quality scoring parameters (quality_source measures)

  // Resolved for the contract's performance year by ResolveForYear().
  std::optional<hcc::RiskModelParams> hcc_params;
  std::optional<quality::ScoringParams> scoring_params;
  // Parses hcc_model and quality_scoring for `performance_year` when their source is used;
  // errors name the parameter.
  Status ResolveForYear(int performance_year, const std::string& origin);

  // Last day a claim may be paid to count (SPEC §3.4): runout_cutoff, or the last day of the
  // month runout_months after the PY's December.
  Date RunoutCutoff(int performance_year) const;
  bool IsPrimaryCareCode(std::string_view hcpcs) const;
  // True when a line with this code at this place of service does not count (SPEC §3.2).
  bool ExcludedAtPos(std::string_view hcpcs, std::string_view pos) const;
  // The fee for a member's risk score (SPEC §3.9); unscored members pay pmpm_unscored.
  Money PmpmFor(const std::optional<Rational>& risk_score) const;
};

// The names of every parameter, in documentation order.
const std::vector<std::string>& ParameterNames();
// Parameters that change a member's evaluation (eligibility, attribution, expenditure, fee);
// contracts whose merged values of these agree share one evaluation per member.
const std::vector<std::string>& MemberLevelParameterNames();

// A loaded rule set: its identity, its canonical JSON, and the parsed defaults.
class RuleSet {
 public:
  // Parses a rule set document; every parameter must be present and well-typed.
  static Result<RuleSet> FromJson(const nlohmann::json& doc, const std::string& origin);
  static Result<RuleSet> FromText(std::string_view text, const std::string& origin);

  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  std::string id() const { return name_ + "@" + version_; }
  // "sha256:<hex>" of the canonical JSON (sorted keys, no whitespace).
  const std::string& hash() const { return hash_; }
  const nlohmann::json& document() const { return doc_; }
  const nlohmann::json& default_parameters() const { return doc_.at("parameters"); }
  // The performance year the rule set is documented for (optional field `performance_year`):
  // advisory, it changes no figure and is left out of hash().
  std::optional<int> performance_year() const { return performance_year_; }
  // A warning line when the rule set documents a performance year other than the contract's;
  // nullopt when it documents none or the same one.
  std::optional<std::string> YearWarning(std::string_view contract_id,
                                         int contract_performance_year) const;

  // Defaults with `overrides` applied key by key. `origin` names the overriding record in
  // errors ("contract C1 parameter 'msr': ...").
  Result<Parameters> Resolve(const nlohmann::json& overrides, const std::string& origin) const;
  // The merged parameter object (defaults + overrides) as canonical JSON, for hashing/explain.
  Result<nlohmann::json> Merge(const nlohmann::json& overrides, const std::string& origin) const;

 private:
  std::string name_;
  std::string version_;
  std::string hash_;
  nlohmann::json doc_;
  std::optional<int> performance_year_;
};

// Parses a complete, merged parameter object.
Result<Parameters> ParseParameters(const nlohmann::json& params, const std::string& origin);

// Canonical JSON text (sorted keys, no whitespace) and its "sha256:<hex>".
std::string CanonicalJson(const nlohmann::json& j);
std::string Sha256Hex(std::string_view bytes);

}  // namespace vbp::rules
