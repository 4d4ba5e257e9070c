#include "rules/hcc/risk_score.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace vbp::rules::hcc {

const char* DualStatusName(DualStatus d) {
  switch (d) {
    case DualStatus::kNon:
      return "non";
    case DualStatus::kPartial:
      return "partial";
    case DualStatus::kFull:
      return "full";
  }
  return "?";
}

const char* FactorKindName(FactorKind k) {
  switch (k) {
    case FactorKind::kDemographic:
      return "demographic";
    case FactorKind::kDisease:
      return "disease";
    case FactorKind::kDiseaseInteraction:
      return "disease_interaction";
    case FactorKind::kDisabledInteraction:
      return "disabled_interaction";
    case FactorKind::kPaymentHccCount:
      return "payment_hcc_count";
    case FactorKind::kOriginallyDisabled:
      return "originally_disabled";
  }
  return "?";
}

namespace {

Rational Dec(const char* s) { return ParseExactDecimal(s).value(); }

BigInt Pow10(int n) {
  BigInt r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

// Completed years from `birth` to `on`.
int AgeOn(Date birth, Date on) {
  int years = on.year() - birth.year();
  if (std::make_pair(on.month(), on.day()) < std::make_pair(birth.month(), birth.day())) {
    --years;
  }
  return years;
}

// "0111" → "111"; the type of bill's first two digits decide eligibility.
std::string_view BillTypePrefix(std::string_view bill_type) {
  if (bill_type.size() == 4 && bill_type.front() == '0') bill_type.remove_prefix(1);
  return bill_type.substr(0, std::min<size_t>(2, bill_type.size()));
}

bool IsInpatientBillType(std::string_view p) { return p == "11" || p == "41"; }
bool IsOutpatientBillType(std::string_view p) {
  static constexpr std::string_view kTypes[] = {"12", "13", "43", "71", "73", "76", "77", "85"};
  return std::find(std::begin(kTypes), std::end(kTypes), p) != std::end(kTypes);
}

// Upper case, dots removed: the tables' form.
std::string CanonicalIcd10(std::string_view code) {
  std::string s;
  s.reserve(code.size());
  for (char c : code) {
    if (c == '.') continue;
    s.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return s;
}

// How one claim takes part (SPEC-independent CMS filtering; rules/hcc/README.md).
struct ClaimCheck {
  bool in_period = false;
  bool eligible = false;
  int32_t line = 0;  // supplying line; 0 = header
  Date date;
  std::string reason;  // why not eligible
};

// The eligible CPT/HCPCS list a service is checked against: the list of its year of service
// (CMS publishes one per calendar year of service; a code deleted from CPT at the start of a
// year stays eligible for services of the years before), or the latest list before it when
// none is shipped for that year, the earliest list for services before the table starts;
// `forced` (hcc_model.cpt_list_year) overrides.
int ListYearOf(Date service, const std::optional<int>& forced, const HccTables& tables) {
  if (forced) return *forced;
  if (auto y = tables.CptListYearAtMost(service.year())) return *y;
  for (int y = service.year() + 1; y <= service.year() + 100; ++y) {
    if (auto first = tables.CptListYearAtMost(y)) return *first;
  }
  return service.year();  // no list at all: nothing is eligible
}

ClaimCheck CheckClaim(const ClaimView& c, const DateRange& period,
                      const std::optional<int>& forced_list_year, const HccTables& tables) {
  ClaimCheck k;
  if (c.claim_type == ClaimType::kProfessional) {
    const LineFacts* supplier = nullptr;
    for (const LineFacts& l : c.lines) {
      if (!period.Contains(l.service_date)) continue;
      k.in_period = true;
      if (tables.IsEligibleCode(ListYearOf(l.service_date, forced_list_year, tables),
                                l.hcpcs.view()) &&
          (!supplier || l.line < supplier->line)) {
        supplier = &l;
      }
    }
    if (supplier) {
      k.eligible = true;
      k.line = supplier->line;
      k.date = supplier->service_date;
    } else {
      k.reason = "professional claim without a risk-adjustment eligible CPT/HCPCS line";
    }
    return k;
  }
  // Institutional: the claim's through date places it in the period.
  k.in_period = period.Contains(c.through_date);
  k.date = c.through_date;
  const std::string_view bill_type = c.institutional ? c.institutional->bill_type : "";
  const std::string_view prefix = BillTypePrefix(bill_type);
  if (IsInpatientBillType(prefix)) {
    k.eligible = true;
    return k;
  }
  if (IsOutpatientBillType(prefix)) {
    const LineFacts* supplier = nullptr;
    for (const LineFacts& l : c.lines) {
      if (tables.IsEligibleCode(ListYearOf(l.service_date, forced_list_year, tables),
                                l.hcpcs.view()) &&
          (!supplier || l.line < supplier->line)) {
        supplier = &l;
      }
    }
    if (supplier) {
      k.eligible = true;
      k.line = supplier->line;
    } else {
      k.reason = "outpatient bill type " + std::string(bill_type) +
                 " without a risk-adjustment eligible CPT/HCPCS line";
    }
    return k;
  }
  k.reason = bill_type.empty()
                 ? "institutional claim without a bill type"
                 : "bill type " + std::string(bill_type) + " is not risk-adjustment eligible";
  return k;
}

const Coverage* ReferenceSpan(const Member& m, Date on) {
  const Coverage* covering = nullptr;
  const Coverage* before = nullptr;
  const Coverage* after = nullptr;
  // Ties are broken by the span's fields so that input order never matters.
  auto later = [](const Coverage* a, const Coverage* b) {
    return std::tie(a->from, a->through, a->program, a->enrollment_type) >
           std::tie(b->from, b->through, b->program, b->enrollment_type);
  };
  for (const Coverage& c : m.coverage) {
    if (c.from <= on && on <= c.through) {
      if (!covering || later(&c, covering)) covering = &c;
    } else if (c.through < on) {
      if (!before || c.through > before->through ||
          (c.through == before->through && later(&c, before))) {
        before = &c;
      }
    } else if (!after || c.from < after->from || (c.from == after->from && later(after, &c))) {
      after = &c;
    }
  }
  return covering ? covering : before ? before : after;
}

std::string SexLetter(Sex s) { return s == Sex::kFemale ? "F" : "M"; }

}  // namespace

Rational RoundHalfUp(const Rational& x, int decimals) {
  if (x < 0) return -RoundHalfUp(-x, decimals);
  const BigInt scale = Pow10(decimals);
  Rational shifted = x * Rational(scale) + Rational(1, 2);
  BigInt q =
      boost::multiprecision::numerator(shifted) / boost::multiprecision::denominator(shifted);
  return Rational(q, scale);
}

std::string AgeGroup(int age, bool new_enrollee) {
  if (age < 35) return "0-34";
  if (age < 45) return "35-44";
  if (age < 55) return "45-54";
  if (age < 60) return "55-59";
  if (age < 65) return "60-64";
  if (age < 70) return new_enrollee ? std::to_string(age) : "65-69";
  if (age < 75) return "70-74";
  if (age < 80) return "75-79";
  if (age < 85) return "80-84";
  if (age < 90) return "85-89";
  if (age < 95) return "90-94";
  return ">=95";
}

Segment SegmentOf(const RiskProfile& p) {
  if (p.new_enrollee) return Segment::kNE;
  if (p.institutional) return Segment::kINS;
  // CMS: DISABL = (age < 65) * (OREC != 0).
  const bool disabled = p.age < 65 && !p.entitled_by_age;
  switch (p.dual) {
    case DualStatus::kNon:
      return disabled ? Segment::kCND : Segment::kCNA;
    case DualStatus::kFull:
      return disabled ? Segment::kCFD : Segment::kCFA;
    case DualStatus::kPartial:
      return disabled ? Segment::kCPD : Segment::kCPA;
  }
  return Segment::kCNA;
}

RiskModelParams DefaultRiskModelParams(int payment_year, std::vector<std::string>* notes) {
  RiskModelParams p;
  auto note = [&](std::string s) {
    if (notes) notes->push_back(std::move(s));
  };
  // CMS phase-in of the 2024 CMS-HCC model (V28): PY2024 67% V24 / 33% V28, PY2025 33% / 67%,
  // PY2026 100% V28 (CY2024 Rate Announcement). Before 2024: V24 only.
  if (payment_year <= 2023) {
    p.weight_v24 = 1;
    p.weight_v28 = 0;
  } else if (payment_year == 2024) {
    p.weight_v24 = Dec("0.67");
    p.weight_v28 = Dec("0.33");
  } else if (payment_year == 2025) {
    p.weight_v24 = Dec("0.33");
    p.weight_v28 = Dec("0.67");
  } else {
    p.weight_v24 = 0;
    p.weight_v28 = 1;
  }
  if (payment_year <= 2021) {
    note("PY" + std::to_string(payment_year) +
         ": CMS blended V24 with the 2017 (V22) model, which is not supported; V24 only");
  }
  // FFS normalization factors from the CMS Rate Announcements (rules/hcc/README.md).
  switch (payment_year) {
    case 2020:
      p.normalization_v24 = Dec("1.069");
      break;
    case 2021:
      p.normalization_v24 = Dec("1.097");
      break;
    case 2022:
      p.normalization_v24 = Dec("1.118");
      break;
    case 2023:
      p.normalization_v24 = Dec("1.127");
      break;
    case 2024:
      p.normalization_v24 = Dec("1.146");
      p.normalization_v28 = Dec("1.015");
      break;
    case 2025:
      p.normalization_v24 = Dec("1.153");
      p.normalization_v28 = Dec("1.045");
      break;
    default:
      note("no normalization factor shipped for PY" + std::to_string(payment_year) +
           "; raw scores are not normalized (factor 1)");
  }
  return p;
}

Status ValidateRiskModelParams(const RiskModelParams& p) {
  if (p.weight_v24 < 0 || p.weight_v28 < 0)
    return Status::Invalid("risk model weights must be >= 0");
  if (p.weight_v24 + p.weight_v28 != 1) return Status::Invalid("risk model weights must sum to 1");
  if (p.normalization_v24 <= 0 || p.normalization_v28 <= 0) {
    return Status::Invalid("risk model normalization factors must be > 0");
  }
  if (p.coding_adjustment < 0 || p.coding_adjustment >= 1) {
    return Status::Invalid("risk model coding_adjustment must be in [0, 1)");
  }
  if (p.round_decimals && (*p.round_decimals < 0 || *p.round_decimals > 12)) {
    return Status::Invalid("risk model round_decimals must be in [0, 12]");
  }
  if (p.collection_period && p.collection_period->last < p.collection_period->first) {
    return Status::Invalid("risk model collection_period ends before it starts");
  }
  return Status::Ok();
}

DateRange CollectionPeriod(int payment_year, const RiskModelParams& params) {
  if (params.collection_period) return *params.collection_period;
  const int year =
      params.collection == CollectionKind::kProspective ? payment_year - 1 : payment_year;
  return {Date::FirstOfYear(year), Date::LastOfYear(year)};
}

RiskProfile DeriveRiskProfile(const Member& member, int payment_year,
                              const DateRange& collection_period, const RiskModelParams& params,
                              const RiskProfileOverrides& overrides) {
  RiskProfile p;
  p.sex = member.sex;
  p.age_date = Date::FromYmd(payment_year, 2, 1);
  p.age = AgeOn(member.birth_date, p.age_date);
  const Coverage* ref = ReferenceSpan(member, p.age_date);
  bool dual = member.medicaid.value_or(false);
  if (ref) {
    p.esrd = ref->enrollment_type == EnrollmentType::kEsrd;
    dual = dual || ref->enrollment_type == EnrollmentType::kAgedDual;
    p.coverage_basis =
        std::string(ref->from <= p.age_date && p.age_date <= ref->through ? "span covering "
                                                                          : "nearest span to ") +
        p.age_date.ToString() + ": " + ref->from.ToString() + ".." + ref->through.ToString() + " " +
        ref->program + " " + EnrollmentTypeName(ref->enrollment_type);
  } else {
    p.coverage_basis = "no coverage span";
  }
  p.dual = dual ? params.medicaid_dual_status : DualStatus::kNon;
  p.originally_disabled = member.orec.has_value() && *member.orec == "1";
  p.entitled_by_age = member.orec.has_value() && *member.orec == "0";
  // Months of the collection period whose first day some span covers.
  for (Date m = Date::FirstOfMonth(collection_period.first.year(), collection_period.first.month());
       m <= collection_period.last; m = m.AddMonths(1)) {
    if (m < collection_period.first) continue;
    for (const Coverage& c : member.coverage) {
      if (c.from <= m && m <= c.through) {
        ++p.collection_months_covered;
        break;
      }
    }
  }
  p.new_enrollee = p.collection_months_covered < 12;
  if (overrides.institutional) p.institutional = *overrides.institutional;
  if (overrides.dual) p.dual = *overrides.dual;
  if (overrides.new_enrollee) p.new_enrollee = *overrides.new_enrollee;
  if (overrides.originally_disabled) p.originally_disabled = *overrides.originally_disabled;
  return p;
}

namespace {

struct ModelInputs {
  ModelVersion model;
  Rational weight;
  Rational normalization;
};

// One model's score from the distinct HCC set (code -> HCCs of this model).
Result<ModelScore> ScoreModel(const ModelInputs& in, const RiskProfile& profile,
                              const std::map<int, std::vector<std::string>>& hcc_diagnoses,
                              const HccTables& tables) {
  ModelScore s;
  s.model = in.model;
  s.weight = in.weight;
  s.normalization = in.normalization;
  s.segment = SegmentOf(profile);
  s.age_group = AgeGroup(profile.age, profile.new_enrollee);
  const char* model_name = ModelVersionName(in.model);

  // Demographic factor.
  const bool ne = s.segment == Segment::kNE;
  const bool ne_origdis = profile.originally_disabled && profile.age >= 65;
  const Rational* demo = tables.Demographic(in.model, s.segment, profile.sex, s.age_group,
                                            profile.dual != DualStatus::kNon, ne_origdis);
  if (!demo) {
    return Status::Internal(std::string(model_name) + " has no demographic factor for " +
                            SegmentName(s.segment) + " " + SexLetter(profile.sex) + s.age_group);
  }
  std::string demo_desc = std::string(profile.sex == Sex::kFemale ? "female " : "male ") +
                          s.age_group + ", " + SegmentDescription(s.segment);
  if (ne) {
    demo_desc += profile.dual != DualStatus::kNon ? ", medicaid" : ", non-medicaid";
    demo_desc += ne_origdis ? ", originally disabled" : ", not originally disabled";
  }
  s.factors.push_back(Factor{FactorKind::kDemographic,
                             std::string(ne ? "NE_" : "") + SexLetter(profile.sex) + s.age_group,
                             demo_desc, *demo});

  if (!ne) {
    // Hierarchies: an HCC present drops the HCCs it excludes (the smallest present trumping
    // HCC is recorded).
    std::map<int, HccDecision> decisions;
    for (const auto& [hcc, codes] : hcc_diagnoses) {
      decisions[hcc] =
          HccDecision{hcc, std::string(tables.Label(in.model, hcc)), true, std::nullopt, codes};
    }
    // In HCC order, as CMS's software applies them: an HCC already dropped drops nothing.
    for (const auto& [hcc, d] : decisions) {
      if (!d.kept) continue;
      for (int excluded : tables.Excludes(in.model, hcc)) {
        auto it = decisions.find(excluded);
        if (it != decisions.end() && !it->second.trumped_by) {
          it->second.kept = false;
          it->second.trumped_by = hcc;
        }
      }
    }
    std::set<int> kept;
    for (auto& [hcc, d] : decisions) {
      if (d.kept) kept.insert(hcc);
      s.hccs.push_back(std::move(d));
    }
    // Disease factors.
    for (int hcc : kept) {
      const DiseaseFactor* f = tables.Disease(in.model, s.segment, hcc);
      s.factors.push_back(Factor{FactorKind::kDisease, "HCC" + std::to_string(hcc),
                                 std::string(tables.Label(in.model, hcc)),
                                 f ? f->coefficient : Rational(0)});
    }
    // Disease interactions: once per interaction when any of its pairs is present.
    for (const Interaction& i : tables.DiseaseInteractions(in.model, s.segment)) {
      for (const auto& [a, b] : i.pairs) {
        if (kept.count(a) && kept.count(b)) {
          s.factors.push_back(
              Factor{FactorKind::kDiseaseInteraction, i.name, i.description, i.coefficient});
          break;
        }
      }
    }
    // Disabled interactions (institutional segment, age < 65).
    if (profile.age < 65) {
      for (const Interaction& i : tables.DisabledInteractions(in.model, s.segment)) {
        for (const auto& [a, b] : i.pairs) {
          if (kept.count(a)) {
            s.factors.push_back(
                Factor{FactorKind::kDisabledInteraction, i.name, i.description, i.coefficient});
            break;
          }
        }
      }
    }
    // Payment HCC count.
    s.payment_hcc_count = static_cast<int>(kept.size());
    if (s.payment_hcc_count > 0) {
      const int bucket = std::min(s.payment_hcc_count, 10);
      if (const Rational* c = tables.CountFactor(in.model, s.segment, bucket)) {
        s.factors.push_back(Factor{FactorKind::kPaymentHccCount,
                                   bucket == 10 ? "D10P" : "D" + std::to_string(bucket),
                                   std::to_string(s.payment_hcc_count) + " payment HCCs", *c});
      }
    }
    // CMS: ORIGDS = (OREC = 1) * (DISABL = 0); a term of the aged community segments.
    if (profile.originally_disabled && profile.age >= 65) {
      if (const Rational* c = tables.OriginallyDisabled(in.model, s.segment, profile.sex)) {
        const bool female = profile.sex == Sex::kFemale;
        s.factors.push_back(Factor{
            FactorKind::kOriginallyDisabled,
            female ? "OriginallyDisabled_Female" : "OriginallyDisabled_Male",
            std::string("originally disabled (OREC 1), now aged, ") + (female ? "female" : "male"),
            *c});
      }
    }
  }
  for (const Factor& f : s.factors) s.raw += f.coefficient;
  s.normalized = s.raw / s.normalization;
  return s;
}

}  // namespace

namespace {

// The models the parameters weigh, each with its normalization factor.
std::vector<ModelInputs> WeightedModels(const RiskModelParams& params) {
  std::vector<ModelInputs> models;
  if (params.weight_v24 > 0) {
    models.push_back({ModelVersion::kV24, params.weight_v24, params.normalization_v24});
  }
  if (params.weight_v28 > 0) {
    models.push_back({ModelVersion::kV28, params.weight_v28, params.normalization_v28});
  }
  return models;
}

// Every model needs its ICD-10 mapping for the payment year, and a CPT/HCPCS list must be
// shipped; cpt_list_year reports the list of the collection period's last year (each service
// is checked against the list of its own year of service, ListYearOf).
Status CheckTablesCover(const std::vector<ModelInputs>& models, int payment_year,
                        const RiskModelParams& params, const HccTables& tables,
                        RiskScoreResult& out) {
  for (const ModelInputs& m : models) {
    if (!tables.HasMappingYear(m.model, payment_year)) {
      auto [first, last] = tables.MappingYears(m.model);
      return Status::Invalid(std::string(ModelVersionName(m.model)) +
                             " has no ICD-10 mapping for payment year " +
                             std::to_string(payment_year) + " (tables cover " +
                             std::to_string(first) + "-" + std::to_string(last) + ")");
    }
  }
  const int service_year = out.collection_period.last.year();
  if (params.cpt_list_year) {
    out.cpt_list_year = *params.cpt_list_year;
    return Status::Ok();
  }
  out.cpt_list_year = ListYearOf(out.collection_period.last, std::nullopt, tables);
  if (!tables.CptListYearAtMost(out.cpt_list_year)) {
    return Status::Invalid("no eligible CPT/HCPCS list is shipped");
  }
  if (out.cpt_list_year != service_year) {
    out.notes.push_back("no eligible CPT/HCPCS list for services in " +
                        std::to_string(service_year) + "; the " +
                        std::to_string(out.cpt_list_year) + " list is used");
  }
  return Status::Ok();
}

// Why the member is not scored (CMS-HCC community models), or empty.
std::string NotScoredReason(const RiskProfile& profile) {
  if (profile.sex == Sex::kUnknown) {
    return "sex unknown: the CMS-HCC demographic factors need female or male";
  }
  if (profile.esrd) {
    return "esrd: the member is in ESRD status (" + profile.coverage_basis +
           "); CMS scores ESRD beneficiaries with the ESRD models, which are not supported";
  }
  return "";
}

// The diagnoses of the collection period's eligible claims paid in time, each with the claim
// that first reported it (earliest date, then claim_id, then line) and its HCCs per model;
// the ones that would map to an HCC but whose claims do not count, with why.
class DiagnosisCollector {
 public:
  DiagnosisCollector(const std::vector<ModelInputs>& models, int payment_year,
                     const HccTables& tables)
      : models_(models), payment_year_(payment_year), tables_(tables) {}

  void Add(const ClaimView& c, const PaidCutoff& paid, const RiskModelParams& params,
           RiskScoreResult& out) {
    if (c.diagnoses.empty()) return;
    ClaimCheck k = CheckClaim(c, out.collection_period, params.cpt_list_year, tables_);
    if (!k.in_period) return;
    const char* late = paid.WhyNot(c);
    if (late || !k.eligible) {
      ++(late ? out.paid_late_claims : out.ineligible_claims);
      Ignore(c, late ? std::string(late) : k.reason);
      return;
    }
    ++out.eligible_claims;
    std::set<std::string> seen;
    for (const Icd10Code& d : c.diagnoses) {
      std::string code = CanonicalIcd10(d.view());
      if (seen.insert(code).second) Use(c, k, std::move(code));
    }
  }

  void Finish(RiskScoreResult& out) {
    for (auto& [code, u] : used_) out.diagnoses.push_back(std::move(u));
    for (auto& [code, v] : ignored_) {
      if (used_.count(code)) continue;
      out.ignored.push_back(IgnoredDiagnosis{code, std::get<1>(v), std::get<2>(v)});
    }
  }

 private:
  // True when the code maps to an HCC in any model; fills `u`'s HCCs when given.
  bool Map(const std::string& code, DiagnosisUse* u) {
    bool any = false;
    for (const ModelInputs& m : models_) {
      hccs_.clear();
      tables_.HccsOf(m.model, payment_year_, code, &hccs_);
      if (u) (m.model == ModelVersion::kV24 ? u->hccs_v24 : u->hccs_v28) = hccs_;
      any = any || !hccs_.empty();
    }
    return any;
  }

  void Ignore(const ClaimView& c, const std::string& reason) {
    for (const Icd10Code& d : c.diagnoses) {
      std::string code = CanonicalIcd10(d.view());
      if (!Map(code, nullptr)) continue;
      auto key = std::make_tuple(c.through_date, std::string(c.claim_id), reason);
      auto it = ignored_.find(code);
      if (it == ignored_.end() || key < it->second) ignored_[code] = key;
    }
  }

  void Use(const ClaimView& c, const ClaimCheck& k, std::string code) {
    auto it = used_.find(code);
    if (it == used_.end()) {
      DiagnosisUse u;
      u.code = code;
      if (!Map(code, &u)) return;
      u.claim_id = std::string(c.claim_id);
      u.line = k.line;
      u.date = k.date;
      u.claims = 1;
      used_.emplace(code, std::move(u));
      return;
    }
    DiagnosisUse& u = it->second;
    ++u.claims;
    if (std::make_tuple(k.date, c.claim_id, k.line) <
        std::make_tuple(u.date, std::string_view(u.claim_id), u.line)) {
      u.claim_id = std::string(c.claim_id);
      u.line = k.line;
      u.date = k.date;
    }
  }

  const std::vector<ModelInputs>& models_;
  const int payment_year_;
  const HccTables& tables_;
  std::vector<int> hccs_;
  std::map<std::string, DiagnosisUse> used_;
  std::map<std::string, std::tuple<Date, std::string, std::string>> ignored_;
};

// Each model's score from the HCCs of the used diagnoses, blended by weight.
Status ScoreModels(const std::vector<ModelInputs>& models, const HccTables& tables,
                   RiskScoreResult& out) {
  for (const ModelInputs& m : models) {
    std::map<int, std::vector<std::string>> hcc_diagnoses;
    for (const DiagnosisUse& u : out.diagnoses) {
      for (int h : (m.model == ModelVersion::kV24 ? u.hccs_v24 : u.hccs_v28)) {
        hcc_diagnoses[h].push_back(u.code);
      }
    }
    auto s = ScoreModel(m, out.profile, hcc_diagnoses, tables);
    if (!s.ok()) return s.status();
    out.blended += s->weight * s->normalized;
    out.models.push_back(std::move(s).value());
  }
  return Status::Ok();
}

}  // namespace

Result<RiskScoreResult> ComputeRiskScore(const Member& member, std::span<const ClaimView> claims,
                                         const PaidCutoff& paid, int payment_year,
                                         const RiskModelParams& params, const HccTables& tables,
                                         const RiskProfileOverrides& overrides) {
  VBP_RETURN_IF_ERROR(ValidateRiskModelParams(params));
  RiskScoreResult out;
  out.payment_year = payment_year;
  out.collection_period = CollectionPeriod(payment_year, params);
  const std::vector<ModelInputs> models = WeightedModels(params);
  VBP_RETURN_IF_ERROR(CheckTablesCover(models, payment_year, params, tables, out));
  out.profile = DeriveRiskProfile(member, payment_year, out.collection_period, params, overrides);
  out.not_scored_reason = NotScoredReason(out.profile);
  if (!out.not_scored_reason.empty()) return out;
  DiagnosisCollector diagnoses(models, payment_year, tables);
  for (const ClaimView& c : claims) diagnoses.Add(c, paid, params, out);
  diagnoses.Finish(out);
  VBP_RETURN_IF_ERROR(ScoreModels(models, tables, out));
  if (out.profile.new_enrollee) {
    out.notes.push_back("new enrollee (" + std::to_string(out.profile.collection_months_covered) +
                        " covered months in the collection period): demographic factors only");
  }
  out.score_exact = out.blended * (Rational(1) - params.coding_adjustment);
  out.score = params.round_decimals ? RoundHalfUp(out.score_exact, *params.round_decimals)
                                    : out.score_exact;
  out.scored = true;
  return out;
}

}  // namespace vbp::rules::hcc
