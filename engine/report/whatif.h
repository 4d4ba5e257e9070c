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

#include "engine/audit/audit_book.h"
#include "engine/report/words.h"

namespace vbp::audit {

struct SideDescription {
  std::string rules;       // rule set id, or "own" (each contract's own)
  std::string rules_hash;  // of the forced rule set ("" for own)
  nlohmann::json overrides = nlohmann::json::object();  // --set, applied to every contract
};

// A parameter whose value differs between the two sides (deltas.json `parameter_changes`).
// `a` is side A's rule set value; `b` side B's rule set value, or side B's value applied over
// every contract (--set, --apply-over-contracts). Values compare as JSON.
struct ParameterChange {
  std::string parameter;
  nlohmann::json a;
  nlohmann::json b;
  // Contracts whose own `parameters` set it and keep their value on side B: the change does
  // not reach them.
  std::vector<std::string> overridden_by;
  // Contracts whose own value side B replaced (the parameter is applied over contracts).
  std::vector<std::string> replaced_in;
  // Contracts the change reaches (their rule sets differ in it, and B's value applies).
  std::vector<std::string> reaches;
};

// The parameters that differ between the sides, one entry per (parameter, a, b), sorted by
// parameter, then a and b. A side's rule set is `force_*`, or each contract's own when null;
// `b_over_contracts` holds side B's values applied over every contract's own. Contracts whose
// rule set is unknown on a side are left out (they are unresolved there).
std::vector<ParameterChange> CompareParameters(const AuditBook& book, const RuleRegistry& registry,
                                               const rules::RuleSet* force_a,
                                               const rules::RuleSet* force_b,
                                               const nlohmann::json& b_over_contracts);

// Side B's values to apply over every contract (--apply-over-contracts): `set` plus the `b` of
// every change not in `set`; their names go to `applied`. Invalid when one parameter changes
// to two values (side B is each contract's own rule set).
Result<nlohmann::json> ApplyChangesOverContracts(const std::vector<ParameterChange>& changes,
                                                 const nlohmann::json& set,
                                                 std::vector<std::string>* applied);

struct WhatIfInput {
  const Evaluation* a = nullptr;  // after Run()
  const Evaluation* b = nullptr;
  SideDescription side_a;
  SideDescription side_b;
  std::string source;                              // "state DIR (checkpoint ...)" or "data DIR"
  std::vector<ParameterChange> parameter_changes;  // CompareParameters with side B's overrides
  // --apply-over-contracts: the changed parameters side B applied over the contracts' own.
  bool applied_over_contracts = false;
  std::vector<std::string> applied_parameters;
};

struct WhatIfOutput {
  nlohmann::ordered_json deltas;   // deltas.json
  nlohmann::ordered_json members;  // members.json (array of moves)
  std::string contracts_csv;
  std::string members_csv;
  std::string html;
  size_t attribution_moves = 0;
  size_t expenditure_changes = 0;
  // Plain sentences on parameter changes that reach no contract, or not all the contracts
  // they concern, because contracts override them (console and report.html).
  std::vector<std::string> notices;
  // The contract plans' warnings of both sides (deltas.json `warnings`).
  std::vector<std::string> warnings;
};

WhatIfOutput CompareSides(const WhatIfInput& in);

// report.html (engine/report/whatif_html.cc) from a comparison's deltas, members, notices and
// warnings: the net payment summary with its total first, then the parameters that differ,
// the member moves by contract, every figure, and the members. CompareSides calls it.
std::string WhatIfHtml(const WhatIfInput& in, const WhatIfOutput& out);

}  // namespace vbp::audit
