#include "rules/quality/quality_json.h"

namespace vbp::rules::quality {

using nlohmann::json;

namespace {

std::string ExactText(const Rational& r) {
  auto s = ExactDecimalString(r);
  if (s.ok()) return *s;
  return boost::multiprecision::numerator(r).str() + "/" +
         boost::multiprecision::denominator(r).str();
}

json TallyJson(const MeasureTally& t) {
  return {{"denominator", t.denominator},
          {"exclusions", t.exclusions},
          {"numerator", t.numerator},
          {"rate", t.Rate() ? json(ExactText(*t.Rate())) : json(nullptr)}};
}

}  // namespace

json MemberMeasuresToJson(const MemberMeasureResult& r) {
  json j;
  j["member_id"] = r.member_id.str();
  j["performance_year"] = r.performance_year;
  j["measures"] = json::array();
  for (const MeasureOutcome& o : r.measures) {
    json oj = {{"measure_id", o.measure_id},
               {"status", MeasureStatusName(o.status)},
               {"reason", o.reason},
               {"gap", o.gap},
               {"tally", TallyJson(o.tally)}};
    oj["evidence"] = json::array();
    for (const Evidence& e : o.evidence) {
      oj["evidence"].push_back({{"role", e.role},
                                {"claim_id", e.claim_id},
                                {"line", e.line},
                                {"date", e.date.ToString()},
                                {"code", e.code},
                                {"value_set", e.value_set}});
    }
    if (!o.stays.empty()) {
      oj["stays"] = json::array();
      for (const Stay& s : o.stays) {
        json sj = {{"claim_ids", s.claim_ids},
                   {"admission", s.admission.ToString()},
                   {"discharge", s.discharge.ToString()},
                   {"facility", s.facility},
                   {"discharge_status", s.discharge_status},
                   {"index", s.index},
                   {"excluded", s.excluded},
                   {"readmitted", s.readmitted},
                   {"readmission_planned", s.readmission_planned}};
        if (s.excluded) sj["exclusion"] = s.exclusion;
        if (s.readmission) sj["readmission_stay"] = *s.readmission;
        if (s.readmission_planned) sj["planned_reason"] = s.planned_reason;
        oj["stays"].push_back(sj);
      }
    }
    j["measures"].push_back(oj);
  }
  j["gaps"] = json::array();
  for (const CareGap& g : r.gaps) {
    j["gaps"].push_back({{"measure_id", g.measure_id}, {"description", g.description}});
  }
  j["paid_late_claims"] = r.paid_late_claims;
  return j;
}

json QualityScoreToJson(const QualityScore& q) {
  json j;
  j["q"] = q.q ? json(ExactText(*q.q)) : json(nullptr);
  j["scored_measures"] = q.scored_measures;
  j["scored_weight"] = ExactText(q.scored_weight);
  j["measures"] = json::array();
  for (const MeasureScore& m : q.measures) {
    j["measures"].push_back({{"measure_id", m.measure_id},
                             {"tally", TallyJson(m.tally)},
                             {"scored", m.scored},
                             {"points", ExactText(m.points)},
                             {"weight", ExactText(m.weight)},
                             {"reason", m.reason}});
  }
  return j;
}

}  // namespace vbp::rules::quality
