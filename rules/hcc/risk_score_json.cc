#include "rules/hcc/risk_score_json.h"

namespace vbp::rules::hcc {

using nlohmann::json;

std::string ExactText(const Rational& r) {
  auto s = ExactDecimalString(r);
  if (s.ok()) return *s;
  return boost::multiprecision::numerator(r).str() + "/" +
         boost::multiprecision::denominator(r).str();
}

json RiskScoreToJson(const RiskScoreResult& r) {
  json j;
  j["payment_year"] = r.payment_year;
  j["collection_period"] = {r.collection_period.first.ToString(),
                            r.collection_period.last.ToString()};
  j["cpt_list_year"] = r.cpt_list_year;
  j["scored"] = r.scored;
  if (!r.scored) j["not_scored_reason"] = r.not_scored_reason;
  const RiskProfile& p = r.profile;
  j["profile"] = {{"sex", SexName(p.sex)},
                  {"age", p.age},
                  {"age_date", p.age_date.ToString()},
                  {"esrd", p.esrd},
                  {"institutional", p.institutional},
                  {"originally_disabled", p.originally_disabled},
                  {"new_enrollee", p.new_enrollee},
                  {"collection_months_covered", p.collection_months_covered},
                  {"dual", DualStatusName(p.dual)},
                  {"coverage_basis", p.coverage_basis}};
  if (r.scored) {
    j["score"] = ExactText(r.score);
    j["score_exact"] = ExactText(r.score_exact);
    j["blended"] = ExactText(r.blended);
  }
  j["models"] = json::array();
  for (const ModelScore& m : r.models) {
    json mj = {{"model", ModelVersionName(m.model)},
               {"segment", SegmentName(m.segment)},
               {"segment_description", SegmentDescription(m.segment)},
               {"age_group", m.age_group},
               {"weight", ExactText(m.weight)},
               {"raw", ExactText(m.raw)},
               {"normalization", ExactText(m.normalization)},
               {"normalized", ExactText(m.normalized)},
               {"payment_hcc_count", m.payment_hcc_count}};
    mj["hccs"] = json::array();
    for (const HccDecision& h : m.hccs) {
      json hj = {{"hcc", h.hcc}, {"label", h.label}, {"kept", h.kept}, {"diagnoses", h.diagnoses}};
      if (h.trumped_by) hj["trumped_by"] = *h.trumped_by;
      mj["hccs"].push_back(hj);
    }
    mj["factors"] = json::array();
    for (const Factor& f : m.factors) {
      mj["factors"].push_back({{"kind", FactorKindName(f.kind)},
                               {"name", f.name},
                               {"description", f.description},
                               {"coefficient", ExactText(f.coefficient)}});
    }
    j["models"].push_back(mj);
  }
  j["diagnoses"] = json::array();
  for (const DiagnosisUse& d : r.diagnoses) {
    j["diagnoses"].push_back({{"code", d.code},
                              {"claim_id", d.claim_id},
                              {"line", d.line},
                              {"date", d.date.ToString()},
                              {"claims", d.claims},
                              {"hccs_v24", d.hccs_v24},
                              {"hccs_v28", d.hccs_v28}});
  }
  j["ignored_diagnoses"] = json::array();
  for (const IgnoredDiagnosis& d : r.ignored) {
    j["ignored_diagnoses"].push_back(
        {{"code", d.code}, {"claim_id", d.claim_id}, {"reason", d.reason}});
  }
  j["eligible_claims"] = r.eligible_claims;
  j["ineligible_claims"] = r.ineligible_claims;
  j["notes"] = r.notes;
  return j;
}

}  // namespace vbp::rules::hcc
