#pragma once
// The rule sets shipped in rules/sets/, compiled into the binary.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rules/core/parameters.h"

namespace vbp::rules {

// Every shipped rule set, keyed by "name@version". A shipped file that fails to parse is a
// build defect and aborts (tests load them all).
const std::map<std::string, RuleSet>& ShippedRuleSets();
// The default rule set used when nothing else is named.
const RuleSet& ReferenceRuleSet();
inline constexpr std::string_view kReferenceRuleSetId = "vbp-reference@2025.1";

}  // namespace vbp::rules
