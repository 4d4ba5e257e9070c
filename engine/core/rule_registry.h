#pragma once
// The rule sets available to a run: the shipped ones (rules/sets/) plus any loaded by the
// user (`--rules FILE`). Contracts select theirs by "name@version" (SPEC §2).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.h"
#include "rules/core/parameters.h"

namespace vbp {

class RuleRegistry {
 public:
  // The shipped rule sets.
  static RuleRegistry Shipped();
  // Adds a rule set from its JSON text; a set with the id of a shipped one replaces it (the
  // replaced id is returned in `replaced` so the caller can warn).
  Status AddText(std::string_view text, const std::string& origin, bool* replaced = nullptr);
  const rules::RuleSet* Find(std::string_view id) const;
  std::vector<std::string> Ids() const;

 private:
  std::map<std::string, rules::RuleSet, std::less<>> sets_;
};

}  // namespace vbp
