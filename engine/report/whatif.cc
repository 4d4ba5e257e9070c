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

// Bounds on the human-readable report (the JSON and CSV files hold everything).
constexpr size_t kHtmlMemberRowsMax = 500;
constexpr int kChartBarWidthMaxPx = 320;
constexpr int kChartRowHeightPx = 22;

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

std::string Html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string SideName(const SideDescription& s) {
  std::string n = s.rules == "own" ? "each contract's own rule set" : s.rules;
  if (!s.overrides.empty()) n += " with " + s.overrides.dump();
  return n;
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

// An SVG bar chart of net payment deltas: one row per contract, bars left (less paid) or right
// (more paid) of the axis; lengths are integer pixels scaled from cents.
std::string Chart(const std::vector<std::pair<std::string, std::string>>& rows) {
  BigInt max_cents = 0;
  std::vector<BigInt> cents;
  for (const auto& [label, delta] : rows) {
    auto d = ParseExactDecimal(delta);
    BigInt c = d.ok() ? RoundHalfEvenScaled(*d, 2) : BigInt(0);
    cents.push_back(c);
    BigInt a = c < 0 ? BigInt(-c) : c;
    if (a > max_cents) max_cents = a;
  }
  const int label_w = 170, axis = label_w + kChartBarWidthMaxPx + 10;
  const int width = axis + kChartBarWidthMaxPx + 120;
  const int height = static_cast<int>(rows.size()) * kChartRowHeightPx + 30;
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) +
                  "\" height=\"" + std::to_string(height) +
                  "\" role=\"img\" aria-label=\"net payment delta by contract\">\n";
  s += "<line x1=\"" + std::to_string(axis) + "\" y1=\"5\" x2=\"" + std::to_string(axis) +
       "\" y2=\"" + std::to_string(height - 20) + "\" stroke=\"#333\"/>\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const int y = 10 + static_cast<int>(i) * kChartRowHeightPx;
    int px = 0;
    if (max_cents > 0) {
      BigInt a = cents[i] < 0 ? BigInt(-cents[i]) : cents[i];
      px = static_cast<int>(BigInt(a * kChartBarWidthMaxPx / max_cents));
      if (px == 0 && a > 0) px = 1;
    }
    const bool neg = cents[i] < 0;
    const int x = neg ? axis - px : axis;
    s += "<text x=\"4\" y=\"" + std::to_string(y + 13) + "\" font-size=\"12\">" +
         Html(rows[i].first) + "</text>\n";
    s += "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
         std::to_string(px) + "\" height=\"" + std::to_string(kChartRowHeightPx - 6) +
         "\" fill=\"" + (neg ? "#c0392b" : "#27ae60") + "\"/>\n";
    const int tx = neg ? axis + 6 : axis + px + 6;
    s += "<text x=\"" + std::to_string(tx) + "\" y=\"" + std::to_string(y + 13) +
         "\" font-size=\"12\">" + Html(rows[i].second) + "</text>\n";
  }
  s += "<text x=\"" + std::to_string(axis - 60) + "\" y=\"" + std::to_string(height - 5) +
       "\" font-size=\"11\">B pays less | B pays more</text>\n";
  return s + "</svg>\n";
}

// "+12.5%" of b against a, exact decimals, one place; "" when a is zero.
std::string Percent(const std::string& a, const std::string& delta) {
  auto x = ParseExactDecimal(a);
  auto d = ParseExactDecimal(delta);
  if (!x.ok() || !d.ok() || *x == 0) return "";
  Rational r = *d * 100 / (*x < 0 ? Rational(-*x) : *x);
  std::string t = FormatHalfEven(r, 1);
  return (r > 0 ? "+" : "") + t + "%";
}

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

std::string ParameterChangesHtml(const WhatIfOutput& out, const WhatIfInput& in) {
  std::string h;
  if (!out.notices.empty() || !out.warnings.empty()) {
    h += "<div class=\"notice\">";
    for (const auto& n : out.notices) h += "<p><b>" + Html(n) + "</b></p>";
    for (const auto& w : out.warnings) h += "<p>Warning: " + Html(w) + "</p>";
    h += "</div>\n";
  }
  if (in.parameter_changes.empty()) return h;
  h += "<h2>Parameter changes</h2>\n";
  if (in.applied_over_contracts) {
    h += "<p>Side B applied " + Html(Joined(in.applied_parameters)) +
         " over the contracts' own values (--apply-over-contracts).</p>\n";
  }
  h += "<table><tr><th>parameter</th><th>A</th><th>B</th><th>reaches</th><th>overridden by "
       "(B's value does not reach)</th><th>own value replaced on B</th></tr>\n";
  for (const auto& c : in.parameter_changes) {
    h += "<tr><td>" + Html(c.parameter) + "</td><td>" + Html(ShortJson(c.a)) + "</td><td>" +
         Html(ShortJson(c.b)) + "</td><td>" + Html(Joined(c.reaches)) + "</td><td>" +
         Html(Joined(c.overridden_by)) + "</td><td>" + Html(Joined(c.replaced_in)) + "</td></tr>\n";
  }
  return h + "</table>\n";
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

WhatIfOutput CompareSides(const WhatIfInput& in) {
  const Evaluation& a = *in.a;
  const Evaluation& b = *in.b;
  WhatIfOutput out;
  const auto& names = StatementFigureNames();

  // --- Contracts ---
  std::map<std::pair<int, std::string>, std::pair<const SideContract*, const SideContract*>> both;
  for (const auto& c : a.contracts()) {
    both[{c.contract->record.performance_year, c.contract->record.contract_id.str()}].first = &c;
  }
  for (const auto& c : b.contracts()) {
    both[{c.contract->record.performance_year, c.contract->record.contract_id.str()}].second = &c;
  }
  ordered_json contracts = ordered_json::array();
  std::string csv = "contract_id,performance_year,rule_set_a,rule_set_b";
  for (const auto& n : names) csv += "," + n + "_a," + n + "_b," + n + "_delta";
  csv += "\r\n";
  std::map<std::string, std::pair<Rational, Rational>> totals;  // money + members over contracts
  std::vector<std::pair<std::string, std::string>> chart;
  std::string contract_rows;
  for (const auto& [key, pair] : both) {
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
    std::string row = CsvField(key.second) + "," + std::to_string(key.first) + "," +
                      (ca ? CsvField(sa["rule_set"].get<std::string>()) : "") + "," +
                      (cb ? CsvField(sb["rule_set"].get<std::string>()) : "");
    for (const auto& n : names) {
      const std::string va = ca ? FigureText(sa, n) : "";
      const std::string vb = cb ? FigureText(sb, n) : "";
      const std::string d = ca && cb ? DeltaText(va, vb) : "";
      figs[n] = {{"a", ca ? ordered_json(va) : ordered_json(nullptr)},
                 {"b", cb ? ordered_json(vb) : ordered_json(nullptr)},
                 {"delta", ca && cb ? ordered_json(d) : ordered_json(nullptr)}};
      row += "," + va + "," + vb + "," + d;
      const bool summable = n == "assigned_members" || n == "benchmark_total" ||
                            n == "expenditure_total" || n == "gross_savings" ||
                            n == "shared_savings" || n == "shared_losses" || n == "pmpm_total" ||
                            n == "net_payment";
      if (summable) {
        auto& t = totals[n];
        if (ca) t.first += *ParseExactDecimal(va);
        if (cb) t.second += *ParseExactDecimal(vb);
      }
    }
    c["figures"] = figs;
    if (ca && cb) {
      c["outcome"] = {{"a", sa["detail"]["outcome"]}, {"b", sb["detail"]["outcome"]}};
    }
    contracts.push_back(c);
    csv += row + "\r\n";
    const std::string label = key.second + " " + std::to_string(key.first);
    if (ca && cb) chart.push_back({label, figs["net_payment"]["delta"].get<std::string>()});
    contract_rows +=
        "<tr><td>" + Html(key.second) + "</td><td>" + std::to_string(key.first) + "</td>";
    for (const char* n :
         {"assigned_members", "benchmark_total", "expenditure_total", "savings_rate", "msr",
          "shared_savings", "shared_losses", "pmpm_total", "net_payment"}) {
      const auto& f = figs[n];
      auto cell = [](const ordered_json& v) {
        return v.is_null() ? std::string("&ndash;") : Html(v.get<std::string>());
      };
      std::string delta = f["delta"].is_null() ? "" : f["delta"].get<std::string>();
      const bool changed = !delta.empty() && *ParseExactDecimal(delta) != 0;
      contract_rows += "<td>" + cell(f["a"]) + "</td><td>" + cell(f["b"]) + "</td><td class=\"" +
                       (changed ? "chg" : "same") + "\">" + Html(delta) + "</td>";
    }
    contract_rows += "</tr>\n";
  }
  ordered_json tot;
  for (const auto& [n, t] : totals) {
    const int places = n == "assigned_members" ? 0 : 2;
    tot[n] = {{"a", FormatHalfEven(t.first, places)},
              {"b", FormatHalfEven(t.second, places)},
              {"delta", FormatHalfEven(t.second - t.first, places)}};
  }

  // --- Members ---
  std::set<std::pair<std::string, int>> keys;
  for (const auto& [k, v] : a.members()) keys.insert(k);
  for (const auto& [k, v] : b.members()) keys.insert(k);
  ordered_json moves = ordered_json::array();
  std::string mcsv =
      "member_id,performance_year,change,from_contract,from_unit,from_step,from_status,"
      "from_decided_by,to_contract,to_unit,to_step,to_status,to_decided_by,expenditure_paid_a,"
      "expenditure_paid_b,expenditure_truncated_a,expenditure_truncated_b,"
      "expenditure_truncated_delta,why\r\n";
  std::string member_rows;
  size_t html_rows = 0;
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
    const std::string change =
        moved && spend ? "attribution+expenditure" : (moved ? "attribution" : "expenditure");
    std::string why;
    if (moved) {
      why = "A: " + x.why + " | B: " + y.why;
    } else {
      why = "expenditure counted changed (paid " + x.paid.ToString() + " -> " + y.paid.ToString() +
            ")";
    }
    const std::string ta = FormatHalfEven(x.truncated, 6), tb = FormatHalfEven(y.truncated, 6);
    const std::string td = FormatHalfEven(y.truncated - x.truncated, 6);
    ordered_json m;
    m["member_id"] = k.first;
    m["performance_year"] = k.second;
    m["change"] = change;
    m["from"] = {{"contract_id", Opt(x.contract)},
                 {"unit", Opt(x.unit)},
                 {"step", Opt(x.step)},
                 {"status", x.status},
                 {"decided_by", x.decided_by}};
    m["to"] = {{"contract_id", Opt(y.contract)},
               {"unit", Opt(y.unit)},
               {"step", Opt(y.step)},
               {"status", y.status},
               {"decided_by", y.decided_by}};
    m["expenditure"] = {{"paid_a", x.paid.ToString()},
                        {"paid_b", y.paid.ToString()},
                        {"truncated_a", ta},
                        {"truncated_b", tb},
                        {"truncated_delta", td}};
    m["why"] = why;
    moves.push_back(m);
    mcsv += CsvField(k.first) + "," + std::to_string(k.second) + "," + change + "," +
            CsvField(OptText(x.contract)) + "," + CsvField(OptText(x.unit)) + "," +
            OptText(x.step) + "," + x.status + "," + CsvField(x.decided_by) + "," +
            CsvField(OptText(y.contract)) + "," + CsvField(OptText(y.unit)) + "," +
            OptText(y.step) + "," + y.status + "," + CsvField(y.decided_by) + "," +
            x.paid.ToString() + "," + y.paid.ToString() + "," + ta + "," + tb + "," + td + "," +
            CsvField(why) + "\r\n";
    if (html_rows < kHtmlMemberRowsMax) {
      ++html_rows;
      member_rows += "<tr><td>" + Html(k.first) + "</td><td>" + std::to_string(k.second) +
                     "</td><td>" + change + "</td><td>" + Html(OptText(x.contract)) + " " +
                     Html(OptText(x.unit)) + " step " + Html(OptText(x.step)) + "<br><small>" +
                     Html(x.status) + "</small></td><td>" + Html(OptText(y.contract)) + " " +
                     Html(OptText(y.unit)) + " step " + Html(OptText(y.step)) + "<br><small>" +
                     Html(y.status) + "</small></td><td>" + ta + "</td><td>" + tb +
                     "</td><td><small>" + Html(why) + "</small></td></tr>\n";
    }
  }

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
  d["contracts"] = contracts;
  d["totals"] = tot;
  d["members"] = {{"evaluated", keys.size()},
                  {"attribution_moves", out.attribution_moves},
                  {"expenditure_changes", out.expenditure_changes}};
  out.deltas = d;
  out.members = moves;
  out.contracts_csv = csv;
  out.members_csv = mcsv;

  // --- HTML ---
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>vbp what-if</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}"
      "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 6px;"
      "text-align:right;font-size:13px}th{background:#f3f3f3}td:first-child,th:first-child{"
      "text-align:left}.chg{background:#fff4d6;font-weight:bold}.same{color:#999}"
      "small{color:#555}.notice{border:2px solid #c0392b;background:#fdecea;padding:4px 12px;"
      "margin:1em 0}</style></head><body>\n";
  h += "<h1>What-if: A vs B</h1>\n<p><b>A</b>: " + Html(SideName(in.side_a)) +
       "<br><b>B</b>: " + Html(SideName(in.side_b)) + "<br>Input: " + Html(in.source) + "; as of " +
       Html(a.as_of().ToString()) +
       (a.as_of() == b.as_of() ? "" : " / " + Html(b.as_of().ToString())) + "</p>\n";
  const std::string net_delta =
      tot.contains("net_payment") ? tot["net_payment"]["delta"].get<std::string>() : "0.00";
  h += "<p>Net payment over all contracts: A " +
       Html(tot.contains("net_payment") ? tot["net_payment"]["a"].get<std::string>() : "0.00") +
       ", B " +
       Html(tot.contains("net_payment") ? tot["net_payment"]["b"].get<std::string>() : "0.00") +
       ", delta <b>" + Html(net_delta) + "</b> " +
       Html(Percent(tot.contains("net_payment") ? tot["net_payment"]["a"].get<std::string>() : "0",
                    net_delta)) +
       ". " + std::to_string(out.attribution_moves) + " attribution moves, " +
       std::to_string(out.expenditure_changes) + " expenditure changes among " +
       std::to_string(keys.size()) + " member-years.</p>\n";
  h += ParameterChangesHtml(out, in);
  h += "<h2>Net payment delta by contract (B &minus; A)</h2>\n" + Chart(chart);
  h += "<h2>Contracts</h2>\n<table><tr><th>contract</th><th>year</th>";
  for (const char* n : {"assigned members", "benchmark", "expenditure", "savings rate", "MSR",
                        "shared savings", "shared losses", "PMPM", "net payment"}) {
    h += "<th colspan=\"3\">" + std::string(n) + "<br><small>A / B / &Delta;</small></th>";
  }
  h += "</tr>\n" + contract_rows + "</table>\n";
  h += "<h2>Members</h2>\n";
  if (html_rows < moves.size()) {
    h += "<p>The first " + std::to_string(html_rows) + " of " + std::to_string(moves.size()) +
         " changes; members.csv and members.json hold all of them.</p>\n";
  }
  h += "<table><tr><th>member</th><th>year</th><th>change</th><th>A: contract, unit, step</th>"
       "<th>B: contract, unit, step</th><th>expenditure A</th><th>expenditure B</th>"
       "<th>why</th></tr>\n" +
       member_rows + "</table>\n";
  h += "<p><small>Figures are exact decimals rounded once as on statements; deltas are exact "
       "differences. Files: deltas.json, contracts.csv, members.csv, members.json.</small></p>\n"
       "</body></html>\n";
  out.html = h;
  return out;
}

}  // namespace vbp::audit
