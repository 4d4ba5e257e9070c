#include "engine/report/whatif.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "domain/csv.h"
#include "engine/core/statement_json.h"
#include "engine/report/words.h"

namespace vbp::audit {

using nlohmann::ordered_json;

namespace {

// Decimal places of a figure's text ("12.30" -> 2, "7" -> 0).
int Places(const std::string& s) {
  size_t dot = s.find('.');
  return dot == std::string::npos ? 0 : static_cast<int>(s.size() - dot - 1);
}

// b - a, exact, with the places of the inputs.
std::string DeltaText(const std::string& a, const std::string& b) {
  auto x = ParseExactDecimal(a);
  auto y = ParseExactDecimal(b);
  if (!x.ok() || !y.ok()) return "";
  return FormatHalfEven(*y - *x, std::max(Places(a), Places(b)));
}

std::string FigureText(const ordered_json& statement, const std::string& name) {
  const ordered_json& v = statement[name];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

ordered_json SideJson(const SideDescription& s, const Evaluation& ev) {
  ordered_json j;
  j["rules"] = s.rules;
  j["rules_hash"] = s.rules_hash;
  j["overrides"] = ordered_json::parse(s.overrides.dump());
  j["as_of"] = ev.as_of().ToString();
  ordered_json un = ordered_json::array();
  for (const auto& [id, why] : ev.unresolved())
    un.push_back({{"contract_id", id.str()}, {"reason", why}});
  j["unresolved_contracts"] = un;
  return j;
}

struct Side {
  std::optional<std::string> contract;
  std::optional<std::string> unit;
  std::optional<int> step;
  std::string status;
  std::string decided_by;
  std::string why;
  Money paid;
  Rational truncated = 0;
};

Side Describe(const MemberYear* m) {
  Side s;
  if (!m) {
    s.status = "not_evaluated";
    return s;
  }
  const rules::MemberOutcome& o = m->outcome;
  if (o.contract) s.contract = o.contract->str();
  if (o.winner) s.unit = o.winner->ToString();
  if (o.step != rules::AttributionStep::kNone) s.step = static_cast<int>(o.step);
  s.status = rules::UnattributedName(o.unattributed);
  s.decided_by = o.decided_by;
  s.why = WhyText(o);
  s.paid = o.ExpenditureTotal();
  s.truncated = o.TruncatedTotal();
  return s;
}

ordered_json Opt(const std::optional<std::string>& s) {
  return s ? ordered_json(*s) : ordered_json(nullptr);
}
ordered_json Opt(const std::optional<int>& s) {
  return s ? ordered_json(*s) : ordered_json(nullptr);
}
std::string OptText(const std::optional<std::string>& s) { return s ? *s : ""; }
std::string OptText(const std::optional<int>& s) { return s ? std::to_string(*s) : ""; }

std::string Joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// A parameter value for a sentence: its JSON, cut at 60 characters.
std::string ShortJson(const nlohmann::json& v) {
  std::string s = v.dump();
  return s.size() <= 60 ? s : s.substr(0, 57) + "...";
}

// A sentence for each change that some contract's own value keeps from side B.
std::vector<std::string> Notices(const std::vector<ParameterChange>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) {
    if (c.overridden_by.empty()) continue;
    const std::string what =
        "parameter " + c.parameter + " changed (" + ShortJson(c.a) + " -> " + ShortJson(c.b) + ")";
    const std::string fix =
        " Use --apply-over-contracts to apply it over the contracts' own values.";
    if (c.reaches.empty() && c.replaced_in.empty()) {
      out.push_back("Note: " + what + " but every contract overrides it (" +
                    Joined(c.overridden_by) + "): the what-if shows no effect of it." + fix);
    } else {
      out.push_back("Note: " + what + " but contracts " + Joined(c.overridden_by) +
                    " override it: the what-if shows no effect of it on them." + fix);
    }
  }
  return out;
}

// Both sides' plan warnings: once when both sides have it, else prefixed with the side.
std::vector<std::string> Warnings(const Evaluation& a, const Evaluation& b) {
  auto of = [](const Evaluation& ev) {
    std::vector<std::string> w;
    for (const auto& p : ev.plans()) w.insert(w.end(), p.warnings.begin(), p.warnings.end());
    return w;
  };
  const std::vector<std::string> wa = of(a), wb = of(b);
  std::vector<std::string> out;
  for (const auto& w : wa) {
    const bool both = std::find(wb.begin(), wb.end(), w) != wb.end();
    out.push_back(both ? w : "side A: " + w);
  }
  for (const auto& w : wb) {
    if (std::find(wa.begin(), wa.end(), w) == wa.end()) out.push_back("side B: " + w);
  }
  return out;
}

ordered_json Ordered(const nlohmann::json& v) { return ordered_json::parse(v.dump()); }

ordered_json ParameterChangesJson(const std::vector<ParameterChange>& changes) {
  ordered_json out = ordered_json::array();
  for (const auto& c : changes) {
    out.push_back({{"parameter", c.parameter},
                   {"a", Ordered(c.a)},
                   {"b", Ordered(c.b)},
                   {"overridden_by", c.overridden_by}});
  }
  return out;
}

// --apply-over-contracts: each applied parameter, its value and the contracts whose own value
// it replaced.
ordered_json AppliedJson(const WhatIfInput& in) {
  ordered_json out = ordered_json::array();
  for (const auto& name : in.applied_parameters) {
    std::set<std::string> replaced;
    ordered_json value;
    for (const auto& c : in.parameter_changes) {
      if (c.parameter != name) continue;
      replaced.insert(c.replaced_in.begin(), c.replaced_in.end());
      value = Ordered(c.b);
    }
    out.push_back({{"parameter", name},
                   {"b", value},
                   {"replaced_in", std::vector<std::string>(replaced.begin(), replaced.end())}});
  }
  return out;
}

}  // namespace

std::vector<ParameterChange> CompareParameters(const AuditBook& book, const RuleRegistry& registry,
                                               const rules::RuleSet* force_a,
                                               const rules::RuleSet* force_b,
                                               const nlohmann::json& b_over_contracts) {
  const nlohmann::json& over = b_over_contracts;
  std::map<std::tuple<std::string, std::string, std::string>, ParameterChange> found;
  for (const auto& [id, c] : book.contracts()) {
    const rules::RuleSet* ra = force_a ? force_a : registry.Find(c.rule_set);
    const rules::RuleSet* rb = force_b ? force_b : registry.Find(c.rule_set);
    if (!ra || !rb) continue;
    nlohmann::json own = nlohmann::json::parse(
        c.parameters_json.empty() ? std::string("{}") : c.parameters_json, nullptr, false);
    if (!own.is_object()) own = nlohmann::json::object();
    for (const auto& name : rules::ParameterNames()) {
      // A loaded rule set holds every parameter (rules::RuleSet::FromJson).
      const nlohmann::json& va = ra->default_parameters().at(name);
      const bool applied = over.is_object() && over.contains(name);
      const nlohmann::json& vb = applied ? over.at(name) : rb->default_parameters().at(name);
      if (va == vb) continue;
      ParameterChange& e = found[{name, va.dump(), vb.dump()}];
      e.parameter = name;
      e.a = va;
      e.b = vb;
      if (!own.contains(name)) {
        e.reaches.push_back(id.str());
      } else if (applied) {
        e.replaced_in.push_back(id.str());
      } else {
        e.overridden_by.push_back(id.str());
      }
    }
  }
  std::vector<ParameterChange> out;
  for (auto& [key, e] : found) out.push_back(std::move(e));
  return out;
}

Result<nlohmann::json> ApplyChangesOverContracts(const std::vector<ParameterChange>& changes,
                                                 const nlohmann::json& set,
                                                 std::vector<std::string>* applied) {
  nlohmann::json out = set.is_object() ? set : nlohmann::json::object();
  std::map<std::string, nlohmann::json> values;
  for (const auto& c : changes) {
    if (out.contains(c.parameter)) continue;
    auto [it, fresh] = values.emplace(c.parameter, c.b);
    if (!fresh && it->second != c.b) {
      return Status::Invalid("--apply-over-contracts: parameter " + c.parameter +
                             " changes to more than one value on side B (each contract's own "
                             "rule set); name one rule set with --vs");
    }
  }
  for (auto& [name, v] : values) {
    out[name] = v;
    applied->push_back(name);
  }
  return out;
}

namespace {

using ContractPair = std::pair<const SideContract*, const SideContract*>;
// Money and member figures summed over contracts (the totals row).
using Totals = std::map<std::string, std::pair<Rational, Rational>>;

bool Summable(const std::string& n) {
  return n == "assigned_members" || n == "benchmark_total" || n == "expenditure_total" ||
         n == "gross_savings" || n == "shared_savings" || n == "shared_losses" ||
         n == "pmpm_total" || n == "net_payment";
}

// One contract on both sides (or one): every figure A, B and exact delta, as JSON and as a
// contracts.csv record; the summable figures added to `totals`.
ordered_json ContractDelta(const std::pair<int, std::string>& key, const ContractPair& pair,
                           Totals& totals, std::string* csv) {
  const auto [ca, cb] = pair;
  ordered_json c;
  c["contract_id"] = key.second;
  c["performance_year"] = key.first;
  ordered_json sa = ca ? StatementJson(ca->figures, 0, ca->tins) : ordered_json();
  ordered_json sb = cb ? StatementJson(cb->figures, 0, cb->tins) : ordered_json();
  c["rule_set"] = {{"a", ca ? ordered_json(sa["rule_set"]) : ordered_json(nullptr)},
                   {"b", cb ? ordered_json(sb["rule_set"]) : ordered_json(nullptr)}};
  if (!ca || !cb) c["only_on"] = ca ? "A" : "B";
  ordered_json figs;
  std::vector<std::string> row = {key.second, std::to_string(key.first),
                                  ca ? sa["rule_set"].get<std::string>() : "",
                                  cb ? sb["rule_set"].get<std::string>() : ""};
  for (const auto& n : StatementFigureNames()) {
    const std::string va = ca ? FigureText(sa, n) : "";
    const std::string vb = cb ? FigureText(sb, n) : "";
    const std::string d = ca && cb ? DeltaText(va, vb) : "";
    figs[n] = {{"a", ca ? ordered_json(va) : ordered_json(nullptr)},
               {"b", cb ? ordered_json(vb) : ordered_json(nullptr)},
               {"delta", ca && cb ? ordered_json(d) : ordered_json(nullptr)}};
    row.insert(row.end(), {va, vb, d});
    if (Summable(n)) {
      auto& t = totals[n];
      if (ca) t.first += *ParseExactDecimal(va);
      if (cb) t.second += *ParseExactDecimal(vb);
    }
  }
  c["figures"] = figs;
  if (ca && cb) c["outcome"] = {{"a", sa["detail"]["outcome"]}, {"b", sb["detail"]["outcome"]}};
  AppendCsvRecord(row, csv);
  return c;
}

struct ContractsPart {
  ordered_json contracts = ordered_json::array();
  std::string csv;
  ordered_json totals;
};

// Contracts of either side by (performance year, contract_id).
ContractsPart CompareContracts(const Evaluation& a, const Evaluation& b) {
  std::map<std::pair<int, std::string>, ContractPair> both;
  for (const auto& c : a.contracts()) {
    both[{c.contract->record.performance_year, c.contract->record.contract_id.str()}].first = &c;
  }
  for (const auto& c : b.contracts()) {
    both[{c.contract->record.performance_year, c.contract->record.contract_id.str()}].second = &c;
  }
  ContractsPart out;
  std::vector<std::string> header = {"contract_id", "performance_year", "rule_set_a", "rule_set_b"};
  for (const auto& n : StatementFigureNames()) {
    header.insert(header.end(), {n + "_a", n + "_b", n + "_delta"});
  }
  AppendCsvRecord(header, &out.csv);
  Totals totals;
  for (const auto& [key, pair] : both) {
    out.contracts.push_back(ContractDelta(key, pair, totals, &out.csv));
  }
  for (const auto& [n, t] : totals) {
    const int places = n == "assigned_members" ? 0 : 2;
    out.totals[n] = {{"a", FormatHalfEven(t.first, places)},
                     {"b", FormatHalfEven(t.second, places)},
                     {"delta", FormatHalfEven(t.second - t.first, places)}};
  }
  return out;
}

ordered_json SideOfMove(const Side& s) {
  return {{"contract_id", Opt(s.contract)},
          {"unit", Opt(s.unit)},
          {"step", Opt(s.step)},
          {"status", s.status},
          {"decided_by", s.decided_by}};
}

struct MembersPart {
  ordered_json moves = ordered_json::array();
  std::string csv =
      "member_id,performance_year,change,from_contract,from_unit,from_step,from_status,"
      "from_decided_by,to_contract,to_unit,to_step,to_status,to_decided_by,expenditure_paid_a,"
      "expenditure_paid_b,expenditure_truncated_a,expenditure_truncated_b,"
      "expenditure_truncated_delta,why\r\n";
  size_t evaluated = 0;
};

// A member whose attribution or counted expenditure differs between the sides: members.json
// and members.csv entries.
void AddMove(const std::pair<std::string, int>& k, const Side& x, const Side& y, bool moved,
             bool spend, MembersPart& part) {
  const std::string change =
      moved && spend ? "attribution+expenditure" : (moved ? "attribution" : "expenditure");
  const std::string why = moved ? "A: " + x.why + " | B: " + y.why
                                : "expenditure counted changed (paid " + x.paid.ToString() +
                                      " -> " + y.paid.ToString() + ")";
  const std::string ta = FormatHalfEven(x.truncated, 6), tb = FormatHalfEven(y.truncated, 6);
  const std::string td = FormatHalfEven(y.truncated - x.truncated, 6);
  ordered_json m;
  m["member_id"] = k.first;
  m["performance_year"] = k.second;
  m["change"] = change;
  m["from"] = SideOfMove(x);
  m["to"] = SideOfMove(y);
  m["expenditure"] = {{"paid_a", x.paid.ToString()},
                      {"paid_b", y.paid.ToString()},
                      {"truncated_a", ta},
                      {"truncated_b", tb},
                      {"truncated_delta", td}};
  m["why"] = why;
  part.moves.push_back(m);
  AppendCsvRecord({k.first, std::to_string(k.second), change, OptText(x.contract), OptText(x.unit),
                   OptText(x.step), x.status, x.decided_by, OptText(y.contract), OptText(y.unit),
                   OptText(y.step), y.status, y.decided_by, x.paid.ToString(), y.paid.ToString(),
                   ta, tb, td, why},
                  &part.csv);
}

// Members of either side by (member_id, performance year); counts the moves in `out`.
MembersPart CompareMembers(const Evaluation& a, const Evaluation& b, WhatIfOutput& out) {
  std::set<std::pair<std::string, int>> keys;
  for (const auto& [k, v] : a.members()) keys.insert(k);
  for (const auto& [k, v] : b.members()) keys.insert(k);
  MembersPart part;
  part.evaluated = keys.size();
  for (const auto& k : keys) {
    auto fa = a.members().find(k);
    auto fb = b.members().find(k);
    const Side x = Describe(fa == a.members().end() ? nullptr : &fa->second);
    const Side y = Describe(fb == b.members().end() ? nullptr : &fb->second);
    const bool moved =
        x.contract != y.contract || x.unit != y.unit || x.step != y.step || x.status != y.status;
    const bool spend = x.paid != y.paid || x.truncated != y.truncated;
    if (!moved && !spend) continue;
    if (moved) ++out.attribution_moves;
    if (spend) ++out.expenditure_changes;
    AddMove(k, x, y, moved, spend, part);
  }
  return part;
}

}  // namespace

WhatIfOutput CompareSides(const WhatIfInput& in) {
  const Evaluation& a = *in.a;
  const Evaluation& b = *in.b;
  WhatIfOutput out;
  ContractsPart contracts = CompareContracts(a, b);
  MembersPart members = CompareMembers(a, b, out);
  ordered_json d;
  d["schema"] = "vbp.whatif/1";
  d["source"] = in.source;
  d["sides"] = {{"A", SideJson(in.side_a, a)}, {"B", SideJson(in.side_b, b)}};
  out.notices = Notices(in.parameter_changes);
  out.warnings = Warnings(a, b);
  d["parameter_changes"] = ParameterChangesJson(in.parameter_changes);
  d["applied_over_contracts"] = in.applied_over_contracts;
  d["applied_parameters"] = AppliedJson(in);
  d["notices"] = out.notices;
  d["warnings"] = out.warnings;
  d["contracts"] = std::move(contracts.contracts);
  d["totals"] = std::move(contracts.totals);
  d["members"] = {{"evaluated", members.evaluated},
                  {"attribution_moves", out.attribution_moves},
                  {"expenditure_changes", out.expenditure_changes}};
  out.deltas = d;
  out.members = std::move(members.moves);
  out.contracts_csv = std::move(contracts.csv);
  out.members_csv = std::move(members.csv);
  out.html = WhatIfHtml(in, out);
  return out;
}

}  // namespace vbp::audit
