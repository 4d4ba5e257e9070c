#include "rules/core/embedded_rule_sets.h"

#include <cstdio>
#include <cstdlib>

namespace vbp::rules {

struct EmbeddedFile {
  std::string_view name;
  std::string_view text;
};
const std::vector<EmbeddedFile>& EmbeddedRuleSetFiles();

const std::map<std::string, RuleSet>& ShippedRuleSets() {
  static const std::map<std::string, RuleSet> sets = [] {
    std::map<std::string, RuleSet> m;
    for (const auto& f : EmbeddedRuleSetFiles()) {
      auto rs = RuleSet::FromText(f.text, "rules/sets/" + std::string(f.name));
      if (!rs.ok()) {
        std::fprintf(stderr, "shipped rule set is invalid: %s\n", rs.status().ToString().c_str());
        std::abort();
      }
      m.emplace(rs->id(), std::move(rs).value());
    }
    return m;
  }();
  return sets;
}

const RuleSet& ReferenceRuleSet() {
  auto f = ShippedRuleSets().find(std::string(kReferenceRuleSetId));
  VBP_CHECK_MSG(f != ShippedRuleSets().end(), "reference rule set missing from rules/sets");
  return f->second;
}

}  // namespace vbp::rules
