#pragma once
// What-if comparison (SPEC §1 actuaries, issue 4 item 4): the same snapshot of input settled
// under two rule setups (A and B), compared contract by contract for every SPEC §4 figure and
// member by member (attribution moves with the step and reason on each side, expenditure
// changes). The writers produce deltas.json, contracts.csv, members.csv, members.json and a
// self-contained report.html (tables and an inline SVG chart; no external assets).
//
// Deltas are exact: each side's figure is the statement's decimal text, and the delta is the
// exact difference of the two decimals (same number of places). The chart's bar lengths are
// integer pixel counts from cents. No binary floating point anywhere.
// Pure: no I/O, clock or logging.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/audit_book.h"

namespace vbp::audit {

// The SPEC §4 figures of a statement, in statement order (what whatif compares and explain
// drills into).
const std::vector<std::string>& StatementFigureNames();

struct SideDescription {
  std::string rules;       // rule set id, or "own" (each contract's own)
  std::string rules_hash;  // of the forced rule set ("" for own)
  nlohmann::json overrides = nlohmann::json::object();  // --set, applied to every contract
};

struct WhatIfInput {
  const Evaluation* a = nullptr;  // after Run()
  const Evaluation* b = nullptr;
  SideDescription side_a;
  SideDescription side_b;
  std::string source;  // "state DIR (checkpoint ...)" or "data DIR"
};

struct WhatIfOutput {
  nlohmann::ordered_json deltas;   // deltas.json
  nlohmann::ordered_json members;  // members.json (array of moves)
  std::string contracts_csv;
  std::string members_csv;
  std::string html;
  size_t attribution_moves = 0;
  size_t expenditure_changes = 0;
};

WhatIfOutput CompareSides(const WhatIfInput& in);

}  // namespace vbp::audit
