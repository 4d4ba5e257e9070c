#include "rules/quality/evaluate.h"

#include <algorithm>
#include <tuple>

namespace vbp::rules::quality {

std::optional<Rational> MeasureTally::Rate() const {
  if (Eligible() <= 0) return std::nullopt;
  return Rational(BigInt(numerator), BigInt(Eligible()));
}

MeasureTally& MeasureTally::operator+=(const MeasureTally& o) {
  denominator += o.denominator;
  exclusions += o.exclusions;
  numerator += o.numerator;
  return *this;
}

MeasureTally& MeasureTally::operator-=(const MeasureTally& o) {
  denominator -= o.denominator;
  exclusions -= o.exclusions;
  numerator -= o.numerator;
  return *this;
}

const char* MeasureStatusName(MeasureStatus s) {
  switch (s) {
    case MeasureStatus::kNotInDenominator:
      return "not_in_denominator";
    case MeasureStatus::kExcluded:
      return "excluded";
    case MeasureStatus::kMet:
      return "met";
    case MeasureStatus::kNotMet:
      return "not_met";
  }
  return "?";
}

std::map<std::string, MeasureTally> MemberMeasureResult::Tallies() const {
  std::map<std::string, MeasureTally> t;
  for (const MeasureOutcome& m : measures) t[m.measure_id] = m.tally;
  return t;
}

void ApplyTallies(const MemberMeasureResult& r, int sign,
                  std::map<std::string, MeasureTally>* contract) {
  VBP_CHECK(sign == 1 || sign == -1);
  for (const MeasureOutcome& m : r.measures) {
    MeasureTally& t = (*contract)[m.measure_id];
    if (sign > 0) {
      t += m.tally;
    } else {
      t -= m.tally;
    }
  }
}

int AgeOn(Date birth, Date on) {
  int years = on.year() - birth.year();
  if (std::make_pair(on.month(), on.day()) < std::make_pair(birth.month(), birth.day())) {
    --years;
  }
  return years;
}

namespace {

std::vector<DateRange> CoverageGaps(const std::vector<Coverage>& coverage, const DateRange& window,
                                    const std::set<std::string>& programs, bool* covers_end) {
  std::vector<DateRange> spans;
  *covers_end = false;
  for (const Coverage& c : coverage) {
    if (!programs.empty() && !programs.count(c.program)) continue;
    DateRange s{c.from, c.through};
    if (!s.Overlaps(window)) continue;
    *covers_end = *covers_end || s.Contains(window.last);
    spans.push_back({std::max(s.first, window.first), std::min(s.last, window.last)});
  }
  std::sort(spans.begin(), spans.end(),
            [](const DateRange& a, const DateRange& b) { return a.first < b.first; });
  std::vector<DateRange> gaps;
  Date cursor = window.first;
  for (const DateRange& s : spans) {
    if (s.first > cursor) gaps.push_back({cursor, s.first.AddDays(-1)});
    if (s.last.AddDays(1) > cursor) cursor = s.last.AddDays(1);
  }
  if (cursor <= window.last) gaps.push_back({cursor, window.last});
  return gaps;
}

}  // namespace

bool ContinuouslyEnrolled(const std::vector<Coverage>& coverage, const EnrollmentRule& rule, int py,
                          const std::set<std::string>& programs, std::string* why) {
  const DateRange window = rule.window.Resolve(py);
  bool covers_end = false;
  const std::vector<DateRange> gaps = CoverageGaps(coverage, window, programs, &covers_end);
  if (rule.enrolled_at_window_end && !covers_end) {
    *why = "not enrolled on " + window.last.ToString();
    return false;
  }
  std::map<int, int> per_year;
  for (const DateRange& g : gaps) {
    const int days = g.last.days() - g.first.days() + 1;
    if (rule.no_gaps_through && g.first <= rule.no_gaps_through->Resolve(py)) {
      *why = "coverage gap " + g.first.ToString() + ".." + g.last.ToString() +
             " where no gap is allowed (" + window.first.ToString() + ".." +
             rule.no_gaps_through->Resolve(py).ToString() + ")";
      return false;
    }
    if (days > rule.max_gap_days) {
      *why = "coverage gap " + g.first.ToString() + ".." + g.last.ToString() + " (" +
             std::to_string(days) + " days) exceeds " + std::to_string(rule.max_gap_days);
      return false;
    }
    if (++per_year[g.first.year()] > rule.max_gaps_per_year) {
      *why = "more than " + std::to_string(rule.max_gaps_per_year) + " coverage gap(s) in " +
             std::to_string(g.first.year());
      return false;
    }
  }
  return true;
}

namespace {

// One dated code on a claim.
struct CodeFact {
  CodeSystem system;
  std::string code;
  Date date;
  std::string_view claim_id;
  int32_t line = 0;
  bool principal = false;
};

std::string Canonical(std::string_view code) {
  std::string s;
  s.reserve(code.size());
  for (char c : code) {
    if (c == '.') continue;
    s.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return s;
}

std::string_view StripBillTypeZero(std::string_view b) {
  if (b.size() == 4 && b.front() == '0') b.remove_prefix(1);
  return b;
}

// A revenue code as four digits ("651" -> "0651").
std::string RevenueCanonical(std::string_view code) {
  std::string s = Canonical(code);
  if (s.size() == 3) s.insert(s.begin(), '0');
  return s;
}

// The UB-04 codes of an institutional claim header: the bill type's facility type and
// classification (first two digits) and the discharge status, dated by the through date.
void InstitutionalHeaderFacts(const ClaimView& c, std::vector<CodeFact>& facts) {
  const std::string_view bill = StripBillTypeZero(c.institutional->bill_type);
  if (bill.size() >= 2) {
    facts.push_back({CodeSystem::kBillType, std::string(bill.substr(0, 2)), c.through_date,
                     c.claim_id, 0, false});
  }
  if (!c.institutional->discharge_status.empty()) {
    std::string status = Canonical(c.institutional->discharge_status);
    if (status.size() == 1) status.insert(status.begin(), '0');
    facts.push_back(
        {CodeSystem::kDischargeStatus, std::move(status), c.through_date, c.claim_id, 0, false});
  }
}

std::vector<CodeFact> Facts(std::span<const ClaimView> claims) {
  std::vector<CodeFact> facts;
  for (const ClaimView& c : claims) {
    for (const LineFacts& l : c.lines) {
      if (!l.hcpcs.empty()) {
        facts.push_back({CodeSystem::kHcpcs, Canonical(l.hcpcs.view()), l.service_date, c.claim_id,
                         l.line, false});
      }
      if (!l.revenue_code.empty()) {
        facts.push_back({CodeSystem::kRevenue, RevenueCanonical(l.revenue_code.view()),
                         l.service_date, c.claim_id, l.line, false});
      }
    }
    if (c.institutional) InstitutionalHeaderFacts(c, facts);
    for (size_t i = 0; i < c.diagnoses.size(); ++i) {
      facts.push_back({CodeSystem::kIcd10Cm, Canonical(c.diagnoses[i].view()), c.through_date,
                       c.claim_id, 0, i == 0});
    }
    if (c.institutional) {
      for (const Icd10Code& p : c.institutional->procedures) {
        facts.push_back(
            {CodeSystem::kIcd10Pcs, Canonical(p.view()), c.through_date, c.claim_id, 0, false});
      }
    }
  }
  return facts;
}

// The match of a criterion: the most recent matching fact (ties: smallest claim id, line).
struct Match {
  bool matched = false;
  int claims = 0;
  const CodeFact* fact = nullptr;
  std::string value_set;
};

Match MatchCriterion(const Criterion& k, const std::vector<CodeFact>& facts, int py,
                     const MeasureSet& set) {
  Match m;
  const DateRange w = k.window.Resolve(py);
  std::vector<std::string_view> claim_ids;
  for (const std::string& name : k.value_sets) {
    const ValueSet* vs = set.FindValueSet(name);
    VBP_CHECK_MSG(vs != nullptr, "value sets are checked when the measure set loads");
    for (const CodeFact& f : facts) {
      if (!w.Contains(f.date)) continue;
      if (k.principal_only && !(f.system == CodeSystem::kIcd10Cm && f.principal)) continue;
      if (!vs->Contains(f.system, f.code)) continue;
      claim_ids.push_back(f.claim_id);
      if (!m.fact || std::make_tuple(f.date, m.fact->claim_id, m.fact->line) >
                         std::make_tuple(m.fact->date, f.claim_id, f.line)) {
        m.fact = &f;
        m.value_set = name;
      }
    }
  }
  std::sort(claim_ids.begin(), claim_ids.end());
  m.claims = static_cast<int>(std::unique(claim_ids.begin(), claim_ids.end()) - claim_ids.begin());
  m.matched = m.claims >= k.min_claims;
  return m;
}

Evidence ToEvidence(const std::string& role, const Match& m) {
  return Evidence{
      role, std::string(m.fact->claim_id), m.fact->line, m.fact->date, m.fact->code, m.value_set};
}

std::string Names(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& n : v) s += (s.empty() ? "" : " / ") + n;
  return s;
}

std::string WindowText(const Window& w, int py) {
  DateRange r = w.Resolve(py);
  return (w.start ? r.first.ToString() : std::string("any time")) + ".." +
         (w.end ? r.last.ToString() : std::string("any time"));
}

// Denominator gates shared by every kind: age, sex, enrollment, required diagnoses.
bool InPopulation(const Measure& m, const Member& member, const std::vector<CodeFact>& facts,
                  int py, const MeasureSet& set, const QualityOptions& options, int age,
                  MeasureOutcome& out) {
  const Date age_date = m.age_as_of.Resolve(py);
  if (age < m.age_min || age > m.age_max) {
    out.reason = "age " + std::to_string(age) + " on " + age_date.ToString() + " is outside " +
                 std::to_string(m.age_min) + "-" + std::to_string(m.age_max);
    return false;
  }
  if (m.sex && member.sex != *m.sex) {
    out.reason = std::string("sex ") + SexName(member.sex) + " is not " + SexName(*m.sex);
    return false;
  }
  if (m.enrollment) {
    std::string why;
    if (!ContinuouslyEnrolled(member.coverage, *m.enrollment, py, options.enrollment_programs,
                              &why)) {
      out.reason = "not continuously enrolled " + WindowText(m.enrollment->window, py) + ": " + why;
      return false;
    }
  }
  for (const Criterion& k : m.denominator_all_of) {
    Match mt = MatchCriterion(k, facts, py, set);
    if (!mt.matched) {
      out.reason = "no " + Names(k.value_sets) + " code in " + WindowText(k.window, py);
      if (k.min_claims > 1) out.reason += " on " + std::to_string(k.min_claims) + " claims";
      return false;
    }
    out.evidence.push_back(ToEvidence("denominator", mt));
  }
  return true;
}

// The first exclusion that holds, with its evidence.
bool Excluded(const Measure& m, const std::vector<CodeFact>& facts, int py, const MeasureSet& set,
              int age, MeasureOutcome& out) {
  for (const Exclusion& e : m.exclusions) {
    if (e.min_age && age < *e.min_age) continue;
    std::vector<Evidence> ev;
    bool all = true;
    for (const Criterion& k : e.all_of) {
      Match mt = MatchCriterion(k, facts, py, set);
      if (!mt.matched) {
        all = false;
        break;
      }
      ev.push_back(ToEvidence("exclusion: " + e.name, mt));
    }
    if (all) {
      out.reason = "excluded: " + e.name;
      out.evidence.insert(out.evidence.end(), ev.begin(), ev.end());
      return true;
    }
  }
  return false;
}

bool LastResultMet(const LastResult& lr, const std::vector<CodeFact>& facts, int py,
                   MeasureOutcome& out) {
  const DateRange w = lr.window.Resolve(py);
  // date → per component: (any met, any not met, evidence fact of the preferred result)
  struct Reading {
    bool met = false;
    bool not_met = false;
    const CodeFact* met_fact = nullptr;
    const CodeFact* not_met_fact = nullptr;
  };
  std::map<Date, std::vector<Reading>> by_date;
  for (const CodeFact& f : facts) {
    if (f.system != CodeSystem::kHcpcs || !w.Contains(f.date)) continue;
    for (size_t i = 0; i < lr.components.size(); ++i) {
      auto it = lr.components[i].codes.find(f.code);
      if (it == lr.components[i].codes.end()) continue;
      auto& readings = by_date[f.date];
      readings.resize(lr.components.size());
      Reading& r = readings[i];
      const CodeFact*& slot = it->second ? r.met_fact : r.not_met_fact;
      (it->second ? r.met : r.not_met) = true;
      if (!slot ||
          std::make_tuple(f.claim_id, f.line) < std::make_tuple(slot->claim_id, slot->line)) {
        slot = &f;
      }
    }
  }
  for (auto it = by_date.rbegin(); it != by_date.rend(); ++it) {
    const auto& readings = it->second;
    bool complete = true;
    for (const Reading& r : readings) complete = complete && (r.met || r.not_met);
    if (!complete) continue;
    bool all_met = true;
    for (size_t i = 0; i < readings.size(); ++i) {
      const Reading& r = readings[i];
      const bool met = lr.same_day_prefer_met ? r.met : !r.not_met;
      all_met = all_met && met;
      const CodeFact* f = met ? r.met_fact : r.not_met_fact;
      out.evidence.push_back(Evidence{"last reading: " + lr.components[i].name,
                                      std::string(f->claim_id), f->line, f->date, f->code, ""});
    }
    out.reason = "last complete reading on " + it->first.ToString() +
                 (all_met ? " meets the numerator" : " does not meet the numerator");
    return all_met;
  }
  out.reason = "no complete reading in " + WindowText(lr.window, py) +
               (lr.no_result_met ? ": counts as numerator" : ": numerator not met");
  return lr.no_result_met;
}

MeasureOutcome EvaluateMemberMeasure(const Measure& m, const Member& member,
                                     const std::vector<CodeFact>& facts, int py,
                                     const MeasureSet& set, const QualityOptions& options) {
  MeasureOutcome out;
  out.measure_id = m.id;
  const int age = AgeOn(member.birth_date, m.age_as_of.Resolve(py));
  if (!InPopulation(m, member, facts, py, set, options, age, out)) {
    out.status = MeasureStatus::kNotInDenominator;
    return out;
  }
  out.tally.denominator = 1;
  if (Excluded(m, facts, py, set, age, out)) {
    out.status = MeasureStatus::kExcluded;
    out.tally.exclusions = 1;
    return out;
  }
  bool met = false;
  if (m.last_result) {
    met = LastResultMet(*m.last_result, facts, py, out);
  } else {
    for (const Criterion& k : m.numerator_any_of) {
      Match mt = MatchCriterion(k, facts, py, set);
      if (!mt.matched) continue;
      met = true;
      out.reason =
          "numerator: " + mt.value_set + " " + mt.fact->code + " on " + mt.fact->date.ToString();
      out.evidence.push_back(ToEvidence("numerator", mt));
      break;
    }
    if (!met) out.reason = "no numerator service in its look-back window";
  }
  out.status = met ? MeasureStatus::kMet : MeasureStatus::kNotMet;
  out.tally.numerator = met ? 1 : 0;
  out.gap = m.inverse ? met : !met;
  return out;
}

// --- Readmissions ----------------------------------------------------------------------------

struct Piece {
  std::string claim_id;
  Date admission;
  Date discharge;
  std::string facility;
  std::string status;
  std::string drg;
  std::string principal;
  std::vector<std::string> procedures;
  char frequency = '1';  // third digit of the bill type: 2/3/4 interim bills
};

bool Planned(const ReadmissionSpec& spec, const std::vector<const Piece*>& pieces,
             const MeasureSet& set, std::string* why) {
  for (const Piece* p : pieces) {
    if (!p->drg.empty() && spec.planned_drgs.count(p->drg)) {
      *why = "planned: MS-DRG " + p->drg + " on claim " + p->claim_id;
      return true;
    }
  }
  const Piece* first = pieces.front();
  for (const std::string& name : spec.planned_principal_diagnosis_sets) {
    if (!first->principal.empty() &&
        set.FindValueSet(name)->Contains(CodeSystem::kIcd10Cm, first->principal)) {
      *why = "planned: principal diagnosis " + first->principal + " (" + name + ")";
      return true;
    }
  }
  for (const std::string& name : spec.planned_procedure_sets) {
    for (const Piece* p : pieces) {
      for (const std::string& px : p->procedures) {
        if (set.FindValueSet(name)->Contains(CodeSystem::kIcd10Pcs, px)) {
          *why = "planned: procedure " + px + " (" + name + ")";
          return true;
        }
      }
    }
  }
  return false;
}

// The member's inpatient claims (bill type prefixes of the spec), by admission, discharge and
// claim_id.
std::vector<Piece> InpatientPieces(const ReadmissionSpec& spec, std::span<const ClaimView> claims) {
  std::vector<Piece> pieces;
  for (const ClaimView& c : claims) {
    if (c.claim_type != ClaimType::kInstitutional || !c.institutional) continue;
    const std::string_view bill = StripBillTypeZero(c.institutional->bill_type);
    bool inpatient = false;
    for (const std::string& p : spec.bill_type_prefixes) {
      inpatient = inpatient || bill.substr(0, p.size()) == p;
    }
    if (!inpatient) continue;
    Piece p;
    p.claim_id = std::string(c.claim_id);
    p.admission = c.institutional->admission_date.value_or(c.from_date);
    p.discharge = c.institutional->discharge_date.value_or(c.through_date);
    p.facility = std::string(c.institutional->facility_npi.empty() ? c.billing_tin
                                                                   : c.institutional->facility_npi);
    p.status = std::string(c.institutional->discharge_status);
    p.drg = std::string(c.institutional->drg);
    if (!c.diagnoses.empty()) p.principal = Canonical(c.diagnoses[0].view());
    for (const Icd10Code& px : c.institutional->procedures)
      p.procedures.push_back(Canonical(px.view()));
    p.frequency = bill.size() >= 3 ? bill[2] : '1';
    pieces.push_back(std::move(p));
  }
  std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) {
    return std::tie(a.admission, a.discharge, a.claim_id) <
           std::tie(b.admission, b.discharge, b.claim_id);
  });
  return pieces;
}

// Chains claims into stays: overlapping claims, interim bills of one facility (frequency 3/4
// continuing the previous claim) and direct transfers (HEDIS PCR: an admission to an
// inpatient setting, another facility or the same one, on the discharge day or within
// transfer_max_days of it). `groups[i]` holds the pieces of `stays[i]`.
void ChainStays(const std::vector<Piece>& pieces, const ReadmissionSpec& spec,
                std::vector<Stay>* stays, std::vector<std::vector<const Piece*>>* groups) {
  for (const Piece& p : pieces) {
    if (!stays->empty()) {
      Stay& s = stays->back();
      const int gap_days = p.admission.days() - s.discharge.days();
      const bool overlap = p.admission < s.discharge;
      const bool interim =
          (p.frequency == '3' || p.frequency == '4') && p.facility == s.facility && gap_days <= 1;
      const bool transfer = gap_days >= 0 && gap_days <= spec.transfer_max_days;
      if (overlap || interim || transfer) {
        s.claim_ids.push_back(p.claim_id);
        if (p.discharge >= s.discharge) {
          s.discharge = p.discharge;
          s.facility = p.facility;
          s.discharge_status = p.status;
        }
        groups->back().push_back(&p);
        continue;
      }
    }
    Stay s;
    s.claim_ids = {p.claim_id};
    s.admission = p.admission;
    s.discharge = p.discharge;
    s.facility = p.facility;
    s.discharge_status = p.status;
    stays->push_back(std::move(s));
    groups->push_back({&p});
  }
}

// Why index stay `s` is excluded (the member's exclusion, or its discharge status), or nullopt.
std::optional<std::string> StayExclusion(const Stay& s, const ReadmissionSpec& spec,
                                         bool member_excluded,
                                         const MeasureOutcome& member_exclusion) {
  if (member_excluded) return member_exclusion.reason;
  if (std::find(spec.exclude_discharge_status.begin(), spec.exclude_discharge_status.end(),
                s.discharge_status) != spec.exclude_discharge_status.end()) {
    return "discharge status " + s.discharge_status;
  }
  return std::nullopt;
}

// Whether the stay after index stay `i` readmits it (planned readmissions do not count).
void CheckReadmission(size_t i, std::vector<Stay>& stays,
                      const std::vector<std::vector<const Piece*>>& groups,
                      const ReadmissionSpec& spec, const MeasureSet& set, MeasureOutcome& out) {
  if (i + 1 >= stays.size()) return;
  Stay& s = stays[i];
  const Stay& next = stays[i + 1];
  const int days = next.admission.days() - s.discharge.days();
  if (days < 0 || days > spec.readmission_days) return;
  s.readmission = i + 1;
  std::string why;
  if (Planned(spec, groups[i + 1], set, &why)) {
    s.readmission_planned = true;
    s.planned_reason = why;
    return;
  }
  s.readmitted = true;
  ++out.tally.numerator;
  out.evidence.push_back(Evidence{"readmission after " + s.claim_ids.back(), next.claim_ids.front(),
                                  0, next.admission, "", ""});
}

// The measure's status and reason from its tally of index stays.
void ReadmissionVerdict(const ReadmissionSpec& spec, int py, bool member_excluded,
                        const MeasureOutcome& member_exclusion, MeasureOutcome& out) {
  if (member_excluded) out.evidence = member_exclusion.evidence;
  if (out.tally.denominator == 0) {
    out.status = MeasureStatus::kNotInDenominator;
    out.reason = "no inpatient stay discharged in " + WindowText(spec.index_discharge, py);
  } else if (out.tally.Eligible() == 0) {
    out.status = MeasureStatus::kExcluded;
    out.reason = member_excluded ? member_exclusion.reason : "every index stay is excluded";
  } else {
    out.status = out.tally.numerator > 0 ? MeasureStatus::kMet : MeasureStatus::kNotMet;
    out.reason = std::to_string(out.tally.numerator) + " of " +
                 std::to_string(out.tally.Eligible()) + " index stays readmitted within " +
                 std::to_string(spec.readmission_days) + " days";
  }
  out.gap = out.tally.numerator > 0;
}

MeasureOutcome EvaluateReadmissions(const Measure& m, const Member& member,
                                    std::span<const ClaimView> claims,
                                    const std::vector<CodeFact>& facts, int py,
                                    const MeasureSet& set, const QualityOptions& options) {
  MeasureOutcome out;
  out.measure_id = m.id;
  const ReadmissionSpec& spec = *m.readmission;
  const int age = AgeOn(member.birth_date, m.age_as_of.Resolve(py));
  if (!InPopulation(m, member, facts, py, set, options, age, out)) {
    out.status = MeasureStatus::kNotInDenominator;
    return out;
  }
  const std::vector<Piece> pieces = InpatientPieces(spec, claims);
  std::vector<std::vector<const Piece*>> groups;
  std::vector<Stay> stays;
  ChainStays(pieces, spec, &stays, &groups);

  // Exclusions of the member (e.g. hospice) exclude every index stay.
  MeasureOutcome member_exclusion;
  const bool member_excluded = Excluded(m, facts, py, set, age, member_exclusion);
  const DateRange window = spec.index_discharge.Resolve(py);
  for (size_t i = 0; i < stays.size(); ++i) {
    Stay& s = stays[i];
    if (!window.Contains(s.discharge)) continue;
    s.index = true;
    ++out.tally.denominator;
    if (auto why = StayExclusion(s, spec, member_excluded, member_exclusion)) {
      s.excluded = true;
      s.exclusion = std::move(*why);
      ++out.tally.exclusions;
      continue;
    }
    CheckReadmission(i, stays, groups, spec, set, out);
  }
  ReadmissionVerdict(spec, py, member_excluded, member_exclusion, out);
  out.stays = std::move(stays);
  return out;
}

}  // namespace

MemberMeasureResult EvaluateMeasures(const Member& member, std::span<const ClaimView> all_claims,
                                     const PaidCutoff& paid, int performance_year,
                                     const MeasureSet& set, const QualityOptions& options) {
  MemberMeasureResult r;
  r.member_id = member.member_id;
  r.performance_year = performance_year;
  const std::vector<ClaimView> claims = paid.Counted(all_claims);
  r.paid_late_claims = static_cast<int32_t>(all_claims.size() - claims.size());
  const std::vector<CodeFact> facts = Facts(claims);
  for (const Measure& m : set.measures()) {
    MeasureOutcome o =
        m.kind == MeasureKind::kReadmission
            ? EvaluateReadmissions(m, member, claims, facts, performance_year, set, options)
            : EvaluateMemberMeasure(m, member, facts, performance_year, set, options);
    if (o.gap) {
      if (m.kind == MeasureKind::kReadmission) {
        for (const Stay& s : o.stays) {
          if (!s.readmitted) continue;
          r.gaps.push_back(CareGap{m.id, m.name + ": stay discharged " + s.discharge.ToString() +
                                             " (claim " + s.claim_ids.back() + ") readmitted on " +
                                             o.stays[*s.readmission].admission.ToString()});
        }
      } else {
        r.gaps.push_back(CareGap{m.id, m.name + ": " + o.reason});
      }
    }
    r.measures.push_back(std::move(o));
  }
  return r;
}

}  // namespace vbp::rules::quality
