#include "rules/core/settlement.h"

#include <algorithm>

namespace vbp::rules {

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kSharedSavings:
      return "shared_savings";
    case Outcome::kBelowMsr:
      return "savings_below_msr";
    case Outcome::kNoSharingRate:
      return "savings_but_zero_sharing_rate";
    case Outcome::kSharedLosses:
      return "shared_losses";
    case Outcome::kWithinCorridor:
      return "losses_within_mlr";
    case Outcome::kLossesNotShared:
      return "losses_not_shared_one_sided";
  }
  return "?";
}

void ContractAggregate::Apply(const MemberOutcome& m, int sign) {
  VBP_CHECK(sign == 1 || sign == -1);
  VBP_CHECK(m.attributed());
  assigned_members += sign;
  members_by_step[static_cast<size_t>(m.step)] += sign;
  for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
    months[t] += sign * m.months[t];
    if (m.risk_score && m.months[t] > 0) {
      scored_months[t] += sign * m.months[t];
      score_months[t] += Rational(sign * m.months[t]) * *m.risk_score;
    }
    expenditure_micros[t] += sign * m.expenditure[t].micros();
    truncated_x12_micros[t] += sign * m.truncated_x12[t];
  }
  pmpm_micros += sign * m.pmpm_total.micros();
  for (const auto& [id, t] : m.measure_tallies) {
    if (sign > 0) {
      measures[id] += t;
    } else {
      measures[id] -= t;
    }
    if (measures[id] == quality::MeasureTally()) measures.erase(id);
  }
}

void ContractAggregate::Merge(const ContractAggregate& o, int sign) {
  VBP_CHECK(sign == 1 || sign == -1);
  assigned_members += sign * o.assigned_members;
  for (size_t s = 0; s < 3; ++s) members_by_step[s] += sign * o.members_by_step[s];
  for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
    months[t] += sign * o.months[t];
    scored_months[t] += sign * o.scored_months[t];
    score_months[t] += Rational(sign) * o.score_months[t];
    expenditure_micros[t] += sign * o.expenditure_micros[t];
    truncated_x12_micros[t] += sign * o.truncated_x12_micros[t];
  }
  pmpm_micros += sign * o.pmpm_micros;
  for (const auto& [id, t] : o.measures) {
    if (sign > 0) {
      measures[id] += t;
    } else {
      measures[id] -= t;
    }
    if (measures[id] == quality::MeasureTally()) measures.erase(id);
  }
  data_quality.Merge(o.data_quality, sign);
}

bool ContractAggregate::operator==(const ContractAggregate& o) const {
  return assigned_members == o.assigned_members && members_by_step == o.members_by_step &&
         months == o.months && scored_months == o.scored_months && score_months == o.score_months &&
         expenditure_micros == o.expenditure_micros &&
         truncated_x12_micros == o.truncated_x12_micros && pmpm_micros == o.pmpm_micros &&
         measures == o.measures && data_quality == o.data_quality;
}

StatementFigures SettleContract(const ContractIdentity& id, const ContractAggregate& agg,
                                const Parameters& p) {
  StatementFigures s;
  s.contract_id = id.contract_id;
  s.performance_year = id.performance_year;
  s.rule_set = id.rule_set;
  s.rules_hash = id.rules_hash;
  s.parameters_hash = id.parameters_hash;
  s.as_of = id.as_of;
  s.runout_cutoff = p.RunoutCutoff(id.performance_year);
  s.assigned_members = agg.assigned_members;
  s.members_by_step = agg.members_by_step;
  s.data_quality = agg.data_quality;
  s.completion_factor = p.completion_factor;
  s.benchmark_pbpy = p.benchmark_pbpy;

  const Rational micros = Rational(BigInt(Money::kMicrosPerDollar));
  Rational truncated_total = 0;
  int64_t total_months = 0;
  for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
    TypeFigures& f = s.by_type[t];
    f.months = agg.months[t];
    total_months += f.months;
    f.person_years = Rational(f.months, 12);
    f.scored_months = agg.scored_months[t];
    // SPEC §3.5: risk_ratio = min(1 + risk_cap, mean score / baseline); 1 without scores.
    if (f.scored_months > 0) {
      f.mean_risk_score = agg.score_months[t] / Rational(f.scored_months);
      f.risk_ratio = std::min(Rational(1) + p.risk_cap, *f.mean_risk_score / p.baseline_risk[t]);
    } else {
      f.risk_ratio = 1;
    }
    f.benchmark = p.benchmark_pbpy[t].ToExact() * f.risk_ratio * f.person_years;
    f.expenditure_raw = Rational(BigInt(agg.expenditure_micros[t])) / micros;
    f.expenditure_truncated = Rational(BigInt(agg.truncated_x12_micros[t])) / (micros * 12);
    s.benchmark_total += f.benchmark;
    truncated_total += f.expenditure_truncated;
  }
  s.person_years = Rational(total_months, 12);
  // SPEC §3.4: contract expenditure = Σ truncated × completion factor.
  s.expenditure_total = truncated_total * p.completion_factor;
  // SPEC §3.6. A zero benchmark (no person-years) has a savings rate of 0 by convention.
  s.gross_savings = s.benchmark_total - s.expenditure_total;
  s.savings_rate = s.benchmark_total != 0 ? s.gross_savings / s.benchmark_total : Rational(0);
  s.msr = p.msr.Evaluate(s.assigned_members);
  const bool two_sided = p.risk_model == RiskModel::kTwoSided;
  s.mlr = two_sided ? p.mlr.Evaluate(s.assigned_members) : Rational(0);
  // SPEC §3.7. Precedence (rules/README.md decision 16): the contract's own quality_score,
  // else the §3.10 measures' q when configured and it exists, else the rule set's
  // quality_score. The measures are scored and shown in every case.
  s.quality_score = p.quality_score;
  s.quality_source = p.quality_score_from_contract ? "contract" : "rule_set";
  if (p.quality_source == QualitySource::kMeasures && p.scoring_params) {
    s.quality = quality::ScoreContract(agg.measures, *p.scoring_params);
    if (s.quality->q && !p.quality_score_from_contract) {
      s.quality_score = *s.quality->q;
      s.quality_source = "measures";
    }
  }
  if (p.quality_mode == QualityMode::kMultiplier) {
    s.final_sharing_rate = p.max_sharing_rate * s.quality_score;
  } else {
    s.final_sharing_rate =
        s.quality_score >= p.quality_threshold ? p.max_sharing_rate : Rational(0);
  }
  // SPEC §3.8.
  s.savings_cap_amount = p.savings_cap * s.benchmark_total;
  s.loss_cap_amount = two_sided ? p.loss_cap * s.benchmark_total : Rational(0);
  if (two_sided) {
    s.loss_rate = p.loss_rate ? *p.loss_rate
                              : std::clamp(Rational(1) - s.final_sharing_rate, p.min_loss_rate,
                                           p.max_loss_rate);
  }
  if (s.savings_rate >= s.msr && s.final_sharing_rate > 0 && s.gross_savings >= 0) {
    s.outcome = Outcome::kSharedSavings;
    s.shared_savings = std::min(s.gross_savings * s.final_sharing_rate, s.savings_cap_amount) *
                       (Rational(1) - p.payment_reduction);
  } else if (s.savings_rate >= s.msr && s.gross_savings > 0) {
    s.outcome = Outcome::kNoSharingRate;
  } else if (two_sided && s.savings_rate <= -s.mlr && s.gross_savings <= 0) {
    s.outcome = Outcome::kSharedLosses;
    s.shared_losses = std::min(-s.gross_savings * s.loss_rate, s.loss_cap_amount);
  } else if (s.gross_savings >= 0) {
    s.outcome = Outcome::kBelowMsr;
  } else {
    s.outcome = two_sided ? Outcome::kWithinCorridor : Outcome::kLossesNotShared;
  }
  s.pmpm_total = Rational(BigInt(agg.pmpm_micros)) / micros;

  // SPEC §4: each money figure rounded once from its exact value; net from rounded figures.
  s.benchmark_total_cents = Cents::RoundHalfEven(s.benchmark_total);
  s.expenditure_total_cents = Cents::RoundHalfEven(s.expenditure_total);
  s.gross_savings_cents = Cents::RoundHalfEven(s.gross_savings);
  s.shared_savings_cents = Cents::RoundHalfEven(s.shared_savings);
  s.shared_losses_cents = Cents::RoundHalfEven(s.shared_losses);
  s.pmpm_total_cents = Cents::RoundHalfEven(s.pmpm_total);
  s.net_payment_cents = s.shared_savings_cents - s.shared_losses_cents + s.pmpm_total_cents;
  return s;
}

}  // namespace vbp::rules
