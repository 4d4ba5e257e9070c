#include "engine/core/statement_json.h"

#include "rules/hcc/risk_score_json.h"
#include "rules/quality/quality_json.h"

namespace vbp {

using nlohmann::ordered_json;

std::string MoneyText(const Rational& exact) { return Cents::RoundHalfEven(exact).ToString(); }
std::string RateText(const Rational& exact) { return FormatHalfEven(exact, kRateDecimals); }

namespace {

ordered_json TypeJson(const rules::TypeFigures& f, const Money& pbpy) {
  ordered_json j;
  j["months"] = f.months;
  j["person_years"] = RateText(f.person_years);
  j["scored_months"] = f.scored_months;
  j["mean_risk_score"] = RateText(f.mean_risk_score.value_or(Rational(0)));
  j["risk_ratio"] = RateText(f.risk_ratio);
  j["benchmark_pbpy"] = MoneyText(pbpy.ToExact());
  j["benchmark"] = MoneyText(f.benchmark);
  j["expenditure_paid"] = MoneyText(f.expenditure_raw);
  j["expenditure_truncated"] = MoneyText(f.expenditure_truncated);
  return j;
}

}  // namespace

ordered_json DataQualityJson(const rules::DataQualityTally& q) {
  ordered_json j;
  j["rejected_claim_records"] = q.rejected_claim_records;
  j["rejected_paid_total"] = MoneyText(Money::FromMicros(q.rejected_paid_micros).ToExact());
  j["superseded_claim_records"] = q.superseded_claim_records;
  ordered_json warnings;
  for (size_t f = 0; f < kCodeFieldCount; ++f) {
    warnings[CodeFieldName(static_cast<CodeField>(f))] = q.code_warnings[f];
  }
  j["code_warnings"] = warnings;
  j["claims_of_unknown_members"] = q.unknown_member_claims;
  j["claims_of_unknown_members_paid_total"] =
      MoneyText(Money::FromMicros(q.unknown_member_paid_micros).ToExact());
  j["unknown_rendering_npis"] = static_cast<int64_t>(q.unknown_npis.size());
  j["members_with_overlapping_coverage"] = q.members_with_overlapping_coverage;
  j["overlapping_coverage_months"] = q.overlapping_coverage_months;
  return j;
}

ordered_json StatementJson(const rules::StatementFigures& s, int64_t revision,
                           const std::vector<Tin>& tins) {
  ordered_json j;
  j["schema"] = "vbp.statement/1";
  j["contract_id"] = s.contract_id.str();
  j["performance_year"] = s.performance_year;
  j["revision"] = revision;
  j["as_of"] = s.as_of.ToString();
  j["rule_set"] = s.rule_set;
  j["rules_hash"] = s.rules_hash;
  j["parameters_hash"] = s.parameters_hash;
  j["assigned_members"] = s.assigned_members;
  j["person_years"] = RateText(s.person_years);
  j["benchmark_total"] = s.benchmark_total_cents.ToString();
  j["expenditure_total"] = s.expenditure_total_cents.ToString();
  j["gross_savings"] = s.gross_savings_cents.ToString();
  j["savings_rate"] = RateText(s.savings_rate);
  j["msr"] = RateText(s.msr);
  j["mlr"] = RateText(s.mlr);
  j["quality_score"] = RateText(s.quality_score);
  j["final_sharing_rate"] = RateText(s.final_sharing_rate);
  j["shared_savings"] = s.shared_savings_cents.ToString();
  j["shared_losses"] = s.shared_losses_cents.ToString();
  j["pmpm_total"] = s.pmpm_total_cents.ToString();
  j["net_payment"] = s.net_payment_cents.ToString();
  j["data_quality"] = DataQualityJson(s.data_quality);

  ordered_json d;
  d["outcome"] = rules::OutcomeName(s.outcome);
  ordered_json steps;
  steps["0"] = s.members_by_step[0];
  steps["1"] = s.members_by_step[1];
  steps["2"] = s.members_by_step[2];
  d["members_by_step"] = steps;
  ordered_json tin_list = ordered_json::array();
  for (const Tin& t : tins) tin_list.push_back(t.str());
  d["tins"] = tin_list;
  d["runout_cutoff"] = s.runout_cutoff.ToString();
  d["completion_factor"] = RateText(s.completion_factor);
  d["expenditure_truncated_before_completion"] =
      MoneyText(s.completion_factor == 0 ? Rational(0) : s.expenditure_total / s.completion_factor);
  d["savings_cap_amount"] = MoneyText(s.savings_cap_amount);
  d["loss_rate"] = RateText(s.loss_rate);
  d["loss_cap_amount"] = MoneyText(s.loss_cap_amount);
  ordered_json types;
  for (int t = 0; t < kEnrollmentTypeCount; ++t) {
    types[EnrollmentTypeName(static_cast<EnrollmentType>(t))] =
        TypeJson(s.by_type[static_cast<size_t>(t)], s.benchmark_pbpy[static_cast<size_t>(t)]);
  }
  d["by_enrollment_type"] = types;
  d["quality_source"] = s.quality_source;
  if (s.quality)
    d["quality"] = ordered_json::parse(rules::quality::QualityScoreToJson(*s.quality).dump());
  j["detail"] = d;
  return j;
}

ordered_json MemberOutcomeJson(const rules::MemberOutcome& m,
                               const std::vector<std::string>& contracts_evaluated,
                               const rules::MemberTrace* trace) {
  ordered_json j;
  j["member_id"] = m.member_id.str();
  j["performance_year"] = m.performance_year;
  j["contract_id"] = m.contract ? ordered_json(m.contract->str()) : ordered_json(nullptr);
  j["status"] = rules::UnattributedName(m.unattributed);
  // The step that attributed the member (null when not attributed); unit_step is the step at
  // which the winning unit was decided, also for members won by a unit outside every contract.
  const ordered_json step_json = m.step == rules::AttributionStep::kNone
                                     ? ordered_json(nullptr)
                                     : ordered_json(static_cast<int>(m.step));
  j["step"] = m.attributed() ? step_json : ordered_json(nullptr);
  j["unit_step"] = m.winner ? step_json : ordered_json(nullptr);
  j["unit"] = m.winner ? ordered_json(m.winner->ToString()) : ordered_json(nullptr);
  j["decided_by"] = m.decided_by;
  if (!m.exclusion.empty()) j["exclusion"] = m.exclusion;
  j["eligible_months"] = m.eligible_months;
  ordered_json months;
  ordered_json spend;
  for (int t = 0; t < kEnrollmentTypeCount; ++t) {
    const char* name = EnrollmentTypeName(static_cast<EnrollmentType>(t));
    months[name] = m.months[static_cast<size_t>(t)];
    spend[name] = m.expenditure[static_cast<size_t>(t)].ToString();
  }
  j["months"] = months;
  auto tallies = [](const std::vector<rules::UnitTally>& v) {
    ordered_json a = ordered_json::array();
    for (const auto& t : v) {
      ordered_json u;
      u["unit"] = t.unit.ToString();
      u["allowed"] = t.allowed.ToString();
      u["last_service"] = t.last_service.ToString();
      u["lines"] = t.lines;
      a.push_back(u);
    }
    return a;
  };
  j["step1_allowed_by_unit"] = tallies(m.step1);
  j["step2_allowed_by_unit"] = tallies(m.step2);
  j["expenditure_paid"] = spend;
  j["expenditure_total"] = m.ExpenditureTotal().ToString();
  j["expenditure_truncated"] = FormatHalfEven(m.TruncatedTotal(), 6);
  j["risk_score"] =
      m.risk_score ? ordered_json(FormatHalfEven(*m.risk_score, 6)) : ordered_json(nullptr);
  if (m.risk_score_computed) j["risk_score_source"] = "computed";
  if (trace && trace->risk_score) {
    j["risk_score_trail"] = rules::hcc::RiskScoreToJson(*trace->risk_score);
  }
  j["pmpm_rate"] = m.pmpm_rate.ToString();
  j["pmpm_total"] = m.attributed() ? m.pmpm_total.ToString() : std::string("0.00");
  ordered_json unknown = ordered_json::array();
  for (const auto& n : m.unknown_npis) unknown.push_back(n);
  j["unknown_npis"] = unknown;
  if (!m.care_gaps.empty()) {
    ordered_json gaps = ordered_json::array();
    for (const auto& g : m.care_gaps)
      gaps.push_back({{"measure", g.measure_id}, {"gap", g.description}});
    j["care_gaps"] = gaps;
  }
  if (trace && trace->measures) {
    j["quality_measures"] = rules::quality::MemberMeasuresToJson(*trace->measures);
  }
  // Contracts whose member-level parameters differ evaluate a member separately (one line per
  // evaluation group); a line counts toward contract_id only when it is in this list.
  j["contracts_evaluated"] = contracts_evaluated;
  return j;
}

ordered_json RejectJson(const Reject& r) {
  ordered_json j;
  j["source"] = r.source.ToString();
  j["kind"] = r.kind ? ordered_json(RecordKindName(*r.kind)) : ordered_json(nullptr);
  j["key"] = r.key;
  j["field"] = r.field;
  j["reason"] = r.reason;
  j["record"] = r.record;
  return j;
}

ordered_json CountsJson(const RunCounts& c) {
  ordered_json j;
  auto kind = [](const KindCounts& k) {
    ordered_json o;
    o["read"] = k.read;
    o["applied"] = k.applied;
    o["superseded"] = k.superseded;
    o["rejected"] = k.rejected;
    return o;
  };
  j["claims"] = kind(c.claims);
  j["members"] = kind(c.members);
  j["providers"] = kind(c.providers);
  j["contracts"] = kind(c.contracts);
  j["claim_lines_read"] = c.claim_lines_read;
  j["claim_duplicates"] = c.duplicates;
  j["claim_stale_versions"] = c.stale;
  j["claim_conflicts"] = c.conflicts;
  j["balanced"] = c.Balanced();
  return j;
}

}  // namespace vbp
