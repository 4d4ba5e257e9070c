#include "engine/core/contract_plan.h"

#include <algorithm>
#include <map>

namespace vbp {

Reject ContractReject(const Contract& c, const Status& why) {
  Reject r;
  r.source = c.source;
  r.kind = RecordKind::kContract;
  r.key = c.contract_id.str();
  r.reason = why.message();
  // Point at the field: "... parameter 'msr': ..." -> parameters.msr; unknown rule set ->
  // rule_set.
  const std::string& m = why.message();
  size_t p = m.find("parameter '");
  if (p != std::string::npos) {
    size_t q = m.find('\'', p + 11);
    r.field = "parameters." + m.substr(p + 11, q - p - 11);
  } else if (m.find("rule set") != std::string::npos) {
    r.field = "rule_set";
  }
  return r;
}

Result<ResolvedContract> ResolveContract(const Contract& c, const RuleRegistry& registry,
                                         const rules::RuleSet* force_rule_set) {
  ResolvedContract rc;
  rc.record = c;
  rc.rule_set = force_rule_set ? force_rule_set : registry.Find(c.rule_set);
  if (!rc.rule_set) {
    std::string known;
    for (const auto& id : registry.Ids()) known += (known.empty() ? "" : ", ") + id;
    return Status::NotFound("unknown rule set '" + c.rule_set + "' (loaded: " + known +
                            "); load it with --rules FILE");
  }
  nlohmann::json overrides = nlohmann::json::parse(
      c.parameters_json.empty() ? std::string("{}") : c.parameters_json, nullptr, false);
  if (overrides.is_discarded()) return Status::Invalid("contract parameters are not valid JSON");
  std::string origin = "contract " + c.contract_id.str();
  auto merged = rc.rule_set->Merge(overrides, origin);
  if (!merged.ok()) return merged.status();
  auto params = rules::ParseParameters(*merged, origin);
  if (!params.ok()) return params.status();
  rc.params = std::move(params).value();
  // A quality_score of the contract's own is negotiated: the measures do not replace it.
  rc.params.quality_score_from_contract =
      overrides.is_object() && overrides.contains("quality_score");
  VBP_RETURN_IF_ERROR(rc.params.ResolveForYear(c.performance_year, origin));
  rc.merged_parameters = std::move(merged).value();
  rc.parameters_hash = "sha256:" + rules::Sha256Hex(rules::CanonicalJson(rc.merged_parameters));
  nlohmann::json member_level = nlohmann::json::object();
  for (const auto& name : rules::MemberLevelParameterNames()) {
    member_level[name] = rc.merged_parameters.at(name);
  }
  rc.member_level_key = rc.rule_set->hash() + "|" + rules::CanonicalJson(member_level);
  rc.year_warning = rc.rule_set->YearWarning(c.contract_id.str(), c.performance_year);
  return rc;
}

bool EvaluationGroup::Has(const ContractId& id) const {
  for (const auto* c : contracts) {
    if (c->record.contract_id == id) return true;
  }
  return false;
}

std::vector<YearPlan> BuildYearPlans(
    const std::vector<std::unique_ptr<ResolvedContract>>& contracts) {
  std::map<int, std::vector<const ResolvedContract*>> by_year;
  for (const auto& c : contracts) by_year[c->record.performance_year].push_back(c.get());
  std::vector<YearPlan> plans;
  for (auto& [year, list] : by_year) {
    std::sort(list.begin(), list.end(), [](const auto* a, const auto* b) {
      return a->record.contract_id < b->record.contract_id;
    });
    YearPlan plan;
    plan.year = year;
    std::vector<const Contract*> records;
    for (const auto* c : list) records.push_back(&c->record);
    plan.units = rules::UnitMap::Build(year, records, &plan.warnings);
    for (const auto* c : list) {
      if (c->year_warning) plan.warnings.push_back(*c->year_warning);
      // CMS-HCC defaults that are not CMS's for this year (no normalization factor shipped,
      // an unsupported blend): said once per contract, so nobody settles on them unawares.
      if (c->params.risk_score_source == rules::RiskScoreSource::kRecordElseHcc &&
          c->params.hcc_model.is_null()) {
        std::vector<std::string> notes;
        (void)rules::hcc::DefaultRiskModelParams(year, &notes);
        for (const auto& n : notes) {
          plan.warnings.push_back("contract " + c->record.contract_id.str() +
                                  ": CMS-HCC defaults: " + n +
                                  "; set hcc_model (rules/hcc/README.md) to use CMS's figures");
        }
      }
    }
    std::map<std::string, EvaluationGroup> groups;
    for (const auto* c : list) {
      EvaluationGroup& g = groups[c->member_level_key];
      g.key = c->member_level_key;
      if (!g.params) g.params = &c->params;
      g.contracts.push_back(c);
    }
    for (auto& [key, g] : groups) plan.groups.push_back(std::move(g));
    plans.push_back(std::move(plan));
  }
  return plans;
}

}  // namespace vbp
