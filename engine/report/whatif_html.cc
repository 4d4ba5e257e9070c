// report.html of a what-if, written from the comparison's own JSON (deltas.json and
// members.json), so the page cannot show a figure the files do not hold. The order is the one
// an actuary reads in: the summary of net payments with a total, what changed in the rules,
// where members went, then the detail.
#include <algorithm>
#include <map>
#include <tuple>

#include "engine/report/html.h"
#include "engine/report/whatif.h"

namespace vbp::audit {

using nlohmann::ordered_json;

namespace {

// Bounds on the human-readable report (the JSON and CSV files hold everything).
constexpr size_t kHtmlMemberRowsMax = 500;
constexpr size_t kParameterTextMax = 60;
constexpr int kChartBarWidthMaxPx = 320;
constexpr int kChartRowHeightPx = 22;

using html::Escape;

std::string Text(const ordered_json& v) {
  if (v.is_null()) return "";
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// Why a member is on no contract, in words (rules::UnattributedName's codes).
std::string UnattributedWords(const std::string& status) {
  static const std::map<std::string, std::string> kWords = {
      {"won_by_non_contract_unit", "won by a unit outside every contract"},
      {"no_qualifying_service", "no qualifying primary-care service"},
      {"excluded_program", "excluded program"},
      {"no_eligible_months", "no eligible month"},
      {"unknown_member", "claims but no member record"},
      {"not_evaluated", "not evaluated on this side"}};
  auto it = kWords.find(status);
  return it == kWords.end() ? html::CodeWords(status) : it->second;
}

// A side of a member move as a label: the contract, or "unattributed (reason)".
std::string MoveLabel(const ordered_json& side) {
  if (!side["contract_id"].is_null()) return side["contract_id"].get<std::string>();
  return "unattributed (" + UnattributedWords(side["status"].get<std::string>()) + ")";
}

// A side of a member move as a table cell: contract and step, and the winning unit when it is
// not the contract itself; an unattributed member says so and why.
std::string MoveCell(const ordered_json& side) {
  const std::string unit = Text(side["unit"]);
  const std::string step = side["step"].is_null() ? "" : " at step " + Text(side["step"]);
  if (side["contract_id"].is_null()) {
    std::string s = "unattributed <small>(" +
                    Escape(UnattributedWords(side["status"].get<std::string>())) + ")</small>";
    if (!unit.empty()) s += "<br><small>" + Escape(unit) + " won" + Escape(step) + "</small>";
    return s;
  }
  const std::string id = side["contract_id"].get<std::string>();
  std::string s = "<b>" + Escape(id) + "</b>" + Escape(step);
  if (!unit.empty() && unit != "contract:" + id) s += "<br><small>" + Escape(unit) + "</small>";
  return s;
}

std::string SideName(const SideDescription& s) {
  std::string n = s.rules == "own" ? "each contract's own rule set" : s.rules;
  if (!s.overrides.empty()) n += " with " + s.overrides.dump();
  return n;
}

enum class FigureKind { kCount, kMoney, kRate, kPlain };

FigureKind KindOf(const std::string& figure) {
  if (figure == "assigned_members" || figure == "person_years") return FigureKind::kCount;
  if (figure == "savings_rate" || figure == "msr" || figure == "mlr" ||
      figure == "final_sharing_rate") {
    return FigureKind::kRate;
  }
  if (figure == "quality_score") return FigureKind::kPlain;
  return FigureKind::kMoney;
}

// A figure's text for people: money to the cent with separators, rates as percentages (their
// changes in percentage points), counts with separators.
std::string Shown(FigureKind k, const std::string& raw, bool is_delta) {
  if (raw.empty()) return "–";
  switch (k) {
    case FigureKind::kMoney:
      return html::MoneyText(raw);
    case FigureKind::kRate:
      return is_delta ? html::PointsText(raw, 2) : html::PercentText(raw, 2);
    case FigureKind::kCount:
      return html::GroupThousands(raw);
    case FigureKind::kPlain:
      return raw;
  }
  return raw;
}

std::string FigureCell(FigureKind k, const ordered_json& v, bool is_delta) {
  const std::string raw = Text(v);
  return html::NumberCell(raw, Shown(k, raw, is_delta));
}

std::string DeltaCell(FigureKind k, const ordered_json& v) {
  const std::string raw = Text(v);
  auto d = ParseExactDecimal(raw);
  const bool changed = d.ok() && *d != 0;
  std::string cell = FigureCell(k, v, true);
  return cell.insert(cell.find("class=\"") + 7, changed ? "chg " : "same ");
}

// The summary: net payment A, B and the change per contract, with the total of all contracts.
std::string SummaryHtml(const ordered_json& d, const WhatIfOutput& out) {
  std::string h =
      "<h2>Summary: net payment by contract</h2>\n"
      "<table class=\"sortable\" id=\"summary\" data-check=\"summary\" aria-label=\"summary\">"
      "<thead><tr><th>contract</th><th>year</th><th>outcome A &rarr; B</th>"
      "<th>members A</th><th>members B</th><th>net payment A</th><th>net payment B</th>"
      "<th>&Delta; net payment (B &minus; A)</th><th>&Delta; %</th></tr></thead><tbody>\n";
  for (const auto& c : d["contracts"]) {
    const auto& m = c["figures"]["assigned_members"];
    const auto& n = c["figures"]["net_payment"];
    std::string outcome = c.contains("outcome") ? html::CodeWords(Text(c["outcome"]["a"])) + " → " +
                                                      html::CodeWords(Text(c["outcome"]["b"]))
                                                : "only on side " + Text(c["only_on"]);
    h += "<tr><td>" + Escape(Text(c["contract_id"])) + "</td><td>" +
         Escape(Text(c["performance_year"])) + "</td><td>" + Escape(outcome) + "</td>" +
         FigureCell(FigureKind::kCount, m["a"], false) +
         FigureCell(FigureKind::kCount, m["b"], false) +
         FigureCell(FigureKind::kMoney, n["a"], false) +
         FigureCell(FigureKind::kMoney, n["b"], false) + DeltaCell(FigureKind::kMoney, n["delta"]) +
         html::NumberCell(Text(n["delta"]),
                          html::ChangePercentText(Text(n["a"]), Text(n["delta"]), 1)) +
         "</tr>\n";
  }
  const ordered_json none = {{"a", "0"}, {"b", "0"}, {"delta", "0"}};
  const ordered_json& tm =
      d["totals"].contains("assigned_members") ? d["totals"]["assigned_members"] : none;
  const ordered_json& tn = d["totals"].contains("net_payment") ? d["totals"]["net_payment"] : none;
  auto checked = [](std::string cell, const char* name) {
    return cell.insert(3, std::string(" data-check=\"") + name + "\"");
  };
  h += "</tbody><tfoot><tr class=\"total\" data-check=\"total\"><td>TOTAL</td><td></td><td>" +
       std::to_string(d["contracts"].size()) + " contracts</td>" +
       FigureCell(FigureKind::kCount, tm["a"], false) +
       FigureCell(FigureKind::kCount, tm["b"], false) +
       checked(FigureCell(FigureKind::kMoney, tn["a"], false), "net-a") +
       checked(FigureCell(FigureKind::kMoney, tn["b"], false), "net-b") +
       checked(DeltaCell(FigureKind::kMoney, tn["delta"]), "net-delta") +
       html::NumberCell(Text(tn["delta"]),
                        html::ChangePercentText(Text(tn["a"]), Text(tn["delta"]), 1)) +
       "</tr></tfoot></table>\n";
  h += "<p>" + html::GroupThousands(std::to_string(out.attribution_moves)) +
       " attribution moves and " + html::GroupThousands(std::to_string(out.expenditure_changes)) +
       " expenditure changes among " + html::GroupThousands(Text(d["members"]["evaluated"])) +
       " member-years (below: by contract, then member by member).</p>\n";
  return h;
}

// A parameter's value for the table: a string without its quotes, else its JSON; long values
// cut, with the whole value in the cell's tooltip.
std::string ParameterCell(const nlohmann::json& v) {
  const std::string full = v.is_string() ? v.get<std::string>() : v.dump();
  const std::string cut =
      full.size() <= kParameterTextMax ? full : full.substr(0, kParameterTextMax - 3) + "...";
  return "<td title=\"" + Escape(full) + "\"><code>" + Escape(cut) + "</code></td>";
}

std::string Joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string ParameterChangesHtml(const WhatIfOutput& out, const WhatIfInput& in) {
  std::string h;
  if (!out.notices.empty() || !out.warnings.empty()) {
    h += "<div class=\"notice\">";
    for (const auto& n : out.notices) h += "<p><b>" + Escape(n) + "</b></p>";
    for (const auto& w : out.warnings) h += "<p>Warning: " + Escape(w) + "</p>";
    h += "</div>\n";
  }
  h += "<h2>Parameters that differ</h2>\n";
  if (in.parameter_changes.empty()) {
    return h + "<p>No rule-set parameter differs between the sides.</p>\n";
  }
  if (in.applied_over_contracts) {
    h += "<p>Side B applied " + Escape(Joined(in.applied_parameters)) +
         " over the contracts' own values (--apply-over-contracts).</p>\n";
  }
  h += "<table aria-label=\"parameters that differ\"><thead><tr><th>parameter</th><th>A</th>"
       "<th>B</th><th>reaches</th><th>overridden by (B's value does not reach)</th>"
       "<th>own value replaced on B</th></tr></thead><tbody>\n";
  for (const auto& c : in.parameter_changes) {
    h += "<tr><td>" + Escape(c.parameter) + "</td>" + ParameterCell(c.a) + ParameterCell(c.b) +
         "<td>" + Escape(Joined(c.reaches)) + "</td><td>" + Escape(Joined(c.overridden_by)) +
         "</td><td>" + Escape(Joined(c.replaced_in)) + "</td></tr>\n";
  }
  return h + "</tbody></table>\n";
}

// Attribution moves counted by (from, to): contract ids or "unattributed (reason)".
std::string MovesHtml(const ordered_json& members) {
  std::map<std::pair<std::string, std::string>, size_t> counts;
  for (const auto& m : members) {
    if (m["change"] == "expenditure") continue;
    ++counts[{MoveLabel(m["from"]), MoveLabel(m["to"])}];
  }
  std::vector<std::tuple<size_t, std::string, std::string>> rows;
  for (const auto& [k, n] : counts) rows.emplace_back(n, k.first, k.second);
  // Most members first; ties by the labels (the map's order), so the page is deterministic.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& x, const auto& y) { return std::get<0>(x) > std::get<0>(y); });
  std::string h = "<h2>Member moves by contract</h2>\n";
  if (rows.empty()) return h + "<p>No member changes attribution.</p>\n";
  h += "<table class=\"sortable\" aria-label=\"member moves\"><thead><tr><th>from (A)</th>"
       "<th>to (B)</th><th>members</th></tr></thead><tbody>\n";
  size_t total = 0;
  for (const auto& [n, from, to] : rows) {
    total += n;
    h += "<tr><td>" + Escape(from) + "</td><td>" + Escape(to) + "</td>" +
         html::NumberCell(std::to_string(n), html::GroupThousands(std::to_string(n))) + "</tr>\n";
  }
  return h + "</tbody><tfoot><tr class=\"total\"><td>TOTAL</td><td></td>" +
         html::NumberCell(std::to_string(total), html::GroupThousands(std::to_string(total))) +
         "</tr></tfoot></table>\n";
}

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
         Escape(rows[i].first) + "</text>\n";
    s += "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
         std::to_string(px) + "\" height=\"" + std::to_string(kChartRowHeightPx - 6) +
         "\" fill=\"" + (neg ? "#c0392b" : "#27ae60") + "\"/>\n";
    const int tx = neg ? axis + 6 : axis + px + 6;
    s += "<text x=\"" + std::to_string(tx) + "\" y=\"" + std::to_string(y + 13) +
         "\" font-size=\"12\">" + Escape(html::MoneyText(rows[i].second)) + "</text>\n";
  }
  s += "<text x=\"" + std::to_string(axis - 60) + "\" y=\"" + std::to_string(height - 5) +
       "\" font-size=\"11\">B pays less | B pays more</text>\n";
  return s + "</svg>\n";
}

std::string ChartHtml(const ordered_json& d) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& c : d["contracts"]) {
    const auto& delta = c["figures"]["net_payment"]["delta"];
    if (delta.is_null()) continue;
    rows.push_back({Text(c["contract_id"]) + " " + Text(c["performance_year"]), Text(delta)});
  }
  return "<h2>Net payment change by contract (B &minus; A)</h2>\n" + Chart(rows);
}

// Every figure of every contract, A / B / change, with the total of the figures that add up.
std::string ContractsHtml(const ordered_json& d) {
  static const std::vector<std::pair<std::string, std::string>> kColumns = {
      {"assigned_members", "assigned members"},
      {"benchmark_total", "benchmark"},
      {"expenditure_total", "expenditure"},
      {"savings_rate", "savings rate"},
      {"msr", "MSR"},
      {"shared_savings", "shared savings"},
      {"shared_losses", "shared losses"},
      {"pmpm_total", "PMPM"},
      {"net_payment", "net payment"}};
  std::string h =
      "<h2>Contracts: every figure</h2>\n<div class=\"scroll\"><table aria-label=\"contracts\">"
      "<thead><tr><th rowspan=\"2\">contract</th><th rowspan=\"2\">year</th>";
  for (const auto& [name, label] : kColumns) h += "<th colspan=\"3\">" + label + "</th>";
  h += "</tr><tr>";
  for (size_t i = 0; i < kColumns.size(); ++i) h += "<th>A</th><th>B</th><th>&Delta;</th>";
  h += "</tr></thead><tbody>\n";
  for (const auto& c : d["contracts"]) {
    h += "<tr><td>" + Escape(Text(c["contract_id"])) + "</td><td>" +
         Escape(Text(c["performance_year"])) + "</td>";
    for (const auto& [name, label] : kColumns) {
      const FigureKind k = KindOf(name);
      const auto& f = c["figures"][name];
      h += FigureCell(k, f["a"], false) + FigureCell(k, f["b"], false) + DeltaCell(k, f["delta"]);
    }
    h += "</tr>\n";
  }
  h += "</tbody><tfoot><tr class=\"total\"><td>TOTAL</td><td></td>";
  for (const auto& [name, label] : kColumns) {
    if (!d["totals"].contains(name)) {
      h += "<td></td><td></td><td></td>";
      continue;
    }
    const FigureKind k = KindOf(name);
    const auto& t = d["totals"][name];
    h += FigureCell(k, t["a"], false) + FigureCell(k, t["b"], false) + DeltaCell(k, t["delta"]);
  }
  return h + "</tr></tfoot></table></div>\n";
}

std::string MembersHtml(const ordered_json& members) {
  std::string h = "<h2>Members</h2>\n";
  const size_t shown = std::min(members.size(), kHtmlMemberRowsMax);
  if (shown < members.size()) {
    h += "<p>The first " + html::GroupThousands(std::to_string(shown)) + " of " +
         html::GroupThousands(std::to_string(members.size())) +
         " changes; members.csv and members.json hold all of them.</p>\n";
  }
  h += "<div class=\"scroll\"><table class=\"sortable filterable\" aria-label=\"members\">"
       "<thead><tr><th>member</th><th>year</th><th>change</th><th>A</th><th>B</th>"
       "<th>expenditure A</th><th>expenditure B</th><th>&Delta; expenditure</th><th>why</th>"
       "</tr></thead><tbody>\n";
  for (size_t i = 0; i < shown; ++i) {
    const auto& m = members[i];
    const auto& e = m["expenditure"];
    h += "<tr><td>" + Escape(Text(m["member_id"])) + "</td><td>" +
         Escape(Text(m["performance_year"])) + "</td><td>" + Escape(Text(m["change"])) +
         "</td><td>" + MoveCell(m["from"]) + "</td><td>" + MoveCell(m["to"]) + "</td>" +
         FigureCell(FigureKind::kMoney, e["truncated_a"], false) +
         FigureCell(FigureKind::kMoney, e["truncated_b"], false) +
         DeltaCell(FigureKind::kMoney, e["truncated_delta"]) + "<td><small>" +
         Escape(Text(m["why"])) + "</small></td></tr>\n";
  }
  return h + "</tbody></table></div>\n";
}

}  // namespace

std::string WhatIfHtml(const WhatIfInput& in, const WhatIfOutput& out) {
  const ordered_json& d = out.deltas;
  const std::string as_of_a = Text(d["sides"]["A"]["as_of"]);
  const std::string as_of_b = Text(d["sides"]["B"]["as_of"]);
  std::string h = html::PageStart("vbp what-if: A vs B");
  h += "<h1>What-if: A vs B</h1>\n<p class=\"meta\"><b>A</b>: " + Escape(SideName(in.side_a)) +
       " &nbsp; <b>B</b>: " + Escape(SideName(in.side_b)) + "<br>Input: " + Escape(in.source) +
       "; as of " + Escape(as_of_a) + (as_of_a == as_of_b ? "" : " / " + Escape(as_of_b)) +
       "</p>\n";
  h += SummaryHtml(d, out);
  h += ParameterChangesHtml(out, in);
  h += MovesHtml(out.members);
  h += ChartHtml(d);
  h += ContractsHtml(d);
  h += MembersHtml(out.members);
  h += "<p><small>Money is rounded half-to-even to the cent for reading; rates are shown as "
       "percentages and their changes in percentage points (pp). The exact figures are in "
       "deltas.json, contracts.csv, members.csv and members.json.</small></p>\n";
  return h + html::PageEnd();
}

}  // namespace vbp::audit
