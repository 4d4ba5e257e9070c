// The reconcile page (vbp reconcile --html): what a provider's analyst reads first is whether
// the lists agree, and where the money differs most; every difference follows in one table.
#include <algorithm>
#include <map>
#include <set>

#include "engine/report/html.h"
#include "engine/report/reconcile.h"

namespace vbp {
namespace {

using html::Escape;

// Bounds on the page (the CSV and JSON hold every difference).
constexpr size_t kHtmlDifferenceRowsMax = 2000;
constexpr size_t kLargestDifferencesMax = 10;

struct Tally {
  int64_t compared = 0;
  int64_t differ = 0;
};

// Members compared: their list and ours together; a member differs when a member-level
// difference (no claim id) names it. Claims compared: their claim rows and the counted claims
// missing from their list; a claim differs when a difference names it.
std::pair<Tally, Tally> Tallies(const ReconcileReport& r) {
  std::set<std::string> members;
  std::set<std::pair<std::string, std::string>> claims;
  int64_t not_listed = 0;
  for (const Difference& d : r.differences) {
    if (d.claim_id.empty()) {
      members.insert(d.member_id);
    } else if (claims.insert({d.member_id, d.claim_id}).second &&
               d.kind == DifferenceKind::kClaimNotListed) {
      ++not_listed;
    }
  }
  Tally m{r.their_members + r.our_members - r.members_in_both,
          static_cast<int64_t>(members.size())};
  Tally c{r.their_claims + not_listed, static_cast<int64_t>(claims.size())};
  return {m, c};
}

std::string Count(int64_t n) { return html::GroupThousands(std::to_string(n)); }

std::string CountCell(int64_t n) { return html::NumberCell(std::to_string(n), Count(n)); }

std::string TallyRow(const char* what, const Tally& t, const std::string& extra) {
  return std::string("<td>") + what + "</td>" + CountCell(t.compared) +
         CountCell(t.compared - t.differ) + CountCell(t.differ) + "<td>" + extra + "</td>";
}

std::string SummaryHtml(const ReconcileReport& r) {
  const auto [m, c] = Tallies(r);
  const Tally total{m.compared + c.compared, m.differ + c.differ};
  std::string h =
      "<h2>Summary</h2>\n<table id=\"summary\" data-check=\"summary\" aria-label=\"summary\">"
      "<thead><tr><th>figures compared</th><th>compared</th><th>agree</th><th>differ</th>"
      "<th>detail</th></tr></thead><tbody>\n";
  h += "<tr>" +
       TallyRow("members", m,
                "yours " + Count(r.their_members) + ", ours " + Count(r.our_members) +
                    ", on both lists " + Count(r.members_in_both)) +
       "</tr>\n";
  h += "<tr>" + TallyRow("claims", c, "claim rows in your file " + Count(r.their_claims)) +
       "</tr>\n";
  h += "</tbody><tfoot><tr class=\"total\" data-check=\"total\">" +
       TallyRow("TOTAL", total,
                Count(static_cast<int64_t>(r.differences.size())) + " differences listed below") +
       "</tr></tfoot></table>\n";
  return h;
}

std::string ByKindHtml(const ReconcileReport& r) {
  std::map<std::string, int64_t> by_kind;
  for (const Difference& d : r.differences) ++by_kind[DifferenceKindName(d.kind)];
  if (by_kind.empty()) return "<p><b>No difference: your figures and ours agree.</b></p>\n";
  std::string h =
      "<h2>Differences by kind</h2>\n<table class=\"sortable\" aria-label=\"differences by "
      "kind\"><thead><tr><th>kind</th><th>differences</th></tr></thead><tbody>\n";
  for (const auto& [kind, n] : by_kind) {
    h += "<tr><td>" + Escape(html::CodeWords(kind)) + "</td>" + CountCell(n) + "</tr>\n";
  }
  return h + "</tbody></table>\n";
}

// Money differences (a delta with decimals; counts have none) by size, largest first; ties in
// the report's own order.
std::vector<std::pair<Rational, const Difference*>> Largest(const ReconcileReport& r) {
  std::vector<std::pair<Rational, const Difference*>> out;
  for (const Difference& d : r.differences) {
    if (d.delta.find('.') == std::string::npos) continue;
    auto v = ParseExactDecimal(d.delta);
    if (!v.ok() || *v == 0) continue;
    out.push_back({*v < 0 ? Rational(-*v) : *v, &d});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& x, const auto& y) { return x.first > y.first; });
  if (out.size() > kLargestDifferencesMax) out.resize(kLargestDifferencesMax);
  return out;
}

std::string Row(const Difference& d, bool full) {
  std::string h = "<tr><td>" + Escape(html::CodeWords(DifferenceKindName(d.kind))) + "</td><td>" +
                  Escape(d.member_id) + "</td><td>" + Escape(d.claim_id) + "</td>" +
                  html::NumberCell(d.theirs, html::GroupThousands(d.theirs)) +
                  html::NumberCell(d.ours, html::GroupThousands(d.ours)) +
                  html::NumberCell(d.delta, html::GroupThousands(d.delta));
  if (full) {
    std::string lines;
    for (int64_t l : d.their_lines) lines += (lines.empty() ? "" : ", ") + std::to_string(l);
    h += "<td>" + Escape(html::CodeWords(d.status)) + "</td><td>" +
         (d.step ? std::to_string(*d.step) : "") + "</td><td>" + Escape(d.unit) + "</td><td>" +
         (d.version ? std::to_string(*d.version) : "") + "</td><td>" + lines + "</td>";
  }
  return h + "<td><small>" + Escape(d.reason) + "</small></td></tr>\n";
}

constexpr const char* kShortHead =
    "<th>kind</th><th>member</th><th>claim</th><th>yours</th><th>ours</th>"
    "<th>&Delta; (ours &minus; yours)</th>";

std::string LargestHtml(const ReconcileReport& r) {
  const auto largest = Largest(r);
  if (largest.empty()) return "";
  std::string h =
      "<h2>Largest money differences</h2>\n<div class=\"scroll\"><table "
      "aria-label=\"largest differences\"><thead><tr>" +
      std::string(kShortHead) + "<th>reason</th></tr></thead><tbody>\n";
  for (const auto& [size, d] : largest) h += Row(*d, false);
  return h + "</tbody></table></div>\n";
}

std::string DifferencesHtml(const ReconcileReport& r) {
  if (r.differences.empty()) return "";
  const size_t shown = std::min(r.differences.size(), kHtmlDifferenceRowsMax);
  std::string h = "<h2>Every difference</h2>\n";
  if (shown < r.differences.size()) {
    h += "<p>The first " + Count(static_cast<int64_t>(shown)) + " of " +
         Count(static_cast<int64_t>(r.differences.size())) +
         " differences; the CSV and JSON files hold all of them.</p>\n";
  }
  h += "<div class=\"scroll\"><table class=\"sortable filterable\" aria-label=\"differences\">"
       "<thead><tr>" +
       std::string(kShortHead) +
       "<th>status</th><th>step</th><th>unit</th><th>version</th><th>your lines</th>"
       "<th>reason</th></tr></thead><tbody>\n";
  for (size_t i = 0; i < shown; ++i) h += Row(r.differences[i], true);
  return h + "</tbody></table></div>\n";
}

}  // namespace

std::string ReconcileHtml(const ReconcileReport& report, const std::string& theirs,
                          const std::string& source) {
  const std::string title =
      "Reconcile: " + report.contract_id.str() + " " + std::to_string(report.performance_year);
  std::string h = html::PageStart("vbp " + title);
  h += "<h1>" + Escape(title) + "</h1>\n<p class=\"meta\">Your file: " + Escape(theirs) +
       " &nbsp; Ours: " + Escape(source) + "<br>As of " + Escape(report.as_of.ToString()) +
       "; claims paid after the run-out cutoff " + Escape(report.runout_cutoff.ToString()) +
       " do not count.</p>\n";
  h += SummaryHtml(report);
  for (const auto& n : report.notes) h += "<p class=\"meta\">Note: " + Escape(n) + "</p>\n";
  h += ByKindHtml(report);
  h += LargestHtml(report);
  h += DifferencesHtml(report);
  h += "<p><small>Amounts are the exact decimals of the comparison (no rounding); the CSV and "
       "JSON output of vbp reconcile hold the same rows.</small></p>\n";
  return h + html::PageEnd();
}

}  // namespace vbp
