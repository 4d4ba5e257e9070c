#include "rules/core/member_evaluation.h"

#include <algorithm>

#include "rules/hcc/risk_score.h"

namespace vbp::rules {

const char* AttributionStepName(AttributionStep s) {
  switch (s) {
    case AttributionStep::kNone:
      return "none";
    case AttributionStep::kVoluntary:
      return "0";
    case AttributionStep::kPrimaryCare:
      return "1";
    case AttributionStep::kSpecialist:
      return "2";
  }
  return "?";
}

const char* UnattributedName(Unattributed u) {
  switch (u) {
    case Unattributed::kNo:
      return "attributed";
    case Unattributed::kUnknownMember:
      return "unknown_member";
    case Unattributed::kExcludedProgram:
      return "excluded_program";
    case Unattributed::kNoEligibleMonths:
      return "no_eligible_months";
    case Unattributed::kNoQualifyingService:
      return "no_qualifying_service";
    case Unattributed::kWonByOtherUnit:
      return "won_by_non_contract_unit";
  }
  return "?";
}

Money MemberOutcome::ExpenditureTotal() const {
  Money m;
  for (const auto& e : expenditure) m += e;
  return m;
}

PaidCutoff EvaluationContext::paid_cutoff() const {
  return PaidCutoff(params->RunoutCutoff(performance_year), as_of);
}

Rational MemberOutcome::TruncatedTotal() const {
  Int128 s = 0;
  for (const auto& t : truncated_x12) s += t;
  return Rational(BigInt(s), BigInt(Money::kMicrosPerDollar) * 12);
}

namespace {

// SPEC §3.1. Each PY month whose first day is covered by an eligible-program span counts,
// typed by that span; when several eligible spans cover it, the one starting latest (then
// ending latest, then the smallest type) decides, so the result never depends on input order.
void Eligibility(const Member& m, const Parameters& p, int year, MemberOutcome& out) {
  for (unsigned month = 1; month <= 12; ++month) {
    Date first = Date::FirstOfMonth(year, month);
    const Coverage* chosen = nullptr;
    for (const Coverage& c : m.coverage) {
      if (!(c.from <= first && first <= c.through)) continue;
      if (p.excluded_programs.count(c.program)) {
        if (out.exclusion.empty()) out.exclusion = c.program + " covers " + first.ToString();
        continue;
      }
      if (!p.eligible_programs.count(c.program)) continue;
      if (!chosen || c.from > chosen->from ||
          (c.from == chosen->from &&
           (c.through > chosen->through ||
            (c.through == chosen->through && c.enrollment_type < chosen->enrollment_type)))) {
        chosen = &c;
      }
    }
    if (chosen) {
      out.month_type[month - 1] = chosen->enrollment_type;
      ++out.months[static_cast<size_t>(chosen->enrollment_type)];
      ++out.eligible_months;
    }
  }
}

struct Tallies {
  std::vector<UnitTally> v;
  void Add(const Unit& u, const Money& allowed, Date service) {
    for (auto& t : v) {
      if (t.unit == u) {
        t.allowed += allowed;
        if (service > t.last_service) t.last_service = service;
        ++t.lines;
        return;
      }
    }
    v.push_back(UnitTally{u, allowed, service, 1});
  }
  // SPEC §3.3: largest sum; ties by most recent qualifying service, then smallest unit id.
  // Returns how the winner was decided.
  std::string Rank() {
    std::sort(v.begin(), v.end(), [](const UnitTally& a, const UnitTally& b) {
      if (a.allowed != b.allowed) return a.allowed > b.allowed;
      if (a.last_service != b.last_service) return a.last_service > b.last_service;
      return a.unit < b.unit;
    });
    if (v.size() < 2 || v[0].allowed != v[1].allowed) return "largest allowed amount";
    if (v[0].last_service != v[1].last_service) return "tie on allowed: most recent service";
    return "tie on allowed and most recent service: smallest unit id";
  }
};

// SPEC §3.3 step 0: the contract under whose TIN the aligned NPI bills in the PY. The roster
// is the authority (a provider record links the NPI to a TIN); when several contracts
// qualify, the record effective latest wins, then the smallest contract_id. When the NPI has
// no roster record at all, claims rendered by it in the PY and paid in time decide (most recent
// service, then smallest contract_id).
std::optional<ContractId> VoluntaryAlignment(const Npi& npi, std::span<const ClaimView> claims,
                                             const EvaluationContext& ctx, std::string* how) {
  DateRange py{Date::FirstOfYear(ctx.performance_year), Date::LastOfYear(ctx.performance_year)};
  const auto* records = ctx.roster->RecordsOf(npi.str());
  if (records) {
    const Provider* best = nullptr;
    const ContractId* best_contract = nullptr;
    for (const Provider& r : *records) {
      DateRange span{r.effective, r.termination.value_or(Date::FromDays(INT32_MAX / 2))};
      if (!span.Overlaps(py)) continue;
      const ContractId* c = ctx.units->ContractOf(r.tin.str());
      if (!c) continue;
      if (!best || r.effective > best->effective ||
          (r.effective == best->effective && *c < *best_contract)) {
        best = &r;
        best_contract = c;
      }
    }
    if (!best) return std::nullopt;
    *how = "aligned NPI " + npi.str() + " bills under TIN " + best->tin.str() + " (roster from " +
           best->effective.ToString() + ")";
    return *best_contract;
  }
  std::optional<ContractId> found;
  Date found_date;
  std::string found_tin;
  const PaidCutoff paid = ctx.paid_cutoff();
  for (const ClaimView& c : claims) {
    if (c.rendering_npi != npi.str() || !paid.Counts(c)) continue;
    const ContractId* k = ctx.units->ContractOf(c.billing_tin);
    if (!k) continue;
    for (const LineFacts& l : c.lines) {
      if (!py.Contains(l.service_date)) continue;
      if (!found || l.service_date > found_date || (l.service_date == found_date && *k < *found)) {
        found = *k;
        found_date = l.service_date;
        found_tin = std::string(c.billing_tin);
      }
    }
  }
  if (found) {
    *how = "aligned NPI " + npi.str() + " (not on the roster) billed under TIN " + found_tin +
           " on " + found_date.ToString();
  }
  return found;
}

// A line's trace entry (settle --members with lines), or null when lines are not recorded.
LineDecision* TraceLine(MemberTrace* trace, const ClaimView& c, const LineFacts& l,
                        const Unit& unit) {
  if (!trace || !trace->record_lines) return nullptr;
  LineDecision& d = trace->lines.emplace_back();
  d.claim_id = std::string(c.claim_id);
  d.version = c.version;
  d.line = l.line;
  d.service_date = l.service_date;
  d.paid_date = c.paid_date;
  d.hcpcs = l.hcpcs.str();
  d.pos = l.pos.str();
  d.rendering_npi = std::string(c.rendering_npi);
  d.unit = unit;
  d.allowed = l.allowed;
  d.paid = l.paid;
  return &d;
}

// SPEC §3.2: why a line does not count for attribution, or null when it does.
const char* AttributionWhyNot(const Parameters& p, bool professional, const DateRange& window,
                              const LineFacts& l, const char* paid_late) {
  if (!professional) return "institutional claim";
  if (!p.IsPrimaryCareCode(l.hcpcs.view())) return "not a primary-care code";
  if (!window.Contains(l.service_date)) return "service date outside the assignment window";
  if (paid_late) return paid_late;
  if (p.ExcludedAtPos(l.hcpcs.view(), l.pos.view()))
    return "code excluded at this place of service";
  return nullptr;
}

// The one pass over a member's claim lines: primary-care tallies (SPEC §3.2/§3.3) and
// expenditure (§3.4), with each line's decision in the trace.
class LinePass {
 public:
  LinePass(const EvaluationContext& ctx, MemberOutcome* out, MemberTrace* trace)
      : ctx_(ctx),
        p_(*ctx.params),
        paid_(ctx.paid_cutoff()),
        window_(p_.assignment_window.Resolve(ctx.performance_year)),
        out_(*out),
        trace_(trace) {}

  void Add(const ClaimView& c) {
    const char* paid_late = paid_.WhyNot(c);  // null when the claim version counts
    const bool professional = c.claim_type == ClaimType::kProfessional;
    const Unit unit = ctx_.units->UnitOf(c.billing_tin);
    // The roster record is looked up per line (it can change on any date); a claim's lines
    // usually share one service date, so the last lookup is remembered.
    roster_looked_up_ = false;
    for (const LineFacts& l : c.lines) {
      LineDecision* d = TraceLine(trace_, c, l, unit);
      const char* why_not = AttributionWhyNot(p_, professional, window_, l, paid_late);
      if (why_not) {
        if (d) d->attribution_note = why_not;
      } else {
        CountForAttribution(c, l, unit, d);
      }
      CountExpenditure(l, paid_late, d);
    }
  }

  // The NPIs with no roster record on counted lines, sorted, each once.
  std::vector<std::string> TakeUnknownNpis() {
    std::sort(unknown_.begin(), unknown_.end());
    unknown_.erase(std::unique(unknown_.begin(), unknown_.end()), unknown_.end());
    return std::move(unknown_);
  }

  Tallies step1;
  Tallies step2;

 private:
  const Provider* RosterOn(std::string_view npi, Date service) {
    if (!roster_looked_up_ || service != roster_date_) {
      roster_rec_ = ctx_.roster->On(npi, service);
      roster_date_ = service;
      roster_looked_up_ = true;
    }
    return roster_rec_;
  }

  void CountForAttribution(const ClaimView& c, const LineFacts& l, const Unit& unit,
                           LineDecision* d) {
    const Provider* rec = RosterOn(c.rendering_npi, l.service_date);
    const ProviderClass cls = rec ? rec->provider_class : ProviderClass::kOther;
    if (!rec && !ctx_.roster->Known(c.rendering_npi)) unknown_.emplace_back(c.rendering_npi);
    if (d) {
      d->provider_class = cls;
      if (!rec) {
        d->attribution_note = ctx_.roster->Known(c.rendering_npi)
                                  ? "no roster record effective on the service date: other"
                                  : "unknown NPI: other";
      }
    }
    if (cls == ProviderClass::kPcp || cls == ProviderClass::kNpp) {
      step1.Add(unit, l.allowed, l.service_date);
      if (d) d->counted_at = AttributionStep::kPrimaryCare;
    } else if (cls == ProviderClass::kSpecialist) {
      step2.Add(unit, l.allowed, l.service_date);
      if (d) d->counted_at = AttributionStep::kSpecialist;
    } else if (d && d->attribution_note.empty()) {
      d->attribution_note = "rendering provider class 'other'";
    }
  }

  // SPEC §3.4: a line counts in the enrollment type of its service month.
  void CountExpenditure(const LineFacts& l, const char* paid_late, LineDecision* d) {
    const char* exp_not = nullptr;
    std::optional<EnrollmentType> type;
    if (l.service_date.year() != ctx_.performance_year) {
      exp_not = "service date outside the performance year";
    } else {
      type = out_.month_type[l.service_date.month() - 1];
      if (!type) {
        exp_not = "service month not eligible";
      } else if (paid_late) {
        exp_not = paid_late;
      }
    }
    if (exp_not) {
      if (d) d->expenditure_note = exp_not;
      return;
    }
    out_.expenditure[static_cast<size_t>(*type)] += l.paid;
    if (d) {
      d->expenditure = true;
      d->expenditure_type = type;
    }
  }

  const EvaluationContext& ctx_;
  const Parameters& p_;
  const PaidCutoff paid_;
  const DateRange window_;
  MemberOutcome& out_;
  MemberTrace* trace_;
  std::vector<std::string> unknown_;
  const Provider* roster_rec_ = nullptr;
  Date roster_date_ = Date::FromDays(INT32_MIN);
  bool roster_looked_up_ = false;
};

// SPEC §3.4 truncation, exact in micro-dollars × 12.
void Truncate(const Parameters& p, MemberOutcome& out) {
  for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
    Int128 spent = out.expenditure[t].micros() * 12;
    Int128 cap = p.truncation_threshold[t].micros() * out.months[t];
    out.truncated_x12[t] = spent < cap ? spent : cap;
  }
}

// SPEC §3.5/§3.9: the member record's score for the year, else the computed one (passed in,
// or computed here from the claims the cutoff counts when the parameters say so).
void AssignRiskScore(const Member* member, std::span<const ClaimView> claims,
                     const EvaluationContext& ctx, const std::optional<Rational>& computed,
                     MemberOutcome& out, MemberTrace* trace) {
  const Parameters& p = *ctx.params;
  if (member) {
    auto f = member->risk_scores.find(ctx.performance_year);
    if (f != member->risk_scores.end()) out.risk_score = f->second;
  }
  if (!out.risk_score && computed) {
    out.risk_score = computed;
    out.risk_score_computed = true;
  }
  if (out.risk_score || !member || p.risk_score_source != RiskScoreSource::kRecordElseHcc ||
      !p.hcc_params) {
    return;
  }
  auto r = hcc::ComputeRiskScore(*member, claims, ctx.paid_cutoff(), ctx.performance_year,
                                 *p.hcc_params);
  // Parameters were validated for the year when the contract was resolved; an unscored
  // member (ESRD, unknown sex) stays unscored.
  if (r.ok() && r->scored) {
    out.risk_score = r->score;
    out.risk_score_computed = true;
  }
  if (r.ok() && trace) trace->risk_score = std::move(r).value();
}

// The member's quality measures, when the contract scores quality from them.
void EvaluateQuality(const Member* member, std::span<const ClaimView> claims,
                     const EvaluationContext& ctx, MemberOutcome& out, MemberTrace* trace) {
  const Parameters& p = *ctx.params;
  if (!member || p.quality_source != QualitySource::kMeasures) return;
  quality::QualityOptions qo;
  qo.enrollment_programs = {p.eligible_programs.begin(), p.eligible_programs.end()};
  quality::MemberMeasureResult q = quality::EvaluateMeasures(
      *member, claims, ctx.paid_cutoff(), ctx.performance_year, quality::MeasureSet::Shipped(), qo);
  out.measure_tallies = q.Tallies();
  if (trace) trace->measures = q;
  out.care_gaps = std::move(q.gaps);
}

// SPEC §3.3 steps 1 and 2: the winner of the primary-care tallies, else of the specialists'.
void RankTallies(Tallies& step1, Tallies& step2, MemberOutcome& out) {
  std::string how1 = step1.v.empty() ? "" : step1.Rank();
  out.step1 = step1.v;
  if (!step1.v.empty()) {
    out.step = AttributionStep::kPrimaryCare;
    out.winner = step1.v.front().unit;
    out.decided_by = how1;
    return;
  }
  std::string how2 = step2.v.empty() ? "" : step2.Rank();
  out.step2 = step2.v;
  if (!step2.v.empty()) {
    out.step = AttributionStep::kSpecialist;
    out.winner = step2.v.front().unit;
    out.decided_by = how2;
  }
}

// SPEC §3.3: whether the member is attributed, and to which contract (voluntary alignment
// first, then the ranked winner when it is a contract's unit).
void Attribute(const Member* member, std::span<const ClaimView> claims,
               const EvaluationContext& ctx, MemberOutcome& out) {
  if (!member) {
    out.unattributed = Unattributed::kUnknownMember;
    return;
  }
  if (!out.exclusion.empty()) {
    out.unattributed = Unattributed::kExcludedProgram;
    return;
  }
  if (out.eligible_months == 0) {
    out.unattributed = Unattributed::kNoEligibleMonths;
    return;
  }
  if (member->aligned_npi) {
    std::string how;
    auto c = VoluntaryAlignment(*member->aligned_npi, claims, ctx, &how);
    if (c) {
      out.step = AttributionStep::kVoluntary;
      out.winner = Unit{true, c->str()};
      out.contract = *c;
      out.decided_by = how;
      out.unattributed = Unattributed::kNo;
      return;
    }
  }
  if (!out.winner) {
    out.unattributed = Unattributed::kNoQualifyingService;
    return;
  }
  if (!out.winner->is_contract) {
    out.unattributed = Unattributed::kWonByOtherUnit;
    return;
  }
  out.contract = ContractId(out.winner->id);
  out.unattributed = Unattributed::kNo;
}

}  // namespace

MemberOutcome EvaluateMember(const MemberId& member_id, const Member* member,
                             std::span<const ClaimView> claims, const EvaluationContext& ctx,
                             const std::optional<Rational>& computed_risk_score,
                             MemberTrace* trace) {
  const Parameters& p = *ctx.params;
  MemberOutcome out;
  out.member_id = member_id;
  out.performance_year = ctx.performance_year;
  if (member) Eligibility(*member, p, ctx.performance_year, out);
  LinePass lines(ctx, &out, trace);
  for (const ClaimView& c : claims) lines.Add(c);
  out.unknown_npis = lines.TakeUnknownNpis();
  Truncate(p, out);
  AssignRiskScore(member, claims, ctx, computed_risk_score, out, trace);
  EvaluateQuality(member, claims, ctx, out, trace);
  out.pmpm_rate = p.PmpmFor(out.risk_score);
  out.pmpm_total = out.pmpm_rate.TimesCount(out.eligible_months);
  RankTallies(lines.step1, lines.step2, out);
  Attribute(member, claims, ctx, out);
  return out;
}

}  // namespace vbp::rules
