#include "engine/core/rule_registry.h"

#include "rules/core/embedded_rule_sets.h"

namespace vbp {

RuleRegistry RuleRegistry::Shipped() {
  RuleRegistry r;
  for (const auto& [id, rs] : rules::ShippedRuleSets()) r.sets_.emplace(id, rs);
  return r;
}

Status RuleRegistry::AddText(std::string_view text, const std::string& origin, bool* replaced) {
  auto rs = rules::RuleSet::FromText(text, origin);
  if (!rs.ok()) return rs.status();
  std::string id = rs->id();
  auto f = sets_.find(id);
  if (replaced) *replaced = f != sets_.end() && f->second.hash() != rs->hash();
  sets_.insert_or_assign(id, std::move(rs).value());
  return Status::Ok();
}

const rules::RuleSet* RuleRegistry::Find(std::string_view id) const {
  auto f = sets_.find(id);
  return f == sets_.end() ? nullptr : &f->second;
}

std::vector<std::string> RuleRegistry::Ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, rs] : sets_) ids.push_back(id);
  return ids;
}

}  // namespace vbp
