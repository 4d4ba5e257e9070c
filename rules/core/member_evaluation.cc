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

}  // namespace

MemberOutcome EvaluateMember(const MemberId& member_id, const Member* member,
                             std::span<const ClaimView> claims, const EvaluationContext& ctx,
                             const std::optional<Rational>& computed_risk_score,
                             MemberTrace* trace) {
  const Parameters& p = *ctx.params;
  const int year = ctx.performance_year;
  MemberOutcome out;
  out.member_id = member_id;
  out.performance_year = year;
  if (member) Eligibility(*member, p, year, out);

  const PaidCutoff paid = ctx.paid_cutoff();
  const DateRange window = p.assignment_window.Resolve(year);

  // One pass over the lines: primary-care tallies (SPEC §3.2/§3.3) and expenditure (§3.4).
  Tallies step1, step2;
  std::vector<std::string> unknown;
  for (const ClaimView& c : claims) {
    const char* paid_late = paid.WhyNot(c);  // null when the claim version counts
    const bool professional = c.claim_type == ClaimType::kProfessional;
    const Unit unit = ctx.units->UnitOf(c.billing_tin);
    // The roster record is looked up per line (it can change on any date); a claim's lines
    // usually share one service date, so remember the last lookup.
    const Provider* rec = nullptr;
    Date rec_date = Date::FromDays(INT32_MIN);
    bool looked_up = false;
    for (const LineFacts& l : c.lines) {
      LineDecision* d = nullptr;
      if (trace && trace->record_lines) {
        trace->lines.push_back({});
        d = &trace->lines.back();
        d->claim_id = std::string(c.claim_id);
        d->version = c.version;
        d->line = l.line;
        d->service_date = l.service_date;
        d->paid_date = c.paid_date;
        d->hcpcs = l.hcpcs.str();
        d->pos = l.pos.str();
        d->rendering_npi = std::string(c.rendering_npi);
        d->unit = unit;
        d->allowed = l.allowed;
        d->paid = l.paid;
      }
      // --- attribution ---
      const char* why_not = nullptr;
      if (!professional) {
        why_not = "institutional claim";
      } else if (!p.IsPrimaryCareCode(l.hcpcs.view())) {
        why_not = "not a primary-care code";
      } else if (!window.Contains(l.service_date)) {
        why_not = "service date outside the assignment window";
      } else if (paid_late) {
        why_not = paid_late;
      } else if (p.ExcludedAtPos(l.hcpcs.view(), l.pos.view())) {
        why_not = "code excluded at this place of service";
      }
      if (!why_not) {
        if (!looked_up || l.service_date != rec_date) {
          rec = ctx.roster->On(c.rendering_npi, l.service_date);
          rec_date = l.service_date;
          looked_up = true;
        }
        ProviderClass cls = rec ? rec->provider_class : ProviderClass::kOther;
        if (!rec && !ctx.roster->Known(c.rendering_npi)) unknown.emplace_back(c.rendering_npi);
        if (d) {
          d->provider_class = cls;
          if (!rec) {
            d->attribution_note = ctx.roster->Known(c.rendering_npi)
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
      } else if (d) {
        d->attribution_note = why_not;
      }
      // --- expenditure ---
      const char* exp_not = nullptr;
      std::optional<EnrollmentType> type;
      if (l.service_date.year() != year) {
        exp_not = "service date outside the performance year";
      } else {
        type = out.month_type[l.service_date.month() - 1];
        if (!type) {
          exp_not = "service month not eligible";
        } else if (paid_late) {
          exp_not = paid_late;
        }
      }
      if (!exp_not) {
        out.expenditure[static_cast<size_t>(*type)] += l.paid;
        if (d) {
          d->expenditure = true;
          d->expenditure_type = type;
        }
      } else if (d) {
        d->expenditure_note = exp_not;
      }
    }
  }
  std::sort(unknown.begin(), unknown.end());
  unknown.erase(std::unique(unknown.begin(), unknown.end()), unknown.end());
  out.unknown_npis = std::move(unknown);

  // SPEC §3.4 truncation, exact in micro-dollars × 12.
  for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
    Int128 spent = out.expenditure[t].micros() * 12;
    Int128 cap = p.truncation_threshold[t].micros() * out.months[t];
    out.truncated_x12[t] = spent < cap ? spent : cap;
  }

  // SPEC §3.5/§3.9: the member record's score for the year, else the computed one.
  if (member) {
    auto f = member->risk_scores.find(year);
    if (f != member->risk_scores.end()) out.risk_score = f->second;
  }
  if (!out.risk_score && computed_risk_score) {
    out.risk_score = computed_risk_score;
    out.risk_score_computed = true;
  }
  if (!out.risk_score && member && p.risk_score_source == RiskScoreSource::kRecordElseHcc &&
      p.hcc_params) {
    auto r = hcc::ComputeRiskScore(*member, claims, paid, year, *p.hcc_params);
    // Parameters were validated for the year when the contract was resolved; an unscored
    // member (ESRD, unknown sex) stays unscored.
    if (r.ok() && r->scored) {
      out.risk_score = r->score;
      out.risk_score_computed = true;
    }
    if (r.ok() && trace) trace->risk_score = std::move(r).value();
  }
  if (member && p.quality_source == QualitySource::kMeasures) {
    quality::QualityOptions qo;
    qo.enrollment_programs = {p.eligible_programs.begin(), p.eligible_programs.end()};
    quality::MemberMeasureResult q =
        quality::EvaluateMeasures(*member, claims, paid, year, quality::MeasureSet::Shipped(), qo);
    out.measure_tallies = q.Tallies();
    if (trace) trace->measures = q;
    out.care_gaps = std::move(q.gaps);
  }
  out.pmpm_rate = p.PmpmFor(out.risk_score);
  out.pmpm_total = out.pmpm_rate.TimesCount(out.eligible_months);

  // SPEC §3.3 attribution.
  std::string how1 = step1.v.empty() ? "" : step1.Rank();
  out.step1 = step1.v;
  if (step1.v.empty()) {
    std::string how2 = step2.v.empty() ? "" : step2.Rank();
    out.step2 = step2.v;
    if (!step2.v.empty()) {
      out.step = AttributionStep::kSpecialist;
      out.winner = step2.v.front().unit;
      out.decided_by = how2;
    }
  } else {
    out.step = AttributionStep::kPrimaryCare;
    out.winner = step1.v.front().unit;
    out.decided_by = how1;
  }
  if (!member) {
    out.unattributed = Unattributed::kUnknownMember;
    return out;
  }
  if (!out.exclusion.empty()) {
    out.unattributed = Unattributed::kExcludedProgram;
    return out;
  }
  if (out.eligible_months == 0) {
    out.unattributed = Unattributed::kNoEligibleMonths;
    return out;
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
      return out;
    }
  }
  if (!out.winner) {
    out.unattributed = Unattributed::kNoQualifyingService;
    return out;
  }
  if (!out.winner->is_contract) {
    out.unattributed = Unattributed::kWonByOtherUnit;
    return out;
  }
  out.contract = ContractId(out.winner->id);
  out.unattributed = Unattributed::kNo;
  return out;
}

}  // namespace vbp::rules
