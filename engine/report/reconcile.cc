#include "engine/report/reconcile.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "domain/csv.h"

namespace vbp {

const char* DifferenceKindName(DifferenceKind k) {
  switch (k) {
    case DifferenceKind::kUnknownMember:
      return "unknown_member";
    case DifferenceKind::kMemberNotAttributed:
      return "member_not_attributed";
    case DifferenceKind::kMemberNotListed:
      return "member_not_listed";
    case DifferenceKind::kMemberPaidDiffers:
      return "member_paid_differs";
    case DifferenceKind::kTruncated:
      return "truncated";
    case DifferenceKind::kClaimCountDiffers:
      return "claim_count_differs";
    case DifferenceKind::kClaimUnknown:
      return "claim_unknown";
    case DifferenceKind::kClaimOtherMember:
      return "claim_other_member";
    case DifferenceKind::kClaimVoided:
      return "claim_voided";
    case DifferenceKind::kClaimReplaced:
      return "claim_replaced";
    case DifferenceKind::kClaimPaidAfterRunout:
      return "claim_paid_after_runout";
    case DifferenceKind::kClaimPaidAfterAsOf:
      return "claim_paid_after_as_of";
    case DifferenceKind::kClaimOutsideEligibleMonths:
      return "claim_outside_eligible_months";
    case DifferenceKind::kClaimOutsidePerformanceYear:
      return "claim_outside_performance_year";
    case DifferenceKind::kClaimPartlyCounted:
      return "claim_partly_counted";
    case DifferenceKind::kClaimPaidDiffers:
      return "claim_paid_differs";
    case DifferenceKind::kClaimNotCounted:
      return "claim_not_counted";
    case DifferenceKind::kClaimNotListed:
      return "claim_not_listed";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------
// CSV input
// ---------------------------------------------------------------------------------------
namespace {

constexpr int64_t kClaimCountMax = 1'000'000'000;

struct CsvRecord {
  int64_t line = 0;
  std::vector<std::string> fields;
};

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

// The provider's file through the project's CSV reader (domain/csv.h), stricter than the
// importers: the first unreadable record, or a quote inside an unquoted field, stops the
// comparison, since differences reported from a partly read file would not be there. Blank
// lines are skipped.
Result<std::vector<CsvRecord>> SplitCsv(std::string_view text) {
  CsvReader reader(text);
  std::vector<CsvRecord> out;
  std::vector<std::string> fields;
  std::string error;
  while (reader.Next(&fields, &error)) {
    const std::string at = "line " + std::to_string(reader.record_line()) + ": ";
    if (!error.empty()) return Status::Invalid(at + error);
    if (reader.stray_quotes() != 0) {
      return Status::Invalid(at + "a quote inside an unquoted field (quote the whole field)");
    }
    if (fields.size() == 1 && TrimCsvBlanks(fields[0]).empty()) continue;
    out.push_back({reader.record_line(), fields});
  }
  return out;
}

}  // namespace

Result<TheirFile> ParseTheirCsv(std::string_view text) {
  auto records = SplitCsv(text);
  if (!records.ok()) return records.status();
  if (records->empty()) {
    return Status::Invalid(
        "the file is empty: the first row must name the columns "
        "(member_id, and optionally claim_id, expected_paid, claim_count)");
  }
  const CsvRecord& header = records->front();
  int member_col = -1, claim_col = -1, paid_col = -1, count_col = -1;
  TheirFile out;
  for (size_t c = 0; c < header.fields.size(); ++c) {
    std::string name = Trim(header.fields[c]);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    int* slot = nullptr;
    if (name == "member_id") slot = &member_col;
    if (name == "claim_id") slot = &claim_col;
    if (name == "expected_paid") slot = &paid_col;
    if (name == "claim_count") slot = &count_col;
    if (!slot) {
      out.ignored_columns.push_back(name.empty() ? "(column " + std::to_string(c + 1) + ")" : name);
      continue;
    }
    if (*slot >= 0) {
      return Status::Invalid("line " + std::to_string(header.line) + ": column '" + name +
                             "' appears twice");
    }
    *slot = static_cast<int>(c);
  }
  if (member_col < 0) {
    return Status::Invalid("line " + std::to_string(header.line) +
                           ": no member_id column (the first row must name the columns: "
                           "member_id, and optionally claim_id, expected_paid, claim_count)");
  }
  for (size_t r = 1; r < records->size(); ++r) {
    const CsvRecord& rec = (*records)[r];
    const std::string at = "line " + std::to_string(rec.line);
    if (rec.fields.size() != header.fields.size()) {
      return Status::Invalid(at + ": " + std::to_string(rec.fields.size()) +
                             " fields, the header has " + std::to_string(header.fields.size()));
    }
    TheirRow row;
    row.line = rec.line;
    row.member_id = Trim(rec.fields[static_cast<size_t>(member_col)]);
    if (row.member_id.empty()) return Status::Invalid(at + ", member_id: empty");
    if (claim_col >= 0) row.claim_id = Trim(rec.fields[static_cast<size_t>(claim_col)]);
    if (paid_col >= 0) {
      std::string v = Trim(rec.fields[static_cast<size_t>(paid_col)]);
      if (!v.empty()) {
        auto m = Money::Parse(v);
        if (!m.ok()) {
          return Status::Invalid(at + ", expected_paid: '" + v +
                                 "' is not a plain decimal (write 1234.50: no currency sign, "
                                 "no thousands separator, at most 6 decimals)");
        }
        row.expected_paid = *m;
      }
    }
    if (count_col >= 0) {
      std::string v = Trim(rec.fields[static_cast<size_t>(count_col)]);
      if (!v.empty()) {
        bool digits = v.size() <= 10 && std::all_of(v.begin(), v.end(),
                                                    [](char ch) { return ch >= '0' && ch <= '9'; });
        int64_t n = digits ? std::stoll(v) : -1;
        if (!digits || n > kClaimCountMax) {
          return Status::Invalid(at + ", claim_count: '" + v + "' is not a whole number 0.." +
                                 std::to_string(kClaimCountMax));
        }
        if (!row.claim_id.empty()) {
          return Status::Invalid(at +
                                 ", claim_count: belongs on a member row (claim_id empty), "
                                 "not on a claim row");
        }
        row.claim_count = n;
      }
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------
namespace {

struct TheirClaim {
  std::optional<Money> expected;
  std::vector<int64_t> lines;
};

struct TheirMember {
  bool member_row = false;
  std::optional<Money> expected;
  std::optional<int64_t> claim_count;
  std::vector<int64_t> lines;
  std::map<std::string, TheirClaim> claims;
};

void AddTo(std::optional<Money>& sum, const std::optional<Money>& v) {
  if (!v) return;
  sum = sum ? *sum + *v : *v;
}

std::string Cents2(const Rational& exact) { return FormatHalfEven(exact, 2); }

std::string StatusFor(const rules::MemberOutcome& o, const ContractId& c) {
  if (o.contract) return *o.contract == c ? "attributed" : "attributed_to_other_contract";
  return rules::UnattributedName(o.unattributed);
}

std::optional<int> UnitStep(const rules::MemberOutcome& o) {
  if (!o.winner || o.step == rules::AttributionStep::kNone) return std::nullopt;
  return static_cast<int>(o.step);
}

// "2025-01..2025-06, 2025-09" from the eligible months.
std::string MonthRanges(const rules::MemberOutcome& o) {
  std::string out;
  int m = 0;
  while (m < 12) {
    if (!o.month_type[static_cast<size_t>(m)]) {
      ++m;
      continue;
    }
    int e = m;
    while (e + 1 < 12 && o.month_type[static_cast<size_t>(e + 1)]) ++e;
    auto ym = [&](int k) {
      std::string s = std::to_string(o.performance_year) + "-";
      if (k + 1 < 10) s += "0";
      return s + std::to_string(k + 1);
    };
    if (!out.empty()) out += ", ";
    out += ym(m);
    if (e > m) out += ".." + ym(e);
    m = e + 1;
  }
  return out.empty() ? "none" : out;
}

// The contract's own tally at the deciding step, for "why not us".
std::string OwnTally(const rules::MemberOutcome& o, const ContractId& c) {
  const rules::Unit own{true, c.str()};
  for (const auto* list : {&o.step1, &o.step2}) {
    for (size_t r = 0; r < list->size(); ++r) {
      const rules::UnitTally& t = (*list)[r];
      if (!(t.unit == own)) continue;
      const char* step = list == &o.step1 ? "1" : "2";
      std::string s = "; this contract's step-" + std::string(step) + " allowed " +
                      t.allowed.ToString() + " over " + std::to_string(t.lines) +
                      " line(s), last service " + t.last_service.ToString() + " (rank " +
                      std::to_string(r + 1) + " of " + std::to_string(list->size()) + ")";
      if (r > 0) {
        s += " against the winner's " + list->front().allowed.ToString() + ", last service " +
             list->front().last_service.ToString();
      }
      return s;
    }
  }
  return "";
}

// Why the lines billed under the contract's TINs did not count for attribution, as
// "2 × paid after the run-out cutoff, 1 × not a primary-care code".
std::string OwnLineNotes(const rules::MemberTrace& trace, const ContractId& c) {
  const rules::Unit own{true, c.str()};
  std::map<std::string, int> notes;
  int lines = 0;
  for (const auto& d : trace.lines) {
    if (!(d.unit == own)) continue;
    ++lines;
    if (d.counted_at == rules::AttributionStep::kNone) {
      ++notes[d.attribution_note.empty() ? "not counted" : d.attribution_note];
    }
  }
  if (lines == 0) return "; no claim line is billed under this contract's TINs";
  if (notes.empty()) return "";
  std::string s = "; this contract's lines did not count: ";
  bool first = true;
  for (const auto& [note, n] : notes) {
    s += (first ? "" : ", ") + std::to_string(n) + " x " + note;
    first = false;
  }
  return s;
}

std::string NotAttributedReason(const MemberExplanation& e, const BookContract& c) {
  const rules::MemberOutcome& o = e.outcome;
  const std::string step = UnitStep(o) ? std::to_string(*UnitStep(o)) : "?";
  switch (o.unattributed) {
    case rules::Unattributed::kNo:
      return "attributed to contract " + o.contract->str() + " at step " + step + " (" +
             o.decided_by + ")" + OwnTally(o, c.id);
    case rules::Unattributed::kWonByOtherUnit:
      return "won at step " + step + " by " + o.winner->ToString() +
             ", a TIN outside every contract (" + o.decided_by + ")" + OwnTally(o, c.id);
    case rules::Unattributed::kNoQualifyingService: {
      const DateRange w = c.resolved->params.assignment_window.Resolve(c.year);
      return "no primary-care service by a pcp, npp or specialist counts in the assignment "
             "window " +
             w.first.ToString() + ".." + w.last.ToString() + " paid by " +
             rules::PaidCutoff(c.resolved->params.RunoutCutoff(c.year), c.as_of).last().ToString() +
             OwnLineNotes(e.trace, c.id);
    }
    case rules::Unattributed::kExcludedProgram:
      return "not assignable in " + std::to_string(c.year) + ": " + o.exclusion +
             " (an excluded program, SPEC §3.1)";
    case rules::Unattributed::kNoEligibleMonths:
      return "no month of " + std::to_string(c.year) +
             " is covered on its first day by an eligible program";
    case rules::Unattributed::kUnknownMember:
      return "the engine has claims for this member but no member record";
  }
  return "";
}

DifferenceKind KindOfNote(const std::string& note) {
  if (note == "paid after the run-out cutoff") return DifferenceKind::kClaimPaidAfterRunout;
  if (note == "paid after the as-of date") return DifferenceKind::kClaimPaidAfterAsOf;
  if (note == "service month not eligible") return DifferenceKind::kClaimOutsideEligibleMonths;
  return DifferenceKind::kClaimOutsidePerformanceYear;
}

std::string LineNote(const rules::LineDecision& d) {
  std::string s = "line " + std::to_string(d.line) + " (service " + d.service_date.ToString() +
                  ", paid " + d.paid.ToString() + " on " + d.paid_date.ToString() + "): ";
  return s + (d.expenditure ? "counted" : d.expenditure_note);
}

class Builder {
 public:
  Builder(const ReconcileBook& book, const BookContract& c, ReconcileReport* r)
      : book_(book), c_(c), r_(r) {}

  Difference& Add(DifferenceKind kind, const std::string& member, const std::string& claim,
                  const MemberExplanation* e, std::vector<int64_t> lines) {
    Difference d;
    d.kind = kind;
    d.member_id = member;
    d.claim_id = claim;
    if (e && e->known) {
      d.status = StatusFor(e->outcome, c_.id);
      d.step = UnitStep(e->outcome);
      if (e->outcome.winner) d.unit = e->outcome.winner->ToString();
    }
    d.their_lines = std::move(lines);
    r_->differences.push_back(std::move(d));
    return r_->differences.back();
  }

  static void Money3(Difference& d, const std::optional<Money>& theirs, const Money& ours) {
    d.ours = ours.ToString();
    if (theirs) {
      d.theirs = theirs->ToString();
      d.delta = (ours - *theirs).ToString();
    }
  }

  void Member(const std::string& id, const TheirMember& t) {
    if (!book_.KnowsMember(id)) {
      Difference& d = Add(DifferenceKind::kUnknownMember, id, "", nullptr, t.lines);
      d.status = "unknown_member";
      Money3(d, t.expected, Money());
      d.reason = "the engine has no member record and no claim for member " + id + " (as of " +
                 c_.as_of.ToString() + ")";
      for (const auto& [claim_id, tc] : t.claims) Claim(id, claim_id, tc, nullptr);
      return;
    }
    const MemberExplanation e = book_.Explain(c_, MemberId(id));
    const bool ours = e.outcome.contract && *e.outcome.contract == c_.id;
    if (!ours) {
      Difference& d = Add(DifferenceKind::kMemberNotAttributed, id, "", &e, t.lines);
      if (t.expected) Money3(d, t.expected, Money());
      d.reason = "not attributed to " + c_.id.str() + ": " + NotAttributedReason(e, c_);
      for (const auto& [claim_id, tc] : t.claims) Claim(id, claim_id, tc, &e);
      return;
    }
    ++r_->members_in_both;
    const Money raw = e.outcome.ExpenditureTotal();
    const Rational truncated = e.outcome.TruncatedTotal();
    if (t.expected && *t.expected != raw) {
      Difference& d = Add(DifferenceKind::kMemberPaidDiffers, id, "", &e, t.lines);
      Money3(d, t.expected, raw);
      d.reason =
          "the engine counts " + raw.ToString() + " paid for " + id +
          " (lines in eligible months " + MonthRanges(e.outcome) + " paid by " +
          rules::PaidCutoff(c_.resolved->params.RunoutCutoff(c_.year), c_.as_of).last().ToString() +
          ")" + Uncounted(e);
    }
    if ((t.expected || !t.claims.empty()) && truncated < raw.ToExact()) {
      Difference& d = Add(DifferenceKind::kTruncated, id, "", &e, t.lines);
      d.ours = Cents2(truncated);
      if (t.expected) {
        d.theirs = t.expected->ToString();
        d.delta = Cents2(truncated - t.expected->ToExact());
      }
      d.reason = "expenditure of " + raw.ToString() + " is truncated to " + Cents2(truncated) +
                 " (SPEC §3.4: per enrollment type, threshold x months / 12):" +
                 TruncationDetail(e.outcome);
    }
    if (t.claim_count) {
      std::vector<std::string> counted = CountedClaims(e);
      if (static_cast<int64_t>(counted.size()) != *t.claim_count) {
        Difference& d = Add(DifferenceKind::kClaimCountDiffers, id, "", &e, t.lines);
        d.theirs = std::to_string(*t.claim_count);
        d.ours = std::to_string(counted.size());
        d.delta = std::to_string(static_cast<int64_t>(counted.size()) - *t.claim_count);
        d.reason = "the engine counts " + std::to_string(counted.size()) +
                   " claim(s) with at least one line in the member's expenditure";
        if (!counted.empty() && counted.size() <= 20) {
          std::string list;
          for (const auto& k : counted) list += (list.empty() ? "" : ", ") + k;
          d.reason += ": " + list;
        }
      }
    }
    for (const auto& [claim_id, tc] : t.claims) Claim(id, claim_id, tc, &e);
    if (!t.claims.empty()) NotListed(id, t, e);
  }

  void Claim(const std::string& member, const std::string& claim_id, const TheirClaim& t,
             const MemberExplanation* e) {
    const ClaimHistory* h = book_.FindClaim(claim_id);
    if (!h) {
      Difference& d = Add(DifferenceKind::kClaimUnknown, member, claim_id, e, t.lines);
      if (t.expected) d.theirs = t.expected->ToString();
      d.reason =
          "no version of claim " + claim_id + " was received (as of " + c_.as_of.ToString() + ")";
      return;
    }
    const ClaimVersionSummary& eff = h->Effective();
    if (h->member_id != member) {
      Difference& d = Add(DifferenceKind::kClaimOtherMember, member, claim_id, e, t.lines);
      if (t.expected) d.theirs = t.expected->ToString();
      d.version = eff.version;
      d.reason = "claim " + claim_id + " belongs to member " + h->member_id +
                 " in the engine's data (effective version " + std::to_string(eff.version) + ", " +
                 eff.source.ToString() + ")";
      return;
    }
    if (eff.frequency == Frequency::kVoid) {
      if (t.expected && t.expected->IsZero()) return;
      Difference& d = Add(DifferenceKind::kClaimVoided, member, claim_id, e, t.lines);
      Money3(d, t.expected, Money());
      d.version = eff.version;
      d.reason = "claim " + claim_id + " was voided by version " + std::to_string(eff.version) +
                 " (" + eff.source.ToString() + ")" + EarlierPaid(*h);
      return;
    }
    const bool ours = e && e->outcome.contract && *e->outcome.contract == c_.id;
    if (!ours) {
      if (t.expected && t.expected->IsZero()) return;
      Difference& d = Add(DifferenceKind::kClaimNotCounted, member, claim_id, e, t.lines);
      Money3(d, t.expected, Money());
      d.version = eff.version;
      d.reason = "member " + member + " is not attributed to " + c_.id.str() +
                 ", so none of its claims count in the contract's expenditure";
      return;
    }
    Money counted;
    int lines = 0, counted_lines = 0;
    std::string notes;
    std::string first_note;
    for (const auto& d : e->trace.lines) {
      if (d.claim_id != claim_id) continue;
      ++lines;
      if (d.expenditure) {
        counted += d.paid;
        ++counted_lines;
      } else if (first_note.empty()) {
        first_note = d.expenditure_note;
      }
      notes += (notes.empty() ? "" : "; ") + LineNote(d);
    }
    if (counted_lines < lines) {
      if (t.expected && *t.expected == counted) return;
      const bool none = counted_lines == 0;
      Difference& d = Add(none ? KindOfNote(first_note) : DifferenceKind::kClaimPartlyCounted,
                          member, claim_id, e, t.lines);
      Money3(d, t.expected, counted);
      d.version = eff.version;
      const Date cutoff = c_.resolved->params.RunoutCutoff(c_.year);
      d.reason = "claim " + claim_id + " (version " + std::to_string(eff.version) + ", paid " +
                 (eff.paid_date ? eff.paid_date->ToString() : std::string("-")) + ") counts " +
                 counted.ToString() + ": " + notes + " [run-out cutoff " + cutoff.ToString() +
                 ", as-of " + c_.as_of.ToString() + ", eligible months " + MonthRanges(e->outcome) +
                 "]";
      return;
    }
    if (!t.expected || *t.expected == counted) return;
    const bool replaced = eff.frequency == Frequency::kReplacement || eff.version > 1;
    Difference& d =
        Add(replaced ? DifferenceKind::kClaimReplaced : DifferenceKind::kClaimPaidDiffers, member,
            claim_id, e, t.lines);
    Money3(d, t.expected, counted);
    d.version = eff.version;
    if (replaced) {
      d.reason = "claim " + claim_id + " was replaced: version " + std::to_string(eff.version) +
                 " (" + FrequencyName(eff.frequency) + ", " + eff.source.ToString() +
                 ") is effective and pays " + counted.ToString() + EarlierPaid(*h);
    } else {
      d.reason = "claim " + claim_id + " counts " + counted.ToString() + " in full: " + notes;
    }
  }

 private:
  // "; earlier: version 1 paid 100.00 (claims.ndjson:3)" for the versions before the
  // effective one that were applied in their time.
  static std::string EarlierPaid(const ClaimHistory& h) {
    std::string s;
    for (size_t i = 0; i < h.versions.size(); ++i) {
      const ClaimVersionSummary& v = h.versions[i];
      if (i == h.effective || v.decision != VersionDecision::kApply) continue;
      s += (s.empty() ? "; earlier: " : ", ") + std::string("version ") +
           std::to_string(v.version) + " (" + FrequencyName(v.frequency) + ") paid " +
           v.paid.ToString();
    }
    return s;
  }

  static std::vector<std::string> CountedClaims(const MemberExplanation& e) {
    std::set<std::string> ids;
    for (const auto& d : e.trace.lines) {
      if (d.expenditure) ids.insert(d.claim_id);
    }
    return {ids.begin(), ids.end()};
  }

  // Paid amounts that do not count, by reason, and voided claims.
  static std::string Uncounted(const MemberExplanation& e) {
    std::map<std::string, std::pair<Money, std::set<std::string>>> by_note;
    for (const auto& d : e.trace.lines) {
      if (d.expenditure || d.paid.IsZero()) continue;
      auto& [sum, claims] = by_note[d.expenditure_note];
      sum += d.paid;
      claims.insert(d.claim_id);
    }
    std::string s;
    for (const auto& [note, v] : by_note) {
      std::string list;
      for (const auto& k : v.second) list += (list.empty() ? "" : ", ") + k;
      s += (s.empty() ? "; not counted: " : "; ") + v.first.ToString() + " " + note + " (" + list +
           ")";
    }
    std::string voids;
    for (const ClaimHistory* h : e.claims) {
      if (h->Effective().frequency != Frequency::kVoid) continue;
      voids += (voids.empty() ? "" : ", ") + h->claim_id + " (version " +
               std::to_string(h->Effective().version) + ")";
    }
    if (!voids.empty()) s += "; voided claims: " + voids;
    return s;
  }

  std::string TruncationDetail(const rules::MemberOutcome& o) const {
    std::string s;
    for (int t = 0; t < kEnrollmentTypeCount; ++t) {
      const size_t k = static_cast<size_t>(t);
      if (o.truncated_x12[k] == o.expenditure[k].micros() * 12) continue;
      const Money& threshold = c_.resolved->params.truncation_threshold[k];
      const Rational cap = threshold.ToExact() * o.months[k] / 12;
      s += std::string(" ") + EnrollmentTypeName(static_cast<EnrollmentType>(t)) + " paid " +
           o.expenditure[k].ToString() + ", cap " + threshold.ToString() + " x " +
           std::to_string(o.months[k]) + "/12 = " + Cents2(cap) + ";";
    }
    if (!s.empty()) s.pop_back();
    return s;
  }

  void NotListed(const std::string& member, const TheirMember& t, const MemberExplanation& e) {
    const rules::Unit own{true, c_.id.str()};
    std::map<std::string, std::pair<Money, const rules::LineDecision*>> counted;
    for (const auto& d : e.trace.lines) {
      if (!d.expenditure || !(d.unit == own) || t.claims.count(d.claim_id)) continue;
      auto& [sum, first] = counted[d.claim_id];
      sum += d.paid;
      if (!first) first = &d;
    }
    for (const auto& [claim_id, v] : counted) {
      Difference& d = Add(DifferenceKind::kClaimNotListed, member, claim_id, &e, {});
      d.ours = v.first.ToString();
      d.version = v.second->version;
      const ClaimHistory* h = book_.FindClaim(claim_id);
      d.reason = "claim " + claim_id + " counts " + v.first.ToString() + " for " + member +
                 ", billed under " + (h ? "TIN " + h->billing_tin : std::string("a TIN")) + " of " +
                 c_.id.str() + " (service " + v.second->service_date.ToString() + ", paid " +
                 v.second->paid_date.ToString() + "), but is not in the file";
    }
  }

  const ReconcileBook& book_;
  const BookContract& c_;
  ReconcileReport* r_;
};

}  // namespace

ReconcileReport Reconcile(const ReconcileBook& book, const BookContract& contract,
                          const TheirFile& theirs) {
  ReconcileReport r;
  r.contract_id = contract.id;
  r.performance_year = contract.year;
  r.as_of = contract.as_of;
  r.runout_cutoff = contract.resolved->params.RunoutCutoff(contract.year);
  for (const auto& col : theirs.ignored_columns) {
    r.notes.push_back("column '" + col + "' is not one reconcile reads; ignored");
  }
  std::map<std::string, TheirMember> members;
  for (const TheirRow& row : theirs.rows) {
    TheirMember& m = members[row.member_id];
    m.lines.push_back(row.line);
    if (row.claim_id.empty()) {
      m.member_row = true;
      AddTo(m.expected, row.expected_paid);
      if (row.claim_count) m.claim_count = m.claim_count.value_or(0) + *row.claim_count;
    } else {
      TheirClaim& c = m.claims[row.claim_id];
      c.lines.push_back(row.line);
      AddTo(c.expected, row.expected_paid);
    }
  }
  r.their_members = static_cast<int64_t>(members.size());
  r.our_members = static_cast<int64_t>(contract.roster.size());
  Builder builder(book, contract, &r);
  for (const auto& [id, m] : members) {
    r.their_claims += static_cast<int64_t>(m.claims.size());
    builder.Member(id, m);
  }
  for (const RosterEntry& e : contract.roster) {
    if (members.count(e.member_id.str())) continue;
    Difference d;
    d.kind = DifferenceKind::kMemberNotListed;
    d.member_id = e.member_id.str();
    d.status = "attributed";
    d.step = static_cast<int>(e.step);
    d.unit = rules::Unit{true, contract.id.str()}.ToString();
    d.ours = e.expenditure.ToString();
    d.reason = "attributed to " + contract.id.str() + " at step " +
               std::to_string(static_cast<int>(e.step)) + " (" + e.decided_by + "), " +
               std::to_string(e.eligible_months) + " eligible month(s), " +
               e.expenditure.ToString() + " paid counted, but not in the file";
    r.differences.push_back(std::move(d));
  }
  std::stable_sort(r.differences.begin(), r.differences.end(),
                   [](const Difference& a, const Difference& b) {
                     if (a.member_id != b.member_id) return a.member_id < b.member_id;
                     if (a.claim_id != b.claim_id) return a.claim_id < b.claim_id;
                     return a.kind < b.kind;
                   });
  return r;
}

// ---------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------
namespace {

std::string Lines(const std::vector<int64_t>& v) {
  std::string s;
  for (int64_t l : v) s += (s.empty() ? "" : ";") + std::to_string(l);
  return s;
}

}  // namespace

std::string ReconcileCsv(const ReconcileReport& report) {
  std::string out =
      "kind,member_id,claim_id,theirs,ours,delta,status,step,unit,version,their_lines,reason\r\n";
  for (const Difference& d : report.differences) {
    const std::vector<std::string> fields = {DifferenceKindName(d.kind),
                                             d.member_id,
                                             d.claim_id,
                                             d.theirs,
                                             d.ours,
                                             d.delta,
                                             d.status,
                                             d.step ? std::to_string(*d.step) : "",
                                             d.unit,
                                             d.version ? std::to_string(*d.version) : "",
                                             Lines(d.their_lines),
                                             d.reason};
    AppendCsvRecord(fields, &out);
  }
  return out;
}

nlohmann::ordered_json ReconcileJson(const ReconcileReport& report) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["schema"] = "vbp.reconcile/1";
  j["contract_id"] = report.contract_id.str();
  j["performance_year"] = report.performance_year;
  j["as_of"] = report.as_of.ToString();
  j["runout_cutoff"] = report.runout_cutoff.ToString();
  ordered_json s;
  s["their_members"] = report.their_members;
  s["our_members"] = report.our_members;
  s["members_in_both"] = report.members_in_both;
  s["their_claims"] = report.their_claims;
  s["differences"] = report.differences.size();
  std::map<std::string, int64_t> by_kind;
  for (const auto& d : report.differences) ++by_kind[DifferenceKindName(d.kind)];
  ordered_json k = ordered_json::object();
  for (const auto& [name, n] : by_kind) k[name] = n;
  s["by_kind"] = k;
  j["summary"] = s;
  j["notes"] = report.notes;
  ordered_json list = ordered_json::array();
  for (const Difference& d : report.differences) {
    ordered_json x;
    x["kind"] = DifferenceKindName(d.kind);
    x["member_id"] = d.member_id;
    x["claim_id"] = d.claim_id.empty() ? ordered_json(nullptr) : ordered_json(d.claim_id);
    x["theirs"] = d.theirs.empty() ? ordered_json(nullptr) : ordered_json(d.theirs);
    x["ours"] = d.ours.empty() ? ordered_json(nullptr) : ordered_json(d.ours);
    x["delta"] = d.delta.empty() ? ordered_json(nullptr) : ordered_json(d.delta);
    x["status"] = d.status;
    x["step"] = d.step ? ordered_json(*d.step) : ordered_json(nullptr);
    x["unit"] = d.unit.empty() ? ordered_json(nullptr) : ordered_json(d.unit);
    x["version"] = d.version ? ordered_json(*d.version) : ordered_json(nullptr);
    x["their_lines"] = d.their_lines;
    x["reason"] = d.reason;
    list.push_back(std::move(x));
  }
  j["differences"] = std::move(list);
  return j;
}

}  // namespace vbp
