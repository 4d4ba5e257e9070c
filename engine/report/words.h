#pragma once
// The words the reports share (explain, what-if): the names of a statement's figures and the
// sentence that says why a member was or was not attributed. Kept apart so that explain and
// what-if each depend on it, not on each other.

#include <string>
#include <vector>

#include "rules/core/member_evaluation.h"

namespace vbp::audit {

// The statement figures explain and what-if know, in statement order.
const std::vector<std::string>& StatementFigureNames();

// The tallies of the step that decided the member (step 2 for specialists, else step 1).
const std::vector<rules::UnitTally>& StepTally(const rules::MemberOutcome& m);
std::string StepWords(rules::AttributionStep s);
// One sentence: attributed to whom, at which step, by which allowed amounts; or why not.
std::string WhyText(const rules::MemberOutcome& m);

}  // namespace vbp::audit
