#include "connectors/ingest/generate/calibration.h"

#include <algorithm>

#include "connectors/ingest/generate/ndjson_writer.h"
#include "rules/core/settlement.h"

namespace vbp::generate {
namespace {

std::string CentsText(int64_t cents) {
  std::string s;
  json::AppendCents(s, cents);
  return s;
}

// A decimal with exactly `decimals` places from a value × 10^decimals.
std::string ScaledText(int64_t scaled, int decimals) {
  return FormatScaled(BigInt(scaled), decimals);
}

std::string CentsPlain(int64_t cents) { return FormatScaled(BigInt(cents), 2); }

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

std::string TiersJson(const ContractTerms& t) {
  std::string s = "[";
  for (size_t i = 0; i < t.pmpm_tiers.size(); ++i) {
    if (i) s += ",";
    // min_risk_score as the shortest exact decimal: 0, 1.5, 3
    const Rational r(BigInt(t.pmpm_tiers[i].min_risk_e4), BigInt(10000));
    s += "{\"min_risk_score\":" + Quoted(ExactDecimalString(r).value()) +
         ",\"pmpm\":" + CentsText(t.pmpm_tiers[i].pmpm_cents) + "}";
  }
  return s + "]";
}

// Quality scoring of the `below_msr` contract (rules/quality/README.md keys). The thresholds are
// ILLUSTRATIVE, not published benchmarks: five steps per measure around typical national
// levels (screening and blood-pressure control rates of roughly 55-75%, HbA1c > 9% or
// untested in roughly a fifth of diabetics, 30-day all-cause readmission around 15%); a
// measure with fewer than 20 eligible members or stays is reported, not scored.
constexpr const char* kMeasuresScoring =
    "{\"min_denominator\":20,\"max_points\":\"10\",\"measures\":{"
    "\"BCS\":{\"weight\":\"1\",\"steps\":[[\"0.45\",\"2\"],[\"0.55\",\"4\"],"
    "[\"0.65\",\"6\"],[\"0.72\",\"8\"],[\"0.80\",\"10\"]]},"
    "\"CBP\":{\"weight\":\"1\",\"steps\":[[\"0.45\",\"2\"],[\"0.55\",\"4\"],"
    "[\"0.63\",\"6\"],[\"0.70\",\"8\"],[\"0.78\",\"10\"]]},"
    "\"COL\":{\"weight\":\"1\",\"steps\":[[\"0.30\",\"2\"],[\"0.45\",\"4\"],"
    "[\"0.55\",\"6\"],[\"0.65\",\"8\"],[\"0.75\",\"10\"]]},"
    "\"HBA1C_POOR\":{\"weight\":\"1\",\"lower_is_better\":true,\"steps\":[[\"0.40\",\"2\"],"
    "[\"0.30\",\"4\"],[\"0.22\",\"6\"],[\"0.16\",\"8\"],[\"0.10\",\"10\"]]},"
    "\"READM30\":{\"weight\":\"1\",\"lower_is_better\":true,\"steps\":[[\"0.25\",\"2\"],"
    "[\"0.20\",\"4\"],[\"0.17\",\"6\"],[\"0.15\",\"8\"],[\"0.12\",\"10\"]]}}}";

const char* TypeName(size_t t) { return EnrollmentTypeName(static_cast<EnrollmentType>(t)); }

Rational CentsToDollars(const Rational& cents) { return cents / Rational(100); }

}  // namespace

int64_t ContractTerms::PmpmFor(int32_t risk_e4) const {
  if (risk_e4 < 0) return pmpm_unscored_cents;
  int64_t fee = pmpm_tiers.front().pmpm_cents;
  for (const auto& t : pmpm_tiers) {
    if (risk_e4 >= t.min_risk_e4) fee = t.pmpm_cents;
  }
  return fee;
}

std::vector<ContractTerms> DesignTerms(const World& w) {
  std::vector<ContractTerms> out;
  for (const auto& c : w.contracts) {
    ContractTerms t;
    switch (c.role) {
      case ContractRole::kAboveMsr:
        // One-sided, the reference MSR band table (3.9% .. 2.0% by size).
        t.pmpm_tiers = {{0, 800}, {15000, 1500}, {30000, 2500}};
        t.pmpm_unscored_cents = 1000;
        t.fixed = {{"max_sharing_rate", "\"0.50\""}, {"quality_score", "\"0.9250\""}};
        break;
      case ContractRole::kBelowMsr:
        // One-sided, reference MSR table: small savings stay below it, so q never changes
        // the money; with quality_measures it is scored from the claims-based measures (no
        // quality_score of its own), else negotiated.
        t.pmpm_tiers = {{0, 600}, {15000, 1200}, {30000, 2000}};
        t.pmpm_unscored_cents = 800;
        if (w.options.quality_measures) {
          t.fixed = {{"max_sharing_rate", "\"0.40\""},
                     {"quality_source", "\"measures\""},
                     {"quality_scoring", kMeasuresScoring}};
        } else {
          t.fixed = {{"max_sharing_rate", "\"0.40\""}, {"quality_score", "\"0.8800\""}};
        }
        break;
      case ContractRole::kTwoSidedLoss:
        t.pmpm_tiers = {{0, 1000}, {15000, 1800}, {30000, 3000}};
        t.pmpm_unscored_cents = 1200;
        t.fixed = {{"risk_model", "\"two_sided\""},
                   {"msr", "\"0.02\""},
                   {"mlr", "\"0.02\""},
                   {"max_sharing_rate", "\"0.75\""},
                   {"quality_score", "\"0.9000\""},
                   {"min_loss_rate", "\"0.40\""},
                   {"max_loss_rate", "\"0.75\""},
                   {"loss_cap", "\"0.15\""}};
        break;
    }
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::vector<CalibratedContract>> CalibrateContracts(
    const World& w, const std::vector<ContractTerms>& terms,
    const std::vector<ContractTally>& tallies, const ExpectationRules& rules,
    const rules::RuleSet& rule_set) {
  VBP_CHECK(terms.size() == w.contracts.size() && tallies.size() == w.contracts.size());
  // Structure by type: expected truncated spend per person-year over all contracts.
  std::array<Rational, kEnrollmentTypeCount> base;
  for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
    int64_t trunc_x12 = 0, months = 0;
    for (const auto& tl : tallies) {
      trunc_x12 += tl.truncated_x12_cents[t];
      months += tl.months[t];
    }
    base[t] = months > 0 && trunc_x12 > 0 ? Rational(BigInt(trunc_x12), BigInt(months))
                                          : Rational(BigInt(rules.default_benchmark_cents[t]));
  }
  auto defaults = rules::ParseParameters(rule_set.default_parameters(), "rule set");
  if (!defaults.ok()) return defaults.status();
  const Rational risk_cap = defaults->risk_cap;

  std::vector<CalibratedContract> out;
  for (size_t ci = 0; ci < w.contracts.size(); ++ci) {
    const ContractPlan& plan = w.contracts[ci];
    const ContractTally& tl = tallies[ci];
    const Rational target(BigInt(plan.target_savings_bp), BigInt(10000));

    // baseline_risk: the attributed mean score by type (1 when a type has no score).
    std::array<int64_t, kEnrollmentTypeCount> baseline_e4{};
    std::array<Rational, kEnrollmentTypeCount> ratio;
    for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
      baseline_e4[t] = 10000;
      ratio[t] = 1;
      if (tl.scored_months[t] > 0) {
        const Rational mean(BigInt(tl.score_months_e4[t]), BigInt(tl.scored_months[t]));
        baseline_e4[t] = std::max<int64_t>(
            1, static_cast<int64_t>(RoundHalfEvenScaled(mean, 0).convert_to<int64_t>()));
        ratio[t] = std::min(Rational(1) + risk_cap, mean / Rational(BigInt(baseline_e4[t])));
      }
    }
    // benchmark_pbpy = s × base with Σ pbpy × ratio × person-years = E / (1 - target).
    Rational expenditure = 0;  // cents
    Rational shape = 0;        // Σ base × ratio × person-years, cents
    for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
      expenditure += Rational(BigInt(tl.truncated_x12_cents[t]), BigInt(12));
      shape += base[t] * ratio[t] * Rational(BigInt(tl.months[t]), BigInt(12));
    }
    std::array<int64_t, kEnrollmentTypeCount> pbpy_cents{};
    const bool calibrated = shape > 0 && expenditure > 0;
    for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
      if (calibrated) {
        const Rational s = expenditure / (Rational(1) - target) / shape;
        pbpy_cents[t] = RoundHalfEvenScaled(s * base[t], 0).convert_to<int64_t>();
      } else {
        pbpy_cents[t] = rules.default_benchmark_cents[t];
      }
    }

    // The record, written by hand in a fixed key order.
    std::string params = "{\"benchmark_pbpy\":{";
    for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
      params += std::string(t ? "," : "") + "\"" + TypeName(t) + "\":" + CentsText(pbpy_cents[t]);
    }
    params += "},\"baseline_risk\":{";
    for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
      params += std::string(t ? "," : "") + "\"" + TypeName(t) +
                "\":" + Quoted(ScaledText(baseline_e4[t], 4));
    }
    params += "}";
    for (const auto& [k, v] : terms[ci].fixed) params += ",\"" + k + "\":" + v;
    params += ",\"pmpm_tiers\":" + TiersJson(terms[ci]);
    params += ",\"pmpm_unscored\":" + CentsText(terms[ci].pmpm_unscored_cents) + "}";

    std::string rec = "{\"schema\":\"vbp.contract/1\",\"contract_id\":";
    json::AppendString(rec, plan.contract_id);
    rec += ",\"performance_year\":" + std::to_string(w.options.year) + ",\"tins\":[";
    std::vector<std::string> tins;
    for (int g : plan.groups) tins.push_back(w.groups[static_cast<size_t>(g)].tin);
    std::sort(tins.begin(), tins.end());
    for (size_t i = 0; i < tins.size(); ++i) {
      if (i) rec += ",";
      json::AppendString(rec, tins[i]);
    }
    rec += "],\"rule_set\":";
    json::AppendString(rec, rule_set.id());
    rec += ",\"parameters\":" + params + "}";

    // Resolve what was written (catches a malformed override here, not in `vbp settle`).
    const auto doc = nlohmann::json::parse(rec, nullptr, false);
    if (doc.is_discarded()) return Status::Internal("contract record is not JSON: " + rec);
    auto params_parsed = rule_set.Resolve(doc.at("parameters"), "contract " + plan.contract_id);
    if (!params_parsed.ok()) {
      return Status::Internal("generated contract does not resolve: " +
                              params_parsed.status().message());
    }

    // The statement the methodology gives for the expected aggregate.
    rules::ContractAggregate agg;
    agg.assigned_members = tl.members;
    agg.members_by_step = tl.by_step;
    for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
      agg.months[t] = tl.months[t];
      agg.scored_months[t] = tl.scored_months[t];
      agg.score_months[t] = Rational(BigInt(tl.score_months_e4[t]), BigInt(10000));
      agg.expenditure_micros[t] = Int128(tl.expenditure_cents[t]) * Money::kMicrosPerCent;
      agg.truncated_x12_micros[t] = Int128(tl.truncated_x12_cents[t]) * Money::kMicrosPerCent;
    }
    agg.pmpm_micros = Int128(tl.pmpm_cents) * Money::kMicrosPerCent;
    rules::ContractIdentity id;
    id.contract_id = ContractId(plan.contract_id);
    id.performance_year = w.options.year;
    id.rule_set = rule_set.id();
    id.rules_hash = rule_set.hash();
    id.as_of = Date::FromDays(rules.runout_cutoff);
    const rules::StatementFigures s = rules::SettleContract(id, agg, *params_parsed);

    nlohmann::ordered_json m;
    m["contract_id"] = plan.contract_id;
    m["role"] = ContractRoleName(plan.role);
    m["tins"] = tins;
    m["target_savings_rate"] = ScaledText(plan.target_savings_bp, 4);
    m["calibrated"] = calibrated;
    // "measures": q comes from the claims-based measures, which this model does not evaluate;
    // the expected figures below do not depend on q (savings stay below the MSR).
    m["quality_source"] = plan.role == ContractRole::kBelowMsr && w.options.quality_measures
                              ? "measures"
                              : "contract";
    nlohmann::ordered_json x;
    x["assigned_members"] = s.assigned_members;
    x["members_by_step"] = {{"0", tl.by_step[0]}, {"1", tl.by_step[1]}, {"2", tl.by_step[2]}};
    x["person_years"] = FormatHalfEven(s.person_years, 6);
    x["benchmark_total"] = s.benchmark_total_cents.ToString();
    x["expenditure_total"] = s.expenditure_total_cents.ToString();
    x["gross_savings"] = s.gross_savings_cents.ToString();
    x["savings_rate"] = FormatHalfEven(s.savings_rate, 6);
    x["msr"] = FormatHalfEven(s.msr, 6);
    x["mlr"] = FormatHalfEven(s.mlr, 6);
    x["outcome"] = rules::OutcomeName(s.outcome);
    x["final_sharing_rate"] = FormatHalfEven(s.final_sharing_rate, 6);
    x["shared_savings"] = s.shared_savings_cents.ToString();
    x["shared_losses"] = s.shared_losses_cents.ToString();
    x["pmpm_total"] = s.pmpm_total_cents.ToString();
    x["net_payment"] = s.net_payment_cents.ToString();
    nlohmann::ordered_json by_type;
    for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
      by_type[TypeName(t)] = {
          {"months", tl.months[t]},
          {"scored_months", tl.scored_months[t]},
          {"expenditure", CentsPlain(tl.expenditure_cents[t])},
          {"expenditure_truncated",
           FormatHalfEven(CentsToDollars(Rational(BigInt(tl.truncated_x12_cents[t]), BigInt(12))),
                          2)},
      };
    }
    x["by_type"] = by_type;
    m["expected"] = x;
    out.push_back({std::move(rec), std::move(m)});
  }
  return out;
}

}  // namespace vbp::generate
