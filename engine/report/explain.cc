#include "engine/report/explain.h"

#include <algorithm>

#include "engine/core/statement_json.h"
#include "engine/report/words.h"
#include "engine/state/stored_json.h"
#include "rules/hcc/risk_score_json.h"
#include "rules/quality/quality_json.h"

namespace vbp::audit {

using nlohmann::ordered_json;

namespace {

const char* kTypeNames[kEnrollmentTypeCount] = {"esrd", "disabled", "aged_dual", "aged_nondual"};

std::string Exact6(const Rational& r) { return FormatHalfEven(r, 6); }

ordered_json Tallies(const std::vector<rules::UnitTally>& v) {
  ordered_json a = ordered_json::array();
  int rank = 0;
  for (const auto& t : v) {
    ordered_json u;
    u["rank"] = ++rank;
    u["unit"] = t.unit.ToString();
    u["allowed"] = t.allowed.ToString();
    u["last_service"] = t.last_service.ToString();
    u["lines"] = t.lines;
    a.push_back(u);
  }
  return a;
}

// The units the tie was between and the rule that split it (null when no tie).
ordered_json Tie(const rules::MemberOutcome& m) {
  if (m.decided_by.rfind("tie", 0) != 0) return nullptr;
  const auto& v = StepTally(m);
  ordered_json t;
  ordered_json between = ordered_json::array();
  for (const auto& u : v) {
    if (u.allowed != v.front().allowed) break;
    between.push_back({{"unit", u.unit.ToString()},
                       {"allowed", u.allowed.ToString()},
                       {"last_service", u.last_service.ToString()}});
  }
  t["between"] = between;
  t["rule"] = m.decided_by;
  t["winner"] = m.winner ? ordered_json(m.winner->ToString()) : ordered_json(nullptr);
  return t;
}

ordered_json LineJson(const rules::LineDecision& d) {
  ordered_json j;
  j["claim_id"] = d.claim_id;
  j["version"] = d.version;
  j["line"] = d.line;
  j["service_date"] = d.service_date.ToString();
  j["paid_date"] = d.paid_date.ToString();
  j["hcpcs"] = d.hcpcs;
  j["pos"] = d.pos;
  j["rendering_npi"] = d.rendering_npi;
  j["unit"] = d.unit.ToString();
  j["allowed"] = d.allowed.ToString();
  j["paid"] = d.paid.ToString();
  ordered_json a;
  const bool looked_up = d.counted_at != rules::AttributionStep::kNone ||
                         d.attribution_note.find("other") != std::string::npos;
  a["counted_at_step"] = d.counted_at == rules::AttributionStep::kNone
                             ? ordered_json(nullptr)
                             : ordered_json(static_cast<int>(d.counted_at));
  a["provider_class"] =
      looked_up ? ordered_json(ProviderClassName(d.provider_class)) : ordered_json(nullptr);
  a["note"] = d.attribution_note.empty() && d.counted_at != rules::AttributionStep::kNone
                  ? std::string("counted")
                  : d.attribution_note;
  j["attribution"] = a;
  ordered_json e;
  e["counted"] = d.expenditure;
  e["enrollment_type"] = d.expenditure_type ? ordered_json(EnrollmentTypeName(*d.expenditure_type))
                                            : ordered_json(nullptr);
  e["note"] = d.expenditure ? std::string("counted") : d.expenditure_note;
  j["expenditure"] = e;
  return j;
}

const ResolvedContract* FirstContract(const Evaluation& ev, size_t p, size_t g) {
  return ev.plans()[p].groups[g].contracts.front();
}

ordered_json EvaluationJson(const AuditBook& book, const Evaluation& ev, const std::string& id,
                            size_t p, size_t g) {
  const YearPlan& plan = ev.plans()[p];
  const EvaluationGroup& group = plan.groups[g];
  rules::MemberTrace trace;
  rules::MemberOutcome m = ev.EvaluateOne(id, p, g, &trace);
  const Member* record = book.FindMember(id);
  const bool counts = m.contract && group.Has(*m.contract);
  ordered_json j;
  j["performance_year"] = plan.year;
  j["contracts_evaluated"] = ev.GroupContracts(p, g);
  j["rule_set"] = FirstContract(ev, p, g)->rule_set->id();
  j["as_of"] = ev.as_of().ToString();
  j["runout_cutoff"] = group.params->RunoutCutoff(plan.year).ToString();
  ordered_json r;
  r["status"] = rules::UnattributedName(m.unattributed);
  r["contract_id"] = m.contract ? ordered_json(m.contract->str()) : ordered_json(nullptr);
  r["counts_for_this_group"] = counts;
  r["step"] = m.step == rules::AttributionStep::kNone ? ordered_json(nullptr)
                                                      : ordered_json(static_cast<int>(m.step));
  r["unit"] = m.winner ? ordered_json(m.winner->ToString()) : ordered_json(nullptr);
  r["decided_by"] = m.decided_by;
  r["why"] = WhyText(m);
  if (m.contract && !counts) {
    r["note"] =
        "the winning contract is evaluated under other member-level rules: see its "
        "own evaluation group";
  }
  j["result"] = r;

  ordered_json e;
  e["member_record"] = record != nullptr;
  e["eligible_months"] = m.eligible_months;
  ordered_json by_type;
  for (int t = 0; t < kEnrollmentTypeCount; ++t)
    by_type[kTypeNames[t]] = m.months[static_cast<size_t>(t)];
  e["months_by_type"] = by_type;
  ordered_json months = ordered_json::array();
  for (int k = 0; k < 12; ++k) {
    const auto& t = m.month_type[static_cast<size_t>(k)];
    months.push_back(t ? ordered_json(EnrollmentTypeName(*t)) : ordered_json(nullptr));
  }
  e["month_types"] = months;
  e["exclusion"] = m.exclusion.empty() ? ordered_json(nullptr) : ordered_json(m.exclusion);
  j["eligibility"] = e;

  if (record && record->aligned_npi) {
    ordered_json v;
    v["aligned_npi"] = record->aligned_npi->str();
    v["result"] = m.step == rules::AttributionStep::kVoluntary
                      ? m.decided_by
                      : std::string(
                            "the aligned NPI bills under no contract TIN in the "
                            "performance year: steps 1-2 decide");
    j["voluntary_alignment"] = v;
  } else {
    j["voluntary_alignment"] = nullptr;
  }
  j["step1_allowed_by_unit"] = Tallies(m.step1);
  j["step2_allowed_by_unit"] = Tallies(m.step2);
  j["tie"] = Tie(m);

  const rules::Parameters& params = *group.params;
  ordered_json x;
  ordered_json xt;
  for (int t = 0; t < kEnrollmentTypeCount; ++t) {
    const size_t i = static_cast<size_t>(t);
    if (m.months[i] == 0 && m.expenditure[i].IsZero()) continue;
    ordered_json o;
    o["months"] = m.months[i];
    o["paid"] = m.expenditure[i].ToString();
    o["truncation_threshold"] = params.truncation_threshold[i].ToString();
    const Rational cap = params.truncation_threshold[i].ToExact() * m.months[i] / 12;
    o["cap"] = Exact6(cap);
    const Rational truncated =
        Rational(BigInt(m.truncated_x12[i]), BigInt(Money::kMicrosPerDollar) * 12);
    o["truncated"] = Exact6(truncated);
    o["truncated_away"] = Exact6(m.expenditure[i].ToExact() - truncated);
    xt[kTypeNames[t]] = o;
  }
  x["by_type"] = xt.is_null() ? ordered_json::object() : xt;
  x["paid_total"] = m.ExpenditureTotal().ToString();
  x["truncated_total"] = Exact6(m.TruncatedTotal());
  if (counts) {
    const SideContract* sc = ev.Find(*m.contract);
    if (sc) {
      x["completion_factor"] = RateText(sc->contract->params.completion_factor);
      x["contribution_to_expenditure_total"] =
          Exact6(m.TruncatedTotal() * sc->contract->params.completion_factor);
    }
  }
  j["expenditure"] = x;
  j["risk_score"] = m.risk_score ? ordered_json(Exact6(*m.risk_score)) : ordered_json(nullptr);
  j["risk_score_source"] = !m.risk_score ? "none" : (m.risk_score_computed ? "computed" : "record");
  // Why the computed score is what it is, and the member's quality measure results.
  if (trace.risk_score) j["risk_score_trail"] = rules::hcc::RiskScoreToJson(*trace.risk_score);
  if (trace.measures) j["quality_measures"] = rules::quality::MemberMeasuresToJson(*trace.measures);
  j["pmpm_rate"] = m.pmpm_rate.ToString();
  j["pmpm_total"] = m.attributed() ? m.pmpm_total.ToString() : std::string("0.00");
  ordered_json unknown = ordered_json::array();
  for (const auto& n : m.unknown_npis) unknown.push_back(n);
  j["unknown_npis"] = unknown;
  ordered_json lines = ordered_json::array();
  for (const auto& d : trace.lines) lines.push_back(LineJson(d));
  j["lines"] = lines;
  return j;
}

std::string Pad(std::string s, size_t n) {
  if (s.size() < n) s.append(n - s.size(), ' ');
  return s;
}

std::string Str(const ordered_json& j) {
  if (j.is_null()) return "-";
  if (j.is_string()) return j.get<std::string>();
  return j.dump();
}

void TallyText(const ordered_json& t, const char* title, std::string* out) {
  if (t.empty()) return;
  *out += std::string("  ") + title + ":\n";
  for (const auto& u : t) {
    *out += "    " + std::to_string(u["rank"].get<int>()) + ". " + Pad(Str(u["unit"]), 22) +
            " allowed " + Pad(Str(u["allowed"]), 12) + " last service " + Str(u["last_service"]) +
            "  (" + std::to_string(u["lines"].get<int>()) + " lines)\n";
  }
}

// The CMS-HCC trail of a computed risk score, one line per model.
void RiskTrailText(const ordered_json& t, std::string* out) {
  if (!t.value("scored", false)) {
    *out += "    not scored: " + Str(t["not_scored_reason"]) + "\n";
    return;
  }
  for (const auto& m : t["models"]) {
    *out += "    " + Str(m["model"]) + " " + Str(m["segment"]) + " (weight " + Str(m["weight"]) +
            ", normalization " + Str(m["normalization"]) + "): raw " + Str(m["raw"]) + " =";
    for (const auto& f : m["factors"]) *out += " " + Str(f["name"]) + " " + Str(f["coefficient"]);
    *out += "\n";
    for (const auto& h : m["hccs"]) {
      if (h.value("kept", true)) continue;
      *out += "      HCC" + Str(h["hcc"]) + " dropped by HCC" + Str(h["trumped_by"]) + "\n";
    }
  }
}

// Per-measure results: status and the reason, with the claim that decided.
void MeasuresText(const ordered_json& q, std::string* out) {
  *out += "  quality measures:\n";
  for (const auto& m : q["measures"]) {
    *out += "    " + Pad(Str(m["measure_id"]), 11) + Pad(Str(m["status"]), 19) + Str(m["reason"]);
    for (const auto& ev : m["evidence"]) {
      *out += "; " + Str(ev["role"]) + " claim " + Str(ev["claim_id"]);
      if (ev.value("line", 0) != 0) *out += " line " + Str(ev["line"]);
      *out += " " + Str(ev["code"]) + " " + Str(ev["date"]);
    }
    *out += "\n";
  }
}

}  // namespace

Result<ordered_json> ExplainMember(const AuditBook& book, const Evaluation& ev,
                                   const MemberQuery& q) {
  const bool known = book.FindMember(q.member_id) || !book.ClaimsOf(q.member_id).empty();
  if (!known) {
    return Status::NotFound("member " + q.member_id +
                            " has no member record and no effective claim in this input");
  }
  const SideContract* only = nullptr;
  if (q.contract) {
    only = ev.Find(*q.contract);
    if (!only) {
      std::string why;
      for (const auto& [id, reason] : ev.unresolved()) {
        if (id == *q.contract) why = ": " + reason;
      }
      return Status::NotFound("contract " + q.contract->str() + " is not a usable contract here" +
                              (why.empty() ? std::string(" (no such contract)") : why));
    }
  }
  ordered_json j;
  j["member_id"] = q.member_id;
  j["contract_id"] = q.contract ? ordered_json(q.contract->str()) : ordered_json(nullptr);
  ordered_json evals = ordered_json::array();
  for (size_t p = 0; p < ev.plans().size(); ++p) {
    const int year = ev.plans()[p].year;
    if (q.year && *q.year != year) continue;
    if (only && only->plan != p) continue;
    for (size_t g = 0; g < ev.plans()[p].groups.size(); ++g) {
      if (only && only->group != g) continue;
      ordered_json e = EvaluationJson(book, ev, q.member_id, p, g);
      if (only) {
        const ordered_json& r = e["result"];
        std::string verdict;
        if (r["contract_id"] == q.contract->str() && r["counts_for_this_group"].get<bool>()) {
          verdict = "attributed to " + q.contract->str();
        } else if (!r["contract_id"].is_null()) {
          verdict = "not attributed to " + q.contract->str() + ": attributed to " +
                    r["contract_id"].get<std::string>() + " instead";
        } else {
          verdict = "not attributed to " + q.contract->str() + ": " + r["why"].get<std::string>();
        }
        e["verdict_for_contract"] = verdict;
      }
      evals.push_back(std::move(e));
    }
  }
  if (evals.empty()) {
    return Status::NotFound("no contract year to evaluate member " + q.member_id +
                            (q.year ? " in " + std::to_string(*q.year) : std::string()));
  }
  j["evaluations"] = evals;
  return j;
}

std::string ExplainMemberText(const ordered_json& j) {
  std::string out = "member " + Str(j["member_id"]) + "\n";
  for (const auto& e : j["evaluations"]) {
    out += "\n== performance year " + Str(e["performance_year"]) + ", contracts evaluated: ";
    std::string list;
    for (const auto& c : e["contracts_evaluated"]) list += (list.empty() ? "" : ", ") + Str(c);
    out += list + " (" + Str(e["rule_set"]) + ", as of " + Str(e["as_of"]) + ", run-out " +
           Str(e["runout_cutoff"]) + ")\n";
    if (e.contains("verdict_for_contract")) out += "  " + Str(e["verdict_for_contract"]) + "\n";
    out += "  " + Str(e["result"]["why"]) + "\n";
    if (e["result"].contains("note")) out += "  note: " + Str(e["result"]["note"]) + "\n";
    const auto& el = e["eligibility"];
    out += "  eligibility: " + Str(el["eligible_months"]) + " eligible months";
    std::string types;
    for (auto it = el["months_by_type"].begin(); it != el["months_by_type"].end(); ++it) {
      if (it.value().get<int>() > 0)
        types += (types.empty() ? "" : ", ") + it.key() + " " + it.value().dump();
    }
    if (!types.empty()) out += " (" + types + ")";
    if (!el["member_record"].get<bool>()) out += "; no member record";
    if (!el["exclusion"].is_null()) out += "; excluded: " + Str(el["exclusion"]);
    out += "\n  months:";
    const char* names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int k = 0; k < 12; ++k) {
      out += std::string(" ") + names[k] + "=" + Str(el["month_types"][static_cast<size_t>(k)]);
    }
    out += "\n";
    if (!e["voluntary_alignment"].is_null()) {
      out += "  voluntary alignment: NPI " + Str(e["voluntary_alignment"]["aligned_npi"]) + ": " +
             Str(e["voluntary_alignment"]["result"]) + "\n";
    }
    TallyText(e["step1_allowed_by_unit"], "step 1 allowed by unit (pcp/npp)", &out);
    TallyText(e["step2_allowed_by_unit"], "step 2 allowed by unit (specialists)", &out);
    if (!e["tie"].is_null()) {
      out += "  tie between:";
      for (const auto& u : e["tie"]["between"]) out += " " + Str(u["unit"]);
      out += " -> " + Str(e["tie"]["rule"]) + " -> " + Str(e["tie"]["winner"]) + "\n";
    }
    const auto& x = e["expenditure"];
    out += "  expenditure: paid " + Str(x["paid_total"]) + ", after truncation " +
           Str(x["truncated_total"]);
    if (x.contains("contribution_to_expenditure_total")) {
      out += ", x completion " + Str(x["completion_factor"]) + " = " +
             Str(x["contribution_to_expenditure_total"]);
    }
    out += "\n";
    for (auto it = x["by_type"].begin(); it != x["by_type"].end(); ++it) {
      const auto& o = it.value();
      out += "    " + Pad(it.key(), 13) + Str(o["months"]) + " months, paid " + Str(o["paid"]) +
             ", cap " + Str(o["truncation_threshold"]) + " x " + Str(o["months"]) +
             "/12 = " + Str(o["cap"]) + ", counted " + Str(o["truncated"]) + "\n";
    }
    out += "  risk score " + Str(e["risk_score"]) + " (" + Str(e["risk_score_source"]) + "), fee " +
           Str(e["pmpm_rate"]) + " pmpm, total " + Str(e["pmpm_total"]) + "\n";
    if (e.contains("risk_score_trail")) RiskTrailText(e["risk_score_trail"], &out);
    if (e.contains("quality_measures")) MeasuresText(e["quality_measures"], &out);
    if (!e["unknown_npis"].empty()) {
      out += "  rendering NPIs not on the roster (class 'other'):";
      for (const auto& n : e["unknown_npis"]) out += " " + Str(n);
      out += "\n";
    }
    out += "  claim lines (" + std::to_string(e["lines"].size()) + "):\n";
    for (const auto& l : e["lines"]) {
      const auto& a = l["attribution"];
      const auto& ex = l["expenditure"];
      out +=
          "    " + Str(l["claim_id"]) + " v" + Str(l["version"]) + " line " + Str(l["line"]) +
          "  " + Str(l["service_date"]) + " paid " + Str(l["paid_date"]) + "  " + Str(l["hcpcs"]) +
          " pos " + Str(l["pos"]) + "  " + Str(l["unit"]) + " npi " + Str(l["rendering_npi"]) +
          "  allowed " + Str(l["allowed"]) + " paid " + Str(l["paid"]) + "\n      attribution: " +
          (a["counted_at_step"].is_null() ? std::string("not counted")
                                          : "counted at step " + Str(a["counted_at_step"])) +
          (a["provider_class"].is_null() ? std::string() : " (" + Str(a["provider_class"]) + ")") +
          (Str(a["note"]) == "counted" || Str(a["note"]).empty() ? std::string()
                                                                 : ": " + Str(a["note"])) +
          "; expenditure: " +
          (ex["counted"].get<bool>() ? "counted (" + Str(ex["enrollment_type"]) + ")"
                                     : "not counted: " + Str(ex["note"])) +
          "\n";
    }
  }
  return out;
}

namespace {

// A member attributed to the contract, with its outcome under the contract's group.
struct FigureRow {
  std::string id;
  rules::MemberOutcome m;
};

// What a figure's drill-down reads: the contract's attributed members and the figures settled
// from exactly their aggregate.
struct FigureContext {
  const ResolvedContract* rc = nullptr;
  std::vector<FigureRow> rows;
  rules::StatementFigures fig;
  ordered_json recomputed;
};

Status CheckFigureName(const std::string& figure) {
  const auto& names = StatementFigureNames();
  if (std::find(names.begin(), names.end(), figure) != names.end()) return Status::Ok();
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return Status::Invalid("unknown figure '" + figure + "' (one of: " + list + ")");
}

// Every member in the contract's evaluation group; those attributed to it contribute.
FigureContext SettleFromMembers(const AuditBook& book, const Evaluation& ev, const SideContract& sc,
                                const ContractId& contract) {
  FigureContext x;
  x.rc = sc.contract;
  rules::ContractAggregate agg;
  for (const std::string& id : book.member_ids()) {
    rules::MemberOutcome m = ev.EvaluateOne(id, sc.plan, sc.group, nullptr);
    if (!m.contract || *m.contract != contract) continue;
    agg.Apply(m, +1);
    x.rows.push_back({id, std::move(m)});
  }
  const ResolvedContract& rc = *x.rc;
  rules::ContractIdentity identity{rc.record.contract_id, rc.record.performance_year,
                                   rc.rule_set->id(),     rc.rule_set->hash(),
                                   rc.parameters_hash,    ev.as_of()};
  x.fig = rules::SettleContract(identity, agg, rc.params);
  x.recomputed = StatementJson(x.fig, 0, sc.tins);
  return x;
}

// The statement revision's value beside the recomputed one, when a revision was given.
void CompareWithStatement(const FigureQuery& q, const ordered_json& recomputed, ordered_json& j) {
  if (q.statement_text.empty()) return;
  auto s = ordered_json::parse(q.statement_text, nullptr, false);
  if (s.is_discarded() || !s.is_object() || !s.contains(q.figure)) return;
  j["statement_revision"] = s.value("revision", ordered_json());
  j["statement_value"] = s[q.figure];
  j["matches_statement"] = s[q.figure] == recomputed[q.figure];
  if (s[q.figure] != recomputed[q.figure]) {
    j["note"] =
        "the statement revision was settled from other input than this snapshot "
        "(a later state, or an as-of of " +
        stored_json::String(s, "as_of", "?") +
        "): recompute that revision with vbp recalc, or pass --as-of";
  }
}

const std::string& FigureFormula(const std::string& figure) {
  static const std::map<std::string, std::string> kFormula = {
      {"assigned_members", "count of members attributed to the contract (SPEC §3.3)"},
      {"person_years", "sum of attributed members' eligible months / 12 (SPEC §3.5)"},
      {"benchmark_total",
       "sum over enrollment types of benchmark_pbpy x risk_ratio x person_years; per member: "
       "pbpy[type] x risk_ratio[type] x months[type] / 12 (SPEC §3.5)"},
      {"expenditure_total",
       "sum of members' paid amounts in eligible months, truncated per type at threshold x "
       "months/12, times completion_factor (SPEC §3.4)"},
      {"gross_savings",
       "benchmark_total - expenditure_total; per member: its benchmark minus its "
       "expenditure contribution (SPEC §3.6)"},
      {"pmpm_total", "sum of attributed members' fee x eligible months (SPEC §3.9)"},
      {"savings_rate", "gross_savings / benchmark_total (0 when there is no benchmark)"},
      {"msr", "minimum savings rate for N = assigned_members (parameter msr: fixed or band table)"},
      {"mlr", "minimum loss rate for N = assigned_members (two-sided only; 0 for one-sided)"},
      {"quality_score", "q: the quality_score parameter, or the measures' composite (SPEC §3.7)"},
      {"final_sharing_rate",
       "multiplier: max_sharing_rate x q; gate: max_sharing_rate when q >= quality_threshold, "
       "else 0 (SPEC §3.7)"},
      {"shared_savings",
       "when savings_rate >= msr and the final rate > 0: min(gross_savings x final_sharing_rate, "
       "savings_cap x benchmark_total) x (1 - payment_reduction) (SPEC §3.8)"},
      {"shared_losses",
       "two-sided and savings_rate <= -mlr: min(-gross_savings x loss_rate, loss_cap x "
       "benchmark_total) (SPEC §3.8)"},
      {"net_payment",
       "shared_savings - shared_losses + pmpm_total, of the rounded figures (SPEC §4)"}};
  return kFormula.at(figure);
}

bool IsAdditive(const std::string& f) {
  return f == "assigned_members" || f == "person_years" || f == "benchmark_total" ||
         f == "expenditure_total" || f == "gross_savings" || f == "pmpm_total";
}

// A figure that is not a sum over members: the figures and parameters it is computed from.
ordered_json FigureInputs(const FigureContext& x) {
  ordered_json in;
  for (const char* k : {"assigned_members", "benchmark_total", "expenditure_total", "gross_savings",
                        "savings_rate", "msr", "mlr", "quality_score", "final_sharing_rate",
                        "shared_savings", "shared_losses", "pmpm_total", "net_payment"}) {
    in[k] = x.recomputed[k];
  }
  const auto& d = x.recomputed["detail"];
  in["outcome"] = d["outcome"];
  in["savings_cap_amount"] = d["savings_cap_amount"];
  in["loss_rate"] = d["loss_rate"];
  in["loss_cap_amount"] = d["loss_cap_amount"];
  for (const char* p :
       {"msr", "mlr", "risk_model", "quality_mode", "quality_threshold", "max_sharing_rate",
        "savings_cap", "payment_reduction", "loss_cap", "quality_score"}) {
    if (x.rc->merged_parameters.contains(p)) {
      in["parameter." + std::string(p)] = ordered_json::parse(x.rc->merged_parameters[p].dump());
    }
  }
  return in;
}

// One member's exact contribution to additive figure `f`, with what it is made of in `o`.
class Contributions {
 public:
  Contributions(const FigureContext& x, const std::string& f) : x_(x), f_(f) {}

  Rational Of(const rules::MemberOutcome& m, ordered_json& o) const {
    if (f_ == "assigned_members") return 1;
    if (f_ == "person_years") return Rational(m.eligible_months, 12);
    if (f_ == "benchmark_total") {
      ordered_json months;
      for (int t = 0; t < kEnrollmentTypeCount; ++t) {
        if (m.months[static_cast<size_t>(t)])
          months[kTypeNames[t]] = m.months[static_cast<size_t>(t)];
      }
      o["months_by_type"] = months;
      o["risk_score"] = m.risk_score ? ordered_json(Exact6(*m.risk_score)) : ordered_json(nullptr);
      return Benchmark(m);
    }
    if (f_ == "expenditure_total") {
      o["paid"] = m.ExpenditureTotal().ToString();
      o["truncated"] = Exact6(m.TruncatedTotal());
      return Expenditure(m);
    }
    if (f_ == "gross_savings") {
      o["benchmark"] = Exact6(Benchmark(m));
      o["expenditure"] = Exact6(Expenditure(m));
      return Benchmark(m) - Expenditure(m);
    }
    if (f_ == "pmpm_total") {
      o["risk_score"] = m.risk_score ? ordered_json(Exact6(*m.risk_score)) : ordered_json(nullptr);
      o["pmpm_rate"] = m.pmpm_rate.ToString();
      return m.pmpm_total.ToExact();
    }
    return 0;
  }

 private:
  Rational Benchmark(const rules::MemberOutcome& m) const {
    Rational b = 0;
    for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
      b += x_.fig.benchmark_pbpy[t].ToExact() * x_.fig.by_type[t].risk_ratio * m.months[t] / 12;
    }
    return b;
  }
  Rational Expenditure(const rules::MemberOutcome& m) const {
    return m.TruncatedTotal() * x_.rc->params.completion_factor;
  }

  const FigureContext& x_;
  const std::string& f_;
};

// An additive figure: each member's exact contribution and their sum, which must equal it.
void MemberContributions(const FigureContext& x, const std::string& f, ordered_json& j) {
  const Contributions contributions(x, f);
  Rational sum = 0;
  ordered_json members = ordered_json::array();
  for (const FigureRow& r : x.rows) {
    const rules::MemberOutcome& m = r.m;
    ordered_json o;
    o["member_id"] = r.id;
    o["step"] = static_cast<int>(m.step);
    o["unit"] = m.winner ? m.winner->ToString() : std::string();
    o["decided_by"] = m.decided_by;
    o["eligible_months"] = m.eligible_months;
    const Rational c = contributions.Of(m, o);
    sum += c;
    o["contribution"] = f == "assigned_members" ? ordered_json(1) : ordered_json(Exact6(c));
    members.push_back(std::move(o));
  }
  j["member_count"] = x.rows.size();
  if (f == "assigned_members") {
    j["sum_of_contributions"] = static_cast<int64_t>(x.rows.size());
  } else if (f == "person_years") {
    j["sum_of_contributions"] = RateText(sum);
  } else {
    j["sum_of_contributions"] = MoneyText(sum);
  }
  j["sum_equals_recomputed_value"] = j["sum_of_contributions"] == x.recomputed[f];
  if (f == "benchmark_total") {
    ordered_json rr;
    for (int t = 0; t < kEnrollmentTypeCount; ++t) {
      const size_t i = static_cast<size_t>(t);
      if (x.fig.by_type[i].months == 0) continue;
      rr[kTypeNames[t]] = {{"benchmark_pbpy", MoneyText(x.fig.benchmark_pbpy[i].ToExact())},
                           {"risk_ratio", RateText(x.fig.by_type[i].risk_ratio)},
                           {"months", x.fig.by_type[i].months}};
    }
    j["by_type"] = rr;
  }
  if (f == "expenditure_total") {
    j["completion_factor"] = RateText(x.rc->params.completion_factor);
  }
  j["members"] = members;
}

}  // namespace

Result<ordered_json> ExplainFigure(const AuditBook& book, const Evaluation& ev,
                                   const FigureQuery& q) {
  // Every statement figure can be drilled into.
  VBP_RETURN_IF_ERROR(CheckFigureName(q.figure));
  const SideContract* sc = ev.Find(q.contract);
  if (!sc)
    return Status::NotFound("contract " + q.contract.str() + " is not a usable contract here");
  const FigureContext x = SettleFromMembers(book, ev, *sc, q.contract);
  ordered_json j;
  j["contract_id"] = q.contract.str();
  j["performance_year"] = x.rc->record.performance_year;
  j["figure"] = q.figure;
  j["as_of"] = ev.as_of().ToString();
  j["rule_set"] = x.rc->rule_set->id();
  j["recomputed_value"] = x.recomputed[q.figure];
  CompareWithStatement(q, x.recomputed, j);
  j["formula"] = FigureFormula(q.figure);
  if (IsAdditive(q.figure)) {
    MemberContributions(x, q.figure, j);
  } else {
    j["inputs"] = FigureInputs(x);
    j["drill_into"] = {"assigned_members", "benchmark_total", "expenditure_total", "pmpm_total"};
  }
  if (q.member_id) {
    MemberQuery mq{*q.member_id, q.contract, std::nullopt};
    auto m = ExplainMember(book, ev, mq);
    if (!m.ok()) return m.status();
    j["member_detail"] = (*m)["evaluations"][0];
  }
  return j;
}

std::string ExplainFigureText(const ordered_json& j) {
  std::string out = "contract " + Str(j["contract_id"]) + " " + Str(j["performance_year"]) + ": " +
                    Str(j["figure"]) + " = " + Str(j["recomputed_value"]) + " (recomputed, as of " +
                    Str(j["as_of"]) + ", " + Str(j["rule_set"]) + ")\n";
  if (j.contains("statement_value")) {
    out += "statement revision " + Str(j["statement_revision"]) + ": " + Str(j["statement_value"]) +
           (j["matches_statement"].get<bool>() ? " (matches)\n" : " (DIFFERS)\n");
    if (j.contains("note")) out += "note: " + Str(j["note"]) + "\n";
  }
  out += "formula: " + Str(j["formula"]) + "\n";
  if (j.contains("inputs")) {
    out += "inputs:\n";
    for (auto it = j["inputs"].begin(); it != j["inputs"].end(); ++it) {
      out += "  " + Pad(it.key(), 30) + " " + Str(it.value()) + "\n";
    }
    out += "drill into:";
    for (const auto& d : j["drill_into"]) out += " " + Str(d);
    out += "\n";
  }
  if (j.contains("members")) {
    if (j.contains("by_type")) {
      for (auto it = j["by_type"].begin(); it != j["by_type"].end(); ++it) {
        out += "  " + Pad(it.key(), 13) + " pbpy " + Str(it.value()["benchmark_pbpy"]) +
               " x risk ratio " + Str(it.value()["risk_ratio"]) + " over " +
               Str(it.value()["months"]) + " months\n";
      }
    }
    if (j.contains("completion_factor"))
      out += "completion factor " + Str(j["completion_factor"]) + "\n";
    out +=
        Pad("member", 16) + Pad("step", 5) + Pad("unit", 22) + Pad("months", 7) + "contribution\n";
    for (const auto& m : j["members"]) {
      out += Pad(Str(m["member_id"]), 16) + Pad(Str(m["step"]), 5) + Pad(Str(m["unit"]), 22) +
             Pad(Str(m["eligible_months"]), 7) + Str(m["contribution"]);
      if (m.contains("paid"))
        out += "  (paid " + Str(m["paid"]) + ", truncated " + Str(m["truncated"]) + ")";
      if (m.contains("pmpm_rate")) out += "  (fee " + Str(m["pmpm_rate"]) + ")";
      if (m.contains("benchmark"))
        out +=
            "  (benchmark " + Str(m["benchmark"]) + " - expenditure " + Str(m["expenditure"]) + ")";
      out += "\n";
    }
    out += Str(j["member_count"]) + " members; sum of contributions " +
           Str(j["sum_of_contributions"]) +
           (j["sum_equals_recomputed_value"].get<bool>() ? " = the figure\n" : " != the figure\n");
  }
  if (j.contains("member_detail")) {
    ordered_json wrap;
    wrap["member_id"] = "";
    wrap["evaluations"] = ordered_json::array({j["member_detail"]});
    out += "\n" + ExplainMemberText(wrap);
  }
  return out;
}

}  // namespace vbp::audit
