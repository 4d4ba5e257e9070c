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
                  {"entitled_by_age", p.entitled_by_age},
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
  j["paid_late_claims"] = r.paid_late_claims;
  j["notes"] = r.notes;
  return j;
}

namespace {

Result<Rational> DecimalOf(const json& v, const std::string& where) {
  if (v.is_string()) {
    auto d = ParseExactDecimal(v.get<std::string>());
    if (!d.ok()) return Status::Invalid(where + ": " + d.status().message());
    return d;
  }
  if (v.is_number_integer()) return Rational(BigInt(v.get<int64_t>()));
  return Status::Invalid(where + ": write decimals as strings (e.g. \"0.67\")");
}

// {"V24": d, "V28": d} into the two fields.
Status PerModel(const json& v, const std::string& where, Rational* v24, Rational* v28) {
  if (!v.is_object()) return Status::Invalid(where + ": expected {\"V24\": ..., \"V28\": ...}");
  for (auto it = v.begin(); it != v.end(); ++it) {
    Rational* field = it.key() == "V24" ? v24 : it.key() == "V28" ? v28 : nullptr;
    if (!field) return Status::Invalid(where + ": unknown model '" + it.key() + "'");
    auto d = DecimalOf(*it, where + "." + it.key());
    if (!d.ok()) return d.status();
    *field = *d;
  }
  return Status::Ok();
}

Result<RiskModelParams> ParseRiskImpl(const json& j, int payment_year, const std::string& origin) {
  RiskModelParams p = DefaultRiskModelParams(payment_year, nullptr);
  if (!j.is_object()) return Status::Invalid(origin + " risk model: expected an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const std::string where = origin + " risk model '" + k + "'";
    if (k == "weights") {
      VBP_RETURN_IF_ERROR(PerModel(*it, where, &p.weight_v24, &p.weight_v28));
    } else if (k == "normalization") {
      VBP_RETURN_IF_ERROR(PerModel(*it, where, &p.normalization_v24, &p.normalization_v28));
    } else if (k == "coding_adjustment") {
      auto d = DecimalOf(*it, where);
      if (!d.ok()) return d.status();
      p.coding_adjustment = *d;
    } else if (k == "round_decimals") {
      if (it->is_null()) {
        p.round_decimals = std::nullopt;
      } else if (it->is_number_integer()) {
        p.round_decimals = it->get<int>();
      } else {
        return Status::Invalid(where + ": expected an integer or null");
      }
    } else if (k == "collection") {
      if (*it == "prospective") {
        p.collection = CollectionKind::kProspective;
      } else if (*it == "concurrent") {
        p.collection = CollectionKind::kConcurrent;
      } else {
        return Status::Invalid(where + ": expected prospective or concurrent");
      }
    } else if (k == "collection_period") {
      if (!it->is_array() || it->size() != 2 || !(*it)[0].is_string() || !(*it)[1].is_string()) {
        return Status::Invalid(where + ": expected [\"YYYY-MM-DD\", \"YYYY-MM-DD\"]");
      }
      auto a = Date::Parse((*it)[0].get<std::string>());
      auto b = Date::Parse((*it)[1].get<std::string>());
      if (!a.ok() || !b.ok()) return Status::Invalid(where + ": invalid date");
      p.collection_period = DateRange{*a, *b};
    } else if (k == "cpt_list_year") {
      if (!it->is_number_integer()) return Status::Invalid(where + ": expected a year");
      p.cpt_list_year = it->get<int>();
    } else if (k == "medicaid_dual_status") {
      if (*it == "full") {
        p.medicaid_dual_status = DualStatus::kFull;
      } else if (*it == "partial") {
        p.medicaid_dual_status = DualStatus::kPartial;
      } else {
        return Status::Invalid(where + ": expected full or partial");
      }
    } else {
      return Status::Invalid(where + ": unknown key");
    }
  }
  Status st = ValidateRiskModelParams(p);
  if (!st.ok()) return Status::Invalid(origin + ": " + st.message());
  return p;
}

}  // namespace

Result<RiskModelParams> ParseRiskModelParams(const json& j, int payment_year,
                                             const std::string& origin) {
  try {
    return ParseRiskImpl(j, payment_year, origin);
  } catch (const json::exception& e) {
    return Status::Invalid(origin + " risk model: " + e.what());
  }
}

}  // namespace vbp::rules::hcc
