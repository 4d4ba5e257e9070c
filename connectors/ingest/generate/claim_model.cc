#include "connectors/ingest/generate/claim_model.h"

#include <algorithm>
#include <numeric>
#include <optional>

#include "connectors/ingest/generate/ids.h"
#include "connectors/ingest/generate/ndjson_writer.h"

namespace vbp::generate {
namespace {

constexpr uint64_t kClaimStreamBase = 0x2000'0000'0000ULL;
// The clinical events (quality-measure evidence) draw from their own stream, 2^46 + member
// index, so adding them leaves every draw of the claims stream, and every claim, as it was.
constexpr uint64_t kClinicalStreamBase = 0x4000'0000'0000ULL;
constexpr int kClaimsPerMemberMax = 4000;  // claim id space per member

// Medicare pays 80% of allowed after the deductible, less 2% sequestration.
constexpr int64_t kPartBPaidE4 = 7840;
constexpr int64_t kSequesteredE4 = 9800;

// Version and delivery rates per 10^6 claims / records.
constexpr uint32_t kReplacementPpm = 40'000;
constexpr uint32_t kVoidPpm = 15'000;
constexpr uint32_t kThirdVersionPpm = 150'000;  // of replaced claims
constexpr uint32_t kLatePaidPpm = 15'000;
constexpr uint32_t kDuplicatePpm = 6'000;
constexpr uint32_t kOutOfOrderPpm = 40'000;  // of multi-version claims

// Clinical events, per 10^6. Illustrative rates chosen so that a few hundred attributed
// members give every shipped measure a non-degenerate rate (rules/quality/README.md).
constexpr uint32_t kBpReadingPpm = 800'000;           // a hypertensive member's visit with BP
constexpr uint32_t kBpControlledMemberPpm = 720'000;  // hypertensives mostly < 140/90
constexpr uint32_t kHba1cUntestedPpm = 100'000;       // diabetics without any reported result
constexpr uint32_t kHba1cResultPpm = 850'000;         // a tested diabetic's visit with a result
constexpr uint32_t kHba1cReportOnlyPpm = 700'000;     // tested, no PY visit result: reported alone
constexpr uint32_t kMammogramPerYearPpm = 380'000;    // women 50-74
constexpr uint32_t kFitPerYearPpm = 200'000;          // members 45-75
constexpr uint32_t kColonoscopyPerYearPpm = 40'000;   // members 45-75 without a FIT that year
constexpr uint32_t kReadmissionPpm = 150'000;         // per stay discharged alive
constexpr uint32_t kTransferEpisodePpm = 25'000;      // per member with a hospital, in the PY
constexpr uint32_t kTransferToHospicePpm = 150'000;   // of transfer episodes: status 50/51
constexpr uint32_t kTransferReadmittedPpm = 300'000;  // of transfer episodes discharged home
constexpr uint32_t kHospiceLivePpm = 12'000;          // members alive at the end electing hospice
constexpr uint32_t kHospiceLiveDischargePpm = 600'000;  // of those: discharged alive in the PY
constexpr int64_t kTransferOutPaymentE4 = 6000;         // per-diem transfer payment ~60% of DRG

int Weekday(int32_t day) { return static_cast<int>((day + 4) % 7); }  // 0 = Sunday

// base × (1 + elasticity × (intensity − 1)), at least a fifth of base (rates × 10^4).
int64_t Scaled(int64_t base_e4, int32_t intensity_e4, int64_t elasticity_pct) {
  const int64_t v = base_e4 * (10000 + elasticity_pct * (intensity_e4 - 10000) / 100) / 10000;
  return std::max(v, base_e4 / 5);
}

class Builder {
 public:
  Builder(const World& w, const MemberPlan& m, const ClaimModelOptions& o)
      : w_(w),
        m_(m),
        o_(o),
        rng_(w.options.seed, kClaimStreamBase + m.index),
        events_(w.options.seed, kClinicalStreamBase + m.index) {
    sticky_.fill(-1);
    price_index_ = {PriceIndexE4(w.options.year - 1), PriceIndexE4(w.options.year)};
  }

  MemberClaims Run();

 private:
  // --- helpers ---
  const ProviderPlan& Prov(int p) const { return w_.providers[static_cast<size_t>(p)]; }
  const Group& Grp(int g) const { return w_.groups[static_cast<size_t>(g)]; }
  bool Ffs(int32_t day) const { return m_.FfsOn(w_, day); }
  int32_t Weekdayed(int32_t day) const {
    const int wd = Weekday(day);
    if (wd == 6) return day - 1;
    if (wd == 0) return day + 1;
    return day;
  }
  // Fee schedules of the day's year at the group's local price level.
  int64_t Price(int64_t cents_2025, int group, int32_t day) const {
    const int64_t index = day >= w_.month_starts[12] ? price_index_[1] : price_index_[0];
    return ScaleBy(ScaleBy(cents_2025, index), Grp(group).price_e4);
  }
  // A clinician of group g working on `day` (rostered ones mostly; unrostered sometimes).
  int ClinicianOf(int g, int32_t day, bool physicians_only) {
    std::vector<int> pool;
    std::vector<uint32_t> weights;
    for (int p : Grp(g).providers) {
      const auto& plan = Prov(p);
      if (plan.BillingGroupOn(day) != g) continue;
      if (physicians_only && plan.cls == ProviderClass::kNpp) continue;
      pool.push_back(p);
      weights.push_back(plan.rostered ? 10 : 2);
    }
    if (pool.empty()) return -1;
    return pool[PickWeighted(rng_, weights)];
  }
  // The member's regular provider of a specialty (chosen once, kept).
  int SpecialistGroup(Spec s) {
    int& g = sticky_[static_cast<size_t>(s)];
    if (g >= 0) return g;
    const auto& groups = w_.GroupsOf(s);
    if (groups.empty()) return -1;
    const int contract = m_.home_practice >= 0 ? Grp(m_.home_practice).contract : -1;
    std::vector<int> same;
    for (int x : groups) {
      if (contract >= 0 && Grp(x).contract == contract) same.push_back(x);
    }
    g = (!same.empty() && rng_.Chance(600'000)) ? same[rng_.Below(same.size())]
                                                : groups[rng_.Below(groups.size())];
    return g;
  }
  const char* PrincipalDx(bool routine_ok) {
    const auto chronic = ChronicConditions();
    if (!m_.conditions.empty() && (!routine_ok || rng_.Chance(700'000))) {
      return chronic[m_.conditions[rng_.Below(m_.conditions.size())]].icd10;
    }
    const auto routine = RoutineDiagnoses();
    return routine[rng_.Below(routine.size())];
  }
  std::vector<const char*> Diagnoses(const char* principal, int extra_max) {
    std::vector<const char*> dx{principal};
    const auto chronic = ChronicConditions();
    const int extra = static_cast<int>(rng_.Below(static_cast<uint64_t>(extra_max) + 1));
    for (int k = 0; k < extra && !m_.conditions.empty(); ++k) {
      const char* c = chronic[m_.conditions[rng_.Below(m_.conditions.size())]].icd10;
      if (std::find_if(dx.begin(), dx.end(),
                       [&](const char* x) { return std::string_view(x) == c; }) == dx.end()) {
        dx.push_back(c);
      }
    }
    return dx;
  }
  ClaimRec& NewClaim(ClaimType type, int rendering, int billing_group, int32_t from,
                     int32_t through, std::vector<const char*> dx) {
    claims_.emplace_back();
    ClaimRec& c = claims_.back();
    c.type = type;
    c.rendering = rendering;
    c.billing_group = billing_group;
    c.from = from;
    c.through = through;
    c.versions.emplace_back();
    c.versions.back().diagnoses = std::move(dx);
    return c;
  }
  LineRec& AddLine(ClaimRec& c, const char* hcpcs, int64_t allowed, int32_t day, const char* pos,
                   CostShare share, int32_t units = 1) {
    auto& lines = c.versions.back().lines;
    lines.emplace_back();
    LineRec& l = lines.back();
    l.line = static_cast<int32_t>(lines.size());
    l.hcpcs = hcpcs;
    l.units = units;
    l.service_day = day;
    l.pos = pos;
    l.allowed = allowed;
    l.share = share;
    return l;
  }
  LineRec& AddRevenueLine(ClaimRec& c, const char* revenue, const char* hcpcs, int64_t allowed,
                          int32_t day, CostShare share, int32_t units = 1) {
    LineRec& l = AddLine(c, hcpcs, allowed, day, "", share, units);
    l.revenue = revenue;
    return l;
  }
  // A professional claim of one service day by `rendering` billed under its group that day.
  ClaimRec* ProfessionalClaim(int rendering, int32_t day, std::vector<const char*> dx) {
    if (rendering < 0) return nullptr;
    const int g = Prov(rendering).BillingGroupOn(day);
    if (g < 0) return nullptr;
    return &NewClaim(ClaimType::kProfessional, rendering, g, day, day, std::move(dx));
  }
  ClaimRec* FacilityClaim(int group, int rendering, int32_t from, int32_t through,
                          const char* bill_type, std::vector<const char*> dx) {
    if (group < 0) return nullptr;
    const int facility = Grp(group).providers.front();
    ClaimRec& c = NewClaim(ClaimType::kInstitutional, rendering >= 0 ? rendering : facility, group,
                           from, through, std::move(dx));
    c.facility = facility;
    c.bill_type = bill_type;
    return &c;
  }
  // Splits an amount over the lines of the claim in proportion to weights (largest remainder).
  static void SplitAllowed(ClaimRec& c, int64_t total, const std::vector<int64_t>& weights);
  // Splits a claim's paid amount in proportion to allowed, never above a line's allowed.
  static void SplitPaid(std::vector<LineRec>& lines, int64_t allowed, int64_t paid);
  // The member's first chronic condition whose ICD-10 code starts so, else the first such
  // diagnosis on the member's claims (e.g. a stay's secondary diagnosis), or nullptr.
  const char* ConditionCode(std::string_view icd10_prefix) const;

  // --- encounters ---
  void PrimaryCareVisit(int32_t day);
  void AnnualWellnessVisit(int year_index);
  void CareManagement(int32_t day);
  void TransitionalCare(int32_t discharge_day);
  void NursingFacilityVisit(int32_t day, const char* pos);
  void LabDraw(int32_t day);
  void SpecialistVisit(int32_t day, bool routine);
  void Imaging(int32_t day);
  void EmergencyVisit(int32_t day);
  void OutpatientHospital(int32_t day);
  void InpatientStay(int32_t day, bool catastrophic);
  void SkilledNursingStay(int32_t from);
  void HomeHealthEpisode(int32_t from);
  void Ambulance(int32_t day);
  void Hospice();
  void Dialysis();
  void Chemotherapy();
  void EyeInjections();
  void DurableEquipment();
  void OfficeDrugs();
  void TherapySeries(Spec spec, int32_t from, int visits, int interval_days);

  // --- clinical events (the events stream; they only add lines and claims) ---
  void ClinicalEvents();
  void BloodPressureResults();
  void Hba1cResults();
  void Screenings();
  void ScreeningMammogram(int32_t day);
  void FitTest(int32_t day);
  void ScreeningColonoscopy(int32_t day);
  void Readmissions();
  void TransferEpisode();
  void LiveHospice();
  int32_t AcuteStay(int hospital, int32_t admit, const char* status, bool deductible,
                    int64_t payment_e4);
  static void AddResultLine(ClaimRec& c, const char* hcpcs);
  void PayAddedClaim(ClaimRec& c, int64_t member_share);
  void FinishAddedClaims(size_t first);

  void ApplyCostSharing();
  void Versions();
  void Deliveries(size_t first_added);

  const World& w_;
  const MemberPlan& m_;
  const ClaimModelOptions& o_;
  Rng rng_;
  Rng events_;  // the clinical events stream (swapped into rng_ while they are drawn)
  ClinicalCounts counts_;
  std::array<int, kSpecCount> sticky_{};
  std::array<bool, 2> flu_shot_{false, false};
  std::array<int64_t, 2> price_index_{};
  std::vector<ClaimRec> claims_;
  std::vector<Delivery> deliveries_;
};

void Builder::SplitAllowed(ClaimRec& c, int64_t total, const std::vector<int64_t>& weights) {
  auto& lines = c.versions.back().lines;
  const int64_t wsum = std::accumulate(weights.begin(), weights.end(), int64_t{0});
  int64_t given = 0;
  std::vector<std::pair<int64_t, size_t>> rem;
  for (size_t i = 0; i < lines.size(); ++i) {
    lines[i].allowed = total / wsum * weights[i] + (total % wsum) * weights[i] / wsum;
    given += lines[i].allowed;
    rem.push_back({((total % wsum) * weights[i]) % wsum, lines.size() - i});
  }
  std::sort(rem.rbegin(), rem.rend());
  for (size_t k = 0; given < total; k = (k + 1) % rem.size(), ++given) {
    ++lines[lines.size() - rem[k].second].allowed;
  }
}

void Builder::SplitPaid(std::vector<LineRec>& lines, int64_t allowed, int64_t paid) {
  int64_t given = 0;
  for (auto& l : lines) {
    l.paid = allowed == 0 ? 0 : l.allowed * paid / allowed;
    given += l.paid;
  }
  for (size_t k = 0; given < paid; k = (k + 1) % lines.size()) {
    if (lines[k].paid < lines[k].allowed) {
      ++lines[k].paid;
      ++given;
    }
  }
}

// --- Primary care -----------------------------------------------------------------------

void Builder::PrimaryCareVisit(int32_t day) {
  day = Weekdayed(day);
  if (!Ffs(day)) return;
  int g = m_.home_practice;
  if (rng_.Chance(50'000)) g = w_.practices[rng_.Below(w_.practices.size())];
  int rendering = -1;
  if (g == m_.home_practice && m_.own_pcp >= 0 && Prov(m_.own_pcp).BillingGroupOn(day) == g &&
      rng_.Chance(720'000)) {
    rendering = m_.own_pcp;
  } else {
    rendering = ClinicianOf(g, day, false);
  }
  ClaimRec* c = ProfessionalClaim(rendering, day, Diagnoses(PrincipalDx(true), 3));
  if (!c) return;
  c->primary_care_visit = true;
  const char* pos = "11";
  const char* mod = nullptr;
  if (rng_.Chance(60'000)) {
    pos = "10";  // telehealth in the patient's home
    mod = "95";
  } else if (m_.latent_risk_e4 > 20000 && rng_.Chance(150'000)) {
    pos = "12";
  }
  static constexpr Service kEm[] = {
      {"99212", 5700}, {"99213", 9200}, {"99214", 13000}, {"99215", 18300}};
  static constexpr Service kHome[] = {{"99348", 9500}, {"99349", 13500}, {"99350", 19000}};
  static constexpr uint32_t kEmWeights[] = {10, 45, 38, 7};
  const Service em =
      std::string_view(pos) == "12" ? kHome[rng_.Below(3)] : kEm[PickWeighted(rng_, kEmWeights)];
  const int g_bill = c->billing_group;
  // Lines are referred to by index: adding a line may move the others.
  auto& lines = c->versions.back().lines;
  const size_t em_index = lines.size();
  AddLine(*c, em.hcpcs, Price(em.cents, g_bill, day), day, pos, CostShare::kPartB).modifiers[0] =
      mod;
  if (rng_.Chance(180'000))
    AddLine(*c, "G2211", Price(1600, g_bill, day), day, pos, CostShare::kPartB);
  if (std::string_view(pos) == "11") {
    if (rng_.Chance(100'000))
      AddLine(*c, "36415", Price(300, g_bill, day), day, pos, CostShare::kPartB);
    if (rng_.Chance(50'000)) {
      AddLine(*c, "93000", Price(1700, g_bill, day), day, pos, CostShare::kPartB);
      lines[em_index].modifiers[mod ? 1 : 0] = "25";
    }
    if (rng_.Chance(30'000))
      AddLine(*c, "96160", Price(400, g_bill, day), day, pos, CostShare::kPartB);
    if (rng_.Chance(20'000))
      AddLine(*c, "99497", Price(8600, g_bill, day), day, pos, CostShare::kNone);
    int y = 0;
    unsigned mo = 0, d = 0;
    CivilFromDays(day, &y, &mo, &d);
    const size_t yi = static_cast<size_t>(y - (w_.options.year - 1));
    if (mo >= 9 && yi < 2 && !flu_shot_[yi] && rng_.Chance(450'000)) {
      flu_shot_[yi] = true;
      AddLine(*c, "G0008", Price(3300, g_bill, day), day, pos, CostShare::kNone);
      AddLine(*c, "90662", 7000, day, pos, CostShare::kNone);
      c->versions.back().diagnoses.push_back("Z23");
    }
  }
}

void Builder::AnnualWellnessVisit(int year_index) {
  const int32_t y_first = WindowMonthStart(w_, year_index * 12);
  int32_t day = Weekdayed(y_first + static_cast<int32_t>(rng_.Below(365)));
  if (!Ffs(day) || m_.own_pcp < 0) return;
  int rendering = Prov(m_.own_pcp).BillingGroupOn(day) == m_.home_practice
                      ? m_.own_pcp
                      : ClinicianOf(m_.home_practice, day, false);
  ClaimRec* c = ProfessionalClaim(rendering, day, Diagnoses("Z0000", 2));
  if (!c) return;
  const bool initial = AgeOn(m_.birth, day) == 65;
  AddLine(*c, initial ? "G0438" : "G0439", Price(initial ? 19800 : 13200, c->billing_group, day),
          day, "11", CostShare::kNone);
  if (rng_.Chance(150'000))
    AddLine(*c, "99497", Price(8600, c->billing_group, day), day, "11", CostShare::kNone);
}

void Builder::CareManagement(int32_t day) {
  if (!Ffs(day) || m_.home_practice < 0) return;
  // Draws in separate statements, last argument first: a call's arguments are evaluated in an
  // unspecified order (gcc and clang differ), and the output must not depend on the compiler.
  auto dx = Diagnoses(PrincipalDx(false), 2);
  ClaimRec* c = ProfessionalClaim(ClinicianOf(m_.home_practice, day, false), day, std::move(dx));
  if (!c) return;
  AddLine(*c, "99490", Price(6200, c->billing_group, day), day, "11", CostShare::kPartB);
  if (rng_.Chance(300'000))
    AddLine(*c, "99439", Price(4700, c->billing_group, day), day, "11", CostShare::kPartB);
}

void Builder::TransitionalCare(int32_t discharge_day) {
  if (m_.own_pcp < 0) return;
  const int32_t day = Weekdayed(discharge_day + static_cast<int32_t>(rng_.Between(5, 13)));
  if (!Ffs(day)) return;
  ClaimRec* c = ProfessionalClaim(m_.own_pcp, day, Diagnoses(PrincipalDx(false), 2));
  if (!c) return;
  const bool high = rng_.Chance(400'000);
  AddLine(*c, high ? "99496" : "99495", Price(high ? 27600 : 20500, c->billing_group, day), day,
          "11", CostShare::kPartB);
}

void Builder::NursingFacilityVisit(int32_t day, const char* pos) {
  if (!Ffs(day)) return;
  int rendering = m_.own_pcp;
  if (rendering < 0 || Prov(rendering).BillingGroupOn(day) < 0) {
    const int g = w_.practices[rng_.Below(w_.practices.size())];
    rendering = ClinicianOf(g, day, false);
  }
  ClaimRec* c = ProfessionalClaim(rendering, day, Diagnoses(PrincipalDx(false), 3));
  if (!c) return;
  static constexpr Service kNf[] = {
      {"99307", 5000}, {"99308", 7800}, {"99309", 10300}, {"99310", 15000}};
  static constexpr uint32_t kWeights[] = {15, 40, 35, 10};
  const Service s = kNf[PickWeighted(rng_, kWeights)];
  AddLine(*c, s.hcpcs, Price(s.cents, c->billing_group, day), day, pos, CostShare::kPartB);
}

// --- Ancillary and specialist care --------------------------------------------------------

void Builder::LabDraw(int32_t day) {
  day = Weekdayed(day);
  if (!Ffs(day) || m_.lab < 0) return;
  const int lab = Grp(m_.lab).providers.front();
  ClaimRec* c = ProfessionalClaim(lab, day, Diagnoses(PrincipalDx(true), 2));
  if (!c) return;
  const auto labs = LabServices();
  const int n = static_cast<int>(rng_.Between(1, 3));
  size_t k = rng_.Below(labs.size());
  for (int i = 0; i < n; ++i, k = (k + 1 + rng_.Below(3)) % labs.size()) {
    AddLine(*c, labs[k].hcpcs, Price(labs[k].cents, c->billing_group, day), day, "81",
            CostShare::kNone);
  }
}

void Builder::SpecialistVisit(int32_t day, bool routine) {
  day = Weekdayed(day);
  if (!Ffs(day)) return;
  const auto chronic = ChronicConditions();
  Spec spec = Spec::kCardiology;
  const char* principal = nullptr;
  if (!m_.conditions.empty() && !routine) {
    const auto& cond = chronic[m_.conditions[rng_.Below(m_.conditions.size())]];
    spec = cond.manager;
    principal = cond.icd10;
  } else {
    static constexpr Spec kRoutine[] = {
        Spec::kDermatology, Spec::kOphthalmology,    Spec::kOrthopedics, Spec::kCardiology,
        Spec::kPodiatry,    Spec::kGastroenterology, Spec::kUrology,     Spec::kOptometrist,
        Spec::kNeurology,   Spec::kPulmonology};
    spec = kRoutine[rng_.Below(std::size(kRoutine))];
    principal = PrincipalDx(true);
  }
  const int g = SpecialistGroup(spec);
  if (g < 0) return;
  auto dx = Diagnoses(principal, 2);  // before ClinicianOf's draw (see CareManagement)
  ClaimRec* c = ProfessionalClaim(ClinicianOf(g, day, false), day, std::move(dx));
  if (!c) return;
  const bool physician = InfoOf(spec).cls == ProviderClass::kSpecialist;
  const char* pos = rng_.Chance(100'000) ? "22" : "11";
  // Lines are referred to by index: adding a line may move the others.
  std::optional<size_t> em_index;
  if (physician) {
    const bool first = !rng_.Chance(750'000);
    static constexpr Service kNew[] = {{"99203", 11200}, {"99204", 16800}};
    static constexpr Service kEst[] = {{"99213", 9200}, {"99214", 13000}};
    const Service s = first ? kNew[rng_.Below(2)] : kEst[rng_.Chance(400'000) ? 1 : 0];
    em_index = c->versions.back().lines.size();
    AddLine(*c, s.hcpcs, Price(s.cents, c->billing_group, day), day, pos, CostShare::kPartB);
  }
  const auto procs = ProceduresOf(spec);
  int n = 0;
  if (physician) {
    n = rng_.Chance(450'000) ? 1 : 0;  // one draw per statement (see CareManagement)
    n += rng_.Chance(150'000) ? 1 : 0;
  } else {
    n = static_cast<int>(rng_.Between(1, 2));
  }
  for (int i = 0; i < n; ++i) {
    const Service s = procs[rng_.Below(procs.size())];
    LineRec& l =
        AddLine(*c, s.hcpcs, Price(s.cents, c->billing_group, day), day, pos, CostShare::kPartB);
    if (s.hcpcs == std::string_view("20610") || s.hcpcs == std::string_view("67028")) {
      l.modifiers[0] = rng_.Chance(500'000) ? "RT" : "LT";
    }
    if (spec == Spec::kPhysicalTherapist) l.modifiers[0] = "GP";
    if (spec == Spec::kChiropractor) l.modifiers[0] = "AT";
    if (em_index) c->versions.back().lines[*em_index].modifiers[0] = "25";
  }
}

void Builder::Imaging(int32_t day) {
  day = Weekdayed(day);
  if (!Ffs(day)) return;
  const int g = SpecialistGroup(Spec::kRadiology);
  if (g < 0) return;
  const auto imgs = ImagingServices();
  const Service s = imgs[rng_.Below(imgs.size())];
  const bool facility = rng_.Chance(500'000) && m_.hospital >= 0;
  auto read_dx = Diagnoses(PrincipalDx(true), 1);  // before ClinicianOf's draw (see CareManagement)
  ClaimRec* c = ProfessionalClaim(ClinicianOf(g, day, false), day, std::move(read_dx));
  if (!c) return;
  const std::vector<const char*> dx = c->versions.back().diagnoses;
  if (facility) {
    LineRec& l = AddLine(*c, s.hcpcs, Price(s.cents * 35 / 100, c->billing_group, day), day, "22",
                         CostShare::kPartB);
    l.modifiers[0] = "26";
    ClaimRec* f = FacilityClaim(m_.hospital, -1, day, day, "131", dx);
    const bool ct = s.hcpcs[0] == '7' && s.hcpcs[1] == '0';
    AddRevenueLine(*f, ct ? "0350" : "0320", s.hcpcs, Price(s.cents * 120 / 100, m_.hospital, day),
                   day, CostShare::kPartB);
  } else {
    AddLine(*c, s.hcpcs, Price(s.cents, c->billing_group, day), day, "11", CostShare::kPartB);
  }
}

void Builder::Ambulance(int32_t day) {
  if (m_.ambulance < 0) return;
  const int amb = Grp(m_.ambulance).providers.front();
  ClaimRec* c = ProfessionalClaim(amb, day, Diagnoses(PrincipalDx(false), 1));
  if (!c) return;
  const bool als = rng_.Chance(600'000);
  LineRec& l =
      AddLine(*c, als ? "A0427" : "A0429", Price(als ? 48000 : 40000, c->billing_group, day), day,
              "41", CostShare::kPartB);
  l.modifiers[0] = "RH";
  const int32_t miles = static_cast<int32_t>(rng_.Between(2, 25));
  LineRec& mi = AddLine(*c, "A0425", Price(870, c->billing_group, day) * miles, day, "41",
                        CostShare::kPartB, miles);
  mi.modifiers[0] = "RH";
}

void Builder::EmergencyVisit(int32_t day) {
  if (!Ffs(day) || m_.hospital < 0) return;
  if (rng_.Chance(250'000)) Ambulance(day);
  static constexpr Service kFacility[] = {{"99283", 45000}, {"99284", 75000}, {"99285", 120000}};
  static constexpr Service kPro[] = {{"99283", 7500}, {"99284", 13000}, {"99285", 18500}};
  static constexpr uint32_t kWeights[] = {30, 45, 25};
  const size_t level = PickWeighted(rng_, kWeights);
  const char* principal = PrincipalDx(true);
  const int ed = SpecialistGroup(Spec::kEmergency);
  const int doc = ed >= 0 ? ClinicianOf(ed, day, true) : -1;
  ClaimRec* f = FacilityClaim(m_.hospital, doc, day, day, "131", Diagnoses(principal, 3));
  const int h = m_.hospital;
  AddRevenueLine(*f, "0450", kFacility[level].hcpcs, Price(kFacility[level].cents, h, day), day,
                 CostShare::kPartB);
  if (rng_.Chance(700'000)) {
    AddRevenueLine(*f, "0300", "80053", Price(1500, h, day), day, CostShare::kNone);
    if (rng_.Chance(400'000))
      AddRevenueLine(*f, "0300", "85025", Price(1100, h, day), day, CostShare::kNone);
  }
  if (rng_.Chance(500'000)) {
    const bool ct = rng_.Chance(500'000);
    AddRevenueLine(*f, ct ? "0350" : "0320", ct ? "70450" : "71046",
                   Price(ct ? 32000 : 8000, h, day), day, CostShare::kPartB);
  }
  if (rng_.Chance(400'000))
    AddRevenueLine(*f, "0636", "J2405", Price(200, h, day), day, CostShare::kPartB, 4);
  if (rng_.Chance(300'000))
    AddRevenueLine(*f, "0730", "93005", Price(1400, h, day), day, CostShare::kPartB);
  if (doc >= 0) {
    ClaimRec* c = ProfessionalClaim(doc, day, f->versions.back().diagnoses);
    if (c)
      AddLine(*c, kPro[level].hcpcs, Price(kPro[level].cents, c->billing_group, day), day, "23",
              CostShare::kPartB);
  }
}

void Builder::OutpatientHospital(int32_t day) {
  day = Weekdayed(day);
  if (!Ffs(day) || m_.hospital < 0) return;
  const int h = m_.hospital;
  const uint64_t kind = rng_.Below(100);
  if (kind < 35) {
    ClaimRec* f = FacilityClaim(h, m_.own_pcp, day, day, "131", Diagnoses(PrincipalDx(true), 2));
    AddRevenueLine(*f, "0510", "G0463", Price(14000, h, day), day, CostShare::kPartB);
    if (rng_.Chance(400'000))
      AddRevenueLine(*f, "0300", "80048", Price(1200, h, day), day, CostShare::kNone);
    return;
  }
  if (kind < 68) {
    // Outpatient surgery with the surgeon's professional claim.
    struct Surgery {
      const char* hcpcs;
      int32_t facility_cents;
      int32_t surgeon_cents;
      Spec spec;
      const char* dx;
    };
    static constexpr Surgery kSurgeries[] = {
        {"45378", 110000, 38000, Spec::kGastroenterology, "Z1211"},
        {"66984", 220000, 52000, Spec::kOphthalmology, "H2513"},
        {"29881", 320000, 55000, Spec::kOrthopedics, "M1711"},
        {"64483", 80000, 33000, Spec::kOrthopedics, "M1990"},
        {"52000", 60000, 23000, Spec::kUrology, "N400"},
        {"49505", 350000, 60000, Spec::kGeneralSurgery, "K219"},
        {"G0378", 250000, 0, Spec::kHospitalist, "R0789"},  // observation stay
    };
    const Surgery s = kSurgeries[rng_.Below(std::size(kSurgeries))];
    const int sg = SpecialistGroup(s.spec);
    const int surgeon = sg >= 0 ? ClinicianOf(sg, day, true) : -1;
    ClaimRec* f = FacilityClaim(h, surgeon, day, day, "131", Diagnoses(s.dx, 2));
    AddRevenueLine(*f, "0360", s.hcpcs, Price(s.facility_cents, h, day), day, CostShare::kPartB);
    AddRevenueLine(*f, "0370", "", Price(s.facility_cents / 8, h, day), day, CostShare::kPartB);
    AddRevenueLine(*f, "0710", "", Price(s.facility_cents / 10, h, day), day, CostShare::kPartB);
    AddRevenueLine(*f, "0250", "", Price(s.facility_cents / 20, h, day), day, CostShare::kPartB);
    if (surgeon >= 0 && s.surgeon_cents > 0) {
      ClaimRec* c = ProfessionalClaim(surgeon, day, f->versions.back().diagnoses);
      if (c)
        AddLine(*c, s.hcpcs, Price(s.surgeon_cents, c->billing_group, day), day, "22",
                CostShare::kPartB);
      if (c && s.hcpcs == std::string_view("45378") && rng_.Chance(400'000)) {
        AddLine(*c, "88305", Price(7000, c->billing_group, day), day, "22", CostShare::kPartB);
      }
    }
    return;
  }
  if (kind < 78) {
    ClaimRec* f = FacilityClaim(h, -1, day, day, "131", Diagnoses(PrincipalDx(false), 2));
    AddRevenueLine(*f, "0260", "96365", Price(18000, h, day), day, CostShare::kPartB);
    AddRevenueLine(*f, "0636", "J1745", Price(4000, h, day) * 5, day, CostShare::kPartB, 5);
    return;
  }
  static constexpr Service kScans[] = {
      {"71250", 17000}, {"70551", 26000}, {"76700", 13000}, {"72148", 25000}};
  static constexpr const char* kRev[] = {"0350", "0610", "0402", "0610"};
  const size_t k = rng_.Below(std::size(kScans));
  ClaimRec* f = FacilityClaim(h, -1, day, day, "131", Diagnoses(PrincipalDx(true), 1));
  AddRevenueLine(*f, kRev[k], kScans[k].hcpcs, Price(kScans[k].cents, h, day), day,
                 CostShare::kPartB);
}

// --- Inpatient and post-acute -------------------------------------------------------------

void Builder::InpatientStay(int32_t day, bool catastrophic) {
  if (!Ffs(day) || m_.hospital < 0) return;
  const int h = m_.hospital;
  const auto drgs = catastrophic ? CatastrophicDrgs() : CommonDrgs();
  std::vector<uint32_t> weights;
  for (const auto& d : drgs) weights.push_back(d.weight);
  const Drg& drg = drgs[PickWeighted(rng_, weights)];
  int32_t los = static_cast<int32_t>(rng_.Between(drg.los_min, drg.los_max));
  int32_t discharge = std::min(day + los, w_.window_last);
  const char* status = nullptr;
  if (m_.death != kOpenEnded && discharge >= m_.death) {
    discharge = m_.death;
    status = "20";
  }
  los = std::max(discharge - day, 1);
  if (!status) {
    static constexpr const char* kStatus[] = {"01", "03", "06", "62", "02", "07"};
    static constexpr uint32_t kWeights[] = {62, 18, 15, 2, 2, 1};
    status = kStatus[PickWeighted(rng_, kWeights)];
  }
  const bool via_ed = !drg.surgical && rng_.Chance(650'000);
  if (via_ed && rng_.Chance(350'000)) Ambulance(day);

  const int hg = SpecialistGroup(Spec::kHospitalist);
  const int hospitalist = hg >= 0 ? ClinicianOf(hg, day, true) : -1;
  int surgeon = -1;
  if (drg.surgeon_hcpcs) {
    const int sg = SpecialistGroup(drg.surgeon);
    surgeon = sg >= 0 ? ClinicianOf(sg, day, true) : -1;
  }
  std::vector<const char*> dx = Diagnoses(drg.principal_dx, 4);
  dx.insert(dx.begin() + 1, drg.secondary_dx);
  ClaimRec* f = FacilityClaim(h, surgeon >= 0 ? surgeon : hospitalist, day, discharge, "111", dx);
  f->admission = day;
  f->discharge = discharge;
  f->discharge_status = status;
  f->drg = drg.code;
  f->procedure = drg.procedure_pcs;
  std::vector<int64_t> weights_split;
  auto rev = [&](const char* code, const char* hcpcs, int64_t weight, int32_t units, int32_t on) {
    AddRevenueLine(*f, code, hcpcs, 0, on, CostShare::kClaimLevel, units);
    weights_split.push_back(weight);
  };
  rev("0120", "", 35, los, day);
  rev("0250", "", 15, 1, day);
  rev("0300", "", 10, 1, day);
  if (rng_.Chance(600'000)) rev("0320", "", 5, 1, day);
  if (rng_.Chance(400'000)) rev("0730", "93005", 2, 1, day);
  if (via_ed) rev("0450", "", 6, 1, day);
  if (drg.surgical) {
    const int32_t op_day = std::min(day + 1, discharge);
    rev("0360", "", 25, 1, op_day);
    rev("0370", "", 6, 1, op_day);
    rev("0710", "", 4, 1, op_day);
    rev("0278", "", 20, 1, op_day);
  }
  int64_t payment = Price(drg.payment_cents, h, day);
  if (catastrophic) {
    payment = Pareto2(rng_, 15'000'000, 120'000'000);
  } else if (rng_.Chance(40'000)) {
    payment = payment * rng_.Between(15000, 30000) / 10000;  // cost outlier
  }
  SplitAllowed(*f, payment, weights_split);

  // Professional: the hospitalist's daily visits and the surgeon's fee.
  if (hospitalist >= 0) {
    ClaimRec* c = ProfessionalClaim(hospitalist, day, dx);
    if (c) {
      c->through = discharge;
      const int g = c->billing_group;
      AddLine(*c, "99223", Price(21000, g, day), day, "21", CostShare::kPartB);
      const int32_t visit_days = std::min<int32_t>(los - 1, 20);
      for (int32_t k = 1; k < visit_days; ++k) {
        const bool complex = rng_.Chance(350'000);
        AddLine(*c, complex ? "99233" : "99232", Price(complex ? 15000 : 10500, g, day + k),
                day + k, "21", CostShare::kPartB);
      }
      AddLine(*c, los > 3 ? "99239" : "99238", Price(los > 3 ? 11000 : 7500, g, discharge),
              discharge, "21", CostShare::kPartB);
    }
  }
  if (surgeon >= 0) {
    const int32_t op_day = std::min(day + 1, discharge);
    ClaimRec* c = ProfessionalClaim(surgeon, op_day, dx);
    if (c) {
      LineRec& l =
          AddLine(*c, drg.surgeon_hcpcs, Price(drg.surgeon_cents, c->billing_group, op_day), op_day,
                  "21", CostShare::kPartB);
      if (drg.surgeon == Spec::kOrthopedics) l.modifiers[0] = rng_.Chance(500'000) ? "RT" : "LT";
    }
  }
  const std::string_view st(status);
  if (st == "03") SkilledNursingStay(discharge);
  if (st == "06") HomeHealthEpisode(discharge + 1);
  if (st == "01" && rng_.Chance(400'000)) TransitionalCare(discharge);
}

void Builder::SkilledNursingStay(int32_t from) {
  if (!Ffs(from) || m_.snf < 0) return;
  const int s = m_.snf;
  int32_t last = std::min(from + static_cast<int32_t>(rng_.Between(10, 40)), w_.window_last);
  if (m_.death != kOpenEnded) last = std::min(last, m_.death);
  const std::vector<const char*> dx = Diagnoses(PrincipalDx(false), 3);
  // Monthly claims: 211 for a stay in one month, else 212 (first), 213 (continuing), 214.
  int32_t day = from;
  while (day <= last) {
    const int m = WindowMonthOf(w_, day);
    if (m < 0 || !Ffs(day)) break;
    const int32_t month_end = WindowMonthStart(w_, m + 1) - 1;
    const int32_t through = std::min(last, month_end);
    const bool first = day == from;
    const bool final_claim = through == last;
    const char* tob = first && final_claim ? "211" : first ? "212" : final_claim ? "214" : "213";
    ClaimRec* f = FacilityClaim(s, m_.own_pcp, day, through, tob, dx);
    f->admission = from;
    if (final_claim) {
      f->discharge = last;
      f->discharge_status = last == m_.death ? "20" : "01";
    }
    const int32_t days = through - day + 1;
    std::vector<int64_t> split;
    AddRevenueLine(*f, "0022", "", 0, day, CostShare::kClaimLevel, days);
    split.push_back(70);
    AddRevenueLine(*f, "0420", "", 0, day, CostShare::kClaimLevel, days / 2 + 1);
    split.push_back(15);
    AddRevenueLine(*f, "0430", "", 0, day, CostShare::kClaimLevel, days / 3 + 1);
    split.push_back(10);
    AddRevenueLine(*f, "0250", "", 0, day, CostShare::kClaimLevel);
    split.push_back(5);
    SplitAllowed(*f, Price(62000, s, day) * days, split);
    // Weekly physician visits in the SNF (POS 31: not primary care for attribution).
    for (int32_t v = day + 2; v <= through; v += 7) NursingFacilityVisit(v, "31");
    day = through + 1;
  }
}

void Builder::HomeHealthEpisode(int32_t from) {
  if (!Ffs(from) || m_.home_health < 0) return;
  const int hh = m_.home_health;
  const int periods = rng_.Chance(300'000) ? 2 : 1;
  for (int k = 0; k < periods; ++k) {
    const int32_t start = from + 30 * k;
    int32_t through = std::min(start + 29, w_.window_last);
    if (m_.death != kOpenEnded) through = std::min(through, m_.death);
    if (through < start || !Ffs(start)) return;
    ClaimRec* f =
        FacilityClaim(hh, m_.own_pcp, start, through, "329", Diagnoses(PrincipalDx(false), 3));
    std::vector<int64_t> split;
    AddRevenueLine(*f, "0023", "", 0, start, CostShare::kNone);
    split.push_back(80);
    AddRevenueLine(*f, "0551", "G0299", 0, start + 1, CostShare::kNone,
                   static_cast<int32_t>(rng_.Between(3, 8)));
    split.push_back(12);
    AddRevenueLine(*f, "0421", "G0151", 0, start + 2, CostShare::kNone,
                   static_cast<int32_t>(rng_.Between(2, 6)));
    split.push_back(8);
    SplitAllowed(*f, Price(210000, hh, start), split);
  }
}

void Builder::Hospice() {
  if (m_.death == kOpenEnded || !rng_.Chance(600'000)) return;
  const int32_t start =
      std::max(w_.window_first, m_.death - static_cast<int32_t>(rng_.Between(7, 180)));
  if (!Ffs(start)) return;
  // The hospice is a home-health organisation here (hospices bill like HHAs).
  const int org = m_.home_health;
  if (org < 0) return;
  const std::vector<const char*> dx = Diagnoses(PrincipalDx(false), 2);
  int32_t day = start;
  while (day <= m_.death) {
    const int m = WindowMonthOf(w_, day);
    if (m < 0) break;
    const int32_t through = std::min(m_.death, WindowMonthStart(w_, m + 1) - 1);
    const bool first = day == start;
    const bool final_claim = through == m_.death;
    const char* tob = first && final_claim ? "811" : first ? "812" : final_claim ? "814" : "813";
    ClaimRec* f = FacilityClaim(org, m_.own_pcp, day, through, tob, dx);
    f->admission = start;
    if (final_claim) {
      f->discharge = m_.death;
      f->discharge_status = "40";
    }
    const int32_t days = through - day + 1;
    AddRevenueLine(*f, "0651", "", Price(22500, org, day) * days, day, CostShare::kNone, days);
    day = through + 1;
  }
}

// --- Chronic treatment series ------------------------------------------------------------

void Builder::Dialysis() {
  if (m_.esrd_from_month < 0 || m_.dialysis < 0) return;
  const int d = m_.dialysis;
  const int ng = SpecialistGroup(Spec::kNephrology);
  const int nephrologist = ng >= 0 ? ClinicianOf(ng, w_.window_first, true) : -1;
  for (int m = m_.esrd_from_month; m < kWindowMonths; ++m) {
    int32_t from = WindowMonthStart(w_, m);
    int32_t through = WindowMonthStart(w_, m + 1) - 1;
    if (m_.death != kOpenEnded) through = std::min(through, m_.death);
    if (through < from || !Ffs(from)) continue;
    ClaimRec* f = FacilityClaim(d, nephrologist, from, through, "721", Diagnoses("N186", 2));
    f->versions.back().diagnoses.insert(f->versions.back().diagnoses.begin() + 1, "Z992");
    const int32_t treatments = std::min<int32_t>(13, (through - from + 1) * 13 / 30 + 1);
    AddRevenueLine(*f, "0821", "90999", Price(36000, d, from) * treatments, from, CostShare::kPartB,
                   treatments);
    AddRevenueLine(*f, "0300", "85025", Price(1100, d, from), from, CostShare::kNone);
    AddRevenueLine(*f, "0636", "J0882", 0, from, CostShare::kPartB, 100);  // bundled: $0
    if (nephrologist >= 0 && Prov(nephrologist).BillingGroupOn(from) >= 0) {
      const int32_t day = Weekdayed(from + 9);
      if (day <= through) {
        ClaimRec* c = ProfessionalClaim(nephrologist, day, Diagnoses("N186", 1));
        if (c)
          AddLine(*c, "90960", Price(29000, c->billing_group, day), day, "11", CostShare::kPartB);
      }
    }
  }
}

void Builder::Chemotherapy() {
  if (!m_.cancer_treatment) return;
  const int og = SpecialistGroup(Spec::kOncology);
  if (og < 0) return;
  const int months = static_cast<int>(rng_.Between(4, 9));
  const bool office = rng_.Chance(600'000) || m_.hospital < 0;
  const bool pembro = rng_.Chance(500'000);
  const char* principal = nullptr;
  for (uint8_t c : m_.conditions) {
    const char* code = ChronicConditions()[c].icd10;
    if (code[0] == 'C') principal = code;
  }
  if (!principal) return;
  for (int m = m_.chemo_from_month; m < std::min(kWindowMonths, m_.chemo_from_month + months);
       ++m) {
    const int32_t day =
        Weekdayed(WindowMonthStart(w_, m) + static_cast<int32_t>(rng_.Between(2, 20)));
    if (!Ffs(day)) continue;
    const char* drug = pembro ? "J9271" : "J9312";
    const int32_t units = pembro ? 200 : 70;
    const int64_t per_unit = pembro ? 5700 : 9000;
    if (office) {
      auto dx = Diagnoses(principal, 2);  // before ClinicianOf's draw (see CareManagement)
      ClaimRec* c = ProfessionalClaim(ClinicianOf(og, day, true), day, std::move(dx));
      if (!c) continue;
      AddLine(*c, "96413", Price(14000, c->billing_group, day), day, "11", CostShare::kPartB);
      AddLine(*c, drug, per_unit * units, day, "11", CostShare::kPartB, units);
    } else {
      auto dx = Diagnoses(principal, 2);  // before ClinicianOf's draw (see CareManagement)
      ClaimRec* f =
          FacilityClaim(m_.hospital, ClinicianOf(og, day, true), day, day, "131", std::move(dx));
      AddRevenueLine(*f, "0335", "96413", Price(30000, m_.hospital, day), day, CostShare::kPartB);
      AddRevenueLine(*f, "0636", drug, per_unit * units, day, CostShare::kPartB, units);
    }
  }
}

void Builder::EyeInjections() {
  if (!m_.amd_treatment) return;
  const int g = SpecialistGroup(Spec::kOphthalmology);
  if (g < 0) return;
  for (int32_t day = w_.window_first + static_cast<int32_t>(rng_.Below(40)); day <= w_.window_last;
       day += static_cast<int32_t>(rng_.Between(35, 63))) {
    const int32_t d = Weekdayed(day);
    if (!Ffs(d)) continue;
    auto dx = Diagnoses("H353210", 1);  // before ClinicianOf's draw (see CareManagement)
    ClaimRec* c = ProfessionalClaim(ClinicianOf(g, d, true), d, std::move(dx));
    if (!c) continue;
    LineRec& inj =
        AddLine(*c, "67028", Price(10500, c->billing_group, d), d, "11", CostShare::kPartB);
    inj.modifiers[0] = "RT";
    AddLine(*c, "J0178", 92500 * 2, d, "11", CostShare::kPartB, 2);
    if (rng_.Chance(500'000))
      AddLine(*c, "92134", Price(4200, c->billing_group, d), d, "11", CostShare::kPartB);
  }
}

void Builder::DurableEquipment() {
  if (m_.dme < 0) return;
  const int supplier = Grp(m_.dme).providers.front();
  bool diabetic = false;
  for (uint8_t c : m_.conditions) {
    if (std::string_view(ChronicConditions()[c].icd10).substr(0, 3) == "E11") diabetic = true;
  }
  diabetic = diabetic && rng_.Chance(350'000);  // test strips from a supplier
  for (int m = 0; m < kWindowMonths; ++m) {
    const int32_t day = WindowMonthStart(w_, m) + static_cast<int32_t>(rng_.Below(5));
    if (!Ffs(day)) continue;
    if (m_.cpap) {
      ClaimRec* c = ProfessionalClaim(supplier, day, Diagnoses("G4733", 0));
      if (!c) continue;
      LineRec& l = AddLine(*c, "E0601", Price(8000, m_.dme, day), day, "12", CostShare::kPartB);
      l.modifiers = {"RR", "KX"};
      if (m % 3 == 0) AddLine(*c, "A7030", Price(9000, m_.dme, day), day, "12", CostShare::kPartB);
    }
    if (m_.oxygen) {
      ClaimRec* c = ProfessionalClaim(supplier, day, Diagnoses("J449", 0));
      if (!c) continue;
      LineRec& l = AddLine(*c, "E1390", Price(18000, m_.dme, day), day, "12", CostShare::kPartB);
      l.modifiers[0] = "RR";
    }
    if (diabetic && m % 3 == 1) {
      ClaimRec* c = ProfessionalClaim(supplier, day, Diagnoses("E119", 0));
      if (!c) continue;
      AddLine(*c, "A4253", Price(1500, m_.dme, day) * 2, day, "12", CostShare::kPartB, 2);
    }
  }
}

void Builder::OfficeDrugs() {
  auto has = [&](std::string_view code) {
    for (uint8_t c : m_.conditions) {
      if (ChronicConditions()[c].icd10 == code) return true;
    }
    return false;
  };
  struct Series {
    const char* condition;
    uint32_t ppm;
    Spec spec;
    int32_t interval_days;
    const char* admin;
    int32_t admin_cents;
    const char* drug;
    int32_t units;
    int32_t unit_cents;
  };
  static constexpr Series kSeries[] = {
      // Infliximab for rheumatoid arthritis every 8 weeks; denosumab for osteoporosis twice
      // a year.
      {"M069", 400'000, Spec::kRheumatology, 56, "96413", 14000, "J1745", 50, 4000},
      {"M810", 300'000, Spec::kEndocrinology, 182, "96372", 1500, "J0897", 60, 2400},
  };
  for (const Series& x : kSeries) {
    if (!has(x.condition) || !rng_.Chance(x.ppm)) continue;
    const int g = SpecialistGroup(x.spec);
    if (g < 0) continue;
    for (int32_t day = w_.window_first + static_cast<int32_t>(rng_.Below(x.interval_days));
         day <= w_.window_last; day += x.interval_days) {
      const int32_t d = Weekdayed(day);
      if (!Ffs(d)) continue;
      auto dx = Diagnoses(x.condition, 1);  // before ClinicianOf's draw (see CareManagement)
      ClaimRec* c = ProfessionalClaim(ClinicianOf(g, d, false), d, std::move(dx));
      if (!c) continue;
      AddLine(*c, x.admin, Price(x.admin_cents, c->billing_group, d), d, "11", CostShare::kPartB);
      AddLine(*c, x.drug, static_cast<int64_t>(x.unit_cents) * x.units, d, "11", CostShare::kPartB,
              x.units);
    }
  }
}

void Builder::TherapySeries(Spec spec, int32_t from, int visits, int interval_days) {
  const auto& groups = w_.GroupsOf(spec);
  if (groups.empty()) return;
  const int g = sticky_[static_cast<size_t>(spec)] >= 0 ? sticky_[static_cast<size_t>(spec)]
                                                        : SpecialistGroup(spec);
  const auto procs = ProceduresOf(spec);
  const char* principal = PrincipalDx(false);
  for (int k = 0; k < visits; ++k) {
    const int32_t day = Weekdayed(from + k * interval_days);
    if (day > w_.window_last) break;
    if (!Ffs(day)) continue;
    auto dx = Diagnoses(principal, 1);  // before ClinicianOf's draw (see CareManagement)
    ClaimRec* c = ProfessionalClaim(ClinicianOf(g, day, false), day, std::move(dx));
    if (!c) continue;
    const Service s = procs[rng_.Below(procs.size())];
    const int32_t units =
        spec == Spec::kPhysicalTherapist ? static_cast<int32_t>(rng_.Between(1, 3)) : 1;
    LineRec& l = AddLine(*c, s.hcpcs, Price(s.cents, c->billing_group, day) * units, day, "11",
                         CostShare::kPartB, units);
    if (spec == Spec::kPhysicalTherapist) l.modifiers[0] = "GP";
    if (spec == Spec::kChiropractor) l.modifiers[0] = "AT";
  }
}

// --- Clinical events ----------------------------------------------------------------------
// Evidence the quality measures read (rules/quality/measures): CPT II results on visits,
// screenings, readmissions, direct transfers and hospice of living members. Drawn from the
// member's events stream (swapped into rng_ here), after every claim of the main stream has
// its versions, so the main stream's draws and claims stay as they were: the events only add
// $0.00 result lines to existing visits and whole new claims.

void Builder::ClinicalEvents() {
  std::swap(rng_, events_);
  BloodPressureResults();
  Hba1cResults();
  Screenings();
  Readmissions();
  TransferEpisode();
  LiveHospice();
  std::swap(rng_, events_);
}

const char* Builder::ConditionCode(std::string_view icd10_prefix) const {
  const auto chronic = ChronicConditions();
  for (uint8_t c : m_.conditions) {
    const std::string_view code(chronic[c].icd10);
    if (code.substr(0, icd10_prefix.size()) == icd10_prefix) return chronic[c].icd10;
  }
  for (const ClaimRec& c : claims_) {
    for (const char* dx : c.versions.front().diagnoses) {
      if (std::string_view(dx).substr(0, icd10_prefix.size()) == icd10_prefix) return dx;
    }
  }
  return nullptr;
}

// A CPT II result code on every version of a visit claim: $0.00, the visit's date and place.
void Builder::AddResultLine(ClaimRec& c, const char* hcpcs) {
  for (VersionRec& v : c.versions) {
    LineRec l;
    l.line = static_cast<int32_t>(v.lines.size()) + 1;
    l.hcpcs = hcpcs;
    l.service_day = v.lines.front().service_day;
    l.pos = v.lines.front().pos;
    l.share = CostShare::kNone;
    v.lines.push_back(l);
  }
}

// CBP: hypertensive members (I10) get a systolic and a diastolic code on some visits; most are
// controlled (< 140/90 on most readings), the others mostly not.
void Builder::BloodPressureResults() {
  if (!ConditionCode("I10")) return;
  static constexpr const char* kSystolic[] = {"3074F", "3075F", "3077F"};
  static constexpr const char* kDiastolic[] = {"3078F", "3079F", "3080F"};
  static constexpr uint32_t kSysControlled[] = {45, 42, 13}, kSysUncontrolled[] = {10, 25, 65};
  static constexpr uint32_t kDiaControlled[] = {60, 33, 7}, kDiaUncontrolled[] = {25, 40, 35};
  const bool controlled = rng_.Chance(kBpControlledMemberPpm);
  const std::span<const uint32_t> sys = controlled ? std::span<const uint32_t>(kSysControlled)
                                                   : std::span<const uint32_t>(kSysUncontrolled);
  const std::span<const uint32_t> dia = controlled ? std::span<const uint32_t>(kDiaControlled)
                                                   : std::span<const uint32_t>(kDiaUncontrolled);
  for (ClaimRec& c : claims_) {
    if (!c.primary_care_visit || !rng_.Chance(kBpReadingPpm)) continue;
    AddResultLine(c, kSystolic[PickWeighted(rng_, sys)]);
    AddResultLine(c, kDiastolic[PickWeighted(rng_, dia)]);
    ++counts_.bp_readings;
  }
}

// HbA1c: diabetic members (E11*) have a usual level; some visits report a result at that level
// or one category off; some diabetics never get a reported result (poor control by the
// inverse measure).
void Builder::Hba1cResults() {
  const char* diabetes = ConditionCode("E11");
  if (!diabetes || rng_.Chance(kHba1cUntestedPpm)) return;
  static constexpr const char* kResult[] = {"3044F", "3051F", "3052F", "3046F"};  // <7 .. >9
  static constexpr uint32_t kLevelWeights[] = {45, 25, 15, 15};
  const size_t level = PickWeighted(rng_, kLevelWeights);
  bool py_result = false;
  for (ClaimRec& c : claims_) {
    if (!c.primary_care_visit || !rng_.Chance(kHba1cResultPpm)) continue;
    size_t r = level;
    const uint64_t drift = rng_.Below(10);
    if (drift == 0 && r > 0) --r;
    if (drift == 1 && r + 1 < std::size(kResult)) ++r;
    AddResultLine(c, kResult[r]);
    ++counts_.hba1c_results;
    py_result = py_result || c.from >= w_.month_starts[12];
  }
  // Without a visit result in the PY, the PCP often reports one on a result-only claim (CPT II
  // codes may be billed alone, at $0.00, for quality reporting).
  if (py_result || m_.own_pcp < 0 || !rng_.Chance(kHba1cReportOnlyPpm)) return;
  const int32_t day = Weekdayed(w_.month_starts[12] + static_cast<int32_t>(rng_.Below(330)));
  ClaimRec* c = Ffs(day) ? ProfessionalClaim(m_.own_pcp, day, {diabetes}) : nullptr;
  if (!c) return;
  AddLine(*c, kResult[level], 0, day, "11", CostShare::kNone);
  ++counts_.hba1c_results;
}

// Screening mammography (women 50-74) and colorectal screening (45-75), year by year.
void Builder::Screenings() {
  for (int yi = 0; yi < 2; ++yi) {
    const int32_t first = WindowMonthStart(w_, yi * 12);
    const int age = AgeOn(m_.birth, first + 182);
    if (m_.sex == 'F' && age >= 50 && age <= 74 && rng_.Chance(kMammogramPerYearPpm)) {
      ScreeningMammogram(Weekdayed(first + static_cast<int32_t>(rng_.Below(350))));
    }
    if (age < 45 || age > 75) continue;
    if (rng_.Chance(kFitPerYearPpm)) {
      FitTest(Weekdayed(first + static_cast<int32_t>(rng_.Below(350))));
    } else if (rng_.Chance(kColonoscopyPerYearPpm)) {
      ScreeningColonoscopy(Weekdayed(first + static_cast<int32_t>(rng_.Below(350))));
    }
  }
}

void Builder::ScreeningMammogram(int32_t day) {
  const int g = Ffs(day) ? SpecialistGroup(Spec::kRadiology) : -1;
  if (g < 0) return;
  ClaimRec* c = ProfessionalClaim(ClinicianOf(g, day, false), day, {"Z1231"});
  if (!c) return;
  AddLine(*c, "77067", Price(14000, c->billing_group, day), day, "11", CostShare::kNone);
  PayAddedClaim(*c, 0);
  ++counts_.mammograms;
}

void Builder::FitTest(int32_t day) {
  if (!Ffs(day) || m_.lab < 0) return;
  ClaimRec* c = ProfessionalClaim(Grp(m_.lab).providers.front(), day, {"Z1211"});
  if (!c) return;
  AddLine(*c, "82274", Price(1700, c->billing_group, day), day, "81", CostShare::kNone);
  PayAddedClaim(*c, 0);
  ++counts_.fit_tests;
}

void Builder::ScreeningColonoscopy(int32_t day) {
  const int g = Ffs(day) ? SpecialistGroup(Spec::kGastroenterology) : -1;
  if (g < 0) return;
  ClaimRec* c = ProfessionalClaim(ClinicianOf(g, day, true), day, {"Z1211"});
  if (!c) return;
  AddLine(*c, "G0121", Price(38000, c->billing_group, day), day, "24", CostShare::kNone);
  PayAddedClaim(*c, 0);
  ++counts_.colonoscopies;
}

// An acute stay at `hospital` (facility claim: DRG, revenue lines) admitted on `admit`; the
// Part A deductible only when `deductible` (a readmission within 60 days of a discharge is in
// the same benefit period). Returns the discharge day, or -1 when none was made.
int32_t Builder::AcuteStay(int hospital, int32_t admit, const char* status, bool deductible,
                           int64_t payment_e4) {
  if (hospital < 0 || admit > w_.window_last || !Ffs(admit)) return -1;
  const auto drgs = CommonDrgs();
  std::vector<uint32_t> weights;
  for (const auto& d : drgs) weights.push_back(d.weight);
  const Drg& drg = drgs[PickWeighted(rng_, weights)];
  int32_t discharge = std::min(admit + static_cast<int32_t>(rng_.Between(drg.los_min, drg.los_max)),
                               w_.window_last);
  if (m_.death != kOpenEnded && discharge >= m_.death) {
    discharge = m_.death;
    status = "20";
  }
  std::vector<const char*> dx = Diagnoses(drg.principal_dx, 3);
  dx.insert(dx.begin() + 1, drg.secondary_dx);
  ClaimRec* f = FacilityClaim(hospital, -1, admit, discharge, "111", dx);
  f->admission = admit;
  f->discharge = discharge;
  f->discharge_status = status;
  f->drg = drg.code;
  f->procedure = drg.procedure_pcs;
  const int32_t los = std::max(discharge - admit, 1);
  AddRevenueLine(*f, "0120", "", 0, admit, CostShare::kClaimLevel, los);
  AddRevenueLine(*f, "0250", "", 0, admit, CostShare::kClaimLevel);
  AddRevenueLine(*f, "0300", "", 0, admit, CostShare::kClaimLevel);
  SplitAllowed(*f, ScaleBy(Price(drg.payment_cents, hospital, admit), payment_e4), {35, 15, 10});
  int y = 0;
  unsigned mo = 0, d = 0;
  CivilFromDays(admit, &y, &mo, &d);
  PayAddedClaim(*f, deductible ? PartADeductibleCents(y) : 0);
  return discharge;
}

// Some stays discharged alive are followed by an unplanned readmission 2-30 days later.
void Builder::Readmissions() {
  std::vector<int32_t> discharges;
  for (const ClaimRec& c : claims_) {
    const std::string_view status(c.discharge_status);
    if (std::string_view(c.bill_type) == "111" && c.Effective() && status != "20" &&
        status != "07") {
      discharges.push_back(c.discharge);
    }
  }
  for (int32_t discharge : discharges) {
    if (!rng_.Chance(kReadmissionPpm)) continue;
    const int32_t admit = discharge + static_cast<int32_t>(rng_.Between(2, 30));
    if (AcuteStay(m_.hospital, admit, "01", false, 10000) >= 0) ++counts_.readmissions;
  }
}

// A PY stay discharged to another acute hospital (status 02) that admits the member the same
// or the next day: one stay for the readmission measure. The second hospital sometimes
// discharges to hospice (50/51), otherwise home, sometimes followed by a readmission.
void Builder::TransferEpisode() {
  const auto& hospitals = w_.GroupsOf(Spec::kHospital);
  if (m_.hospital < 0 || hospitals.size() < 2 || !rng_.Chance(kTransferEpisodePpm)) return;
  int other = hospitals[rng_.Below(hospitals.size())];
  if (other == m_.hospital) other = hospitals[(m_.index + 1) % hospitals.size()];
  if (other == m_.hospital) other = hospitals[(m_.index + 2) % hospitals.size()];
  const int32_t admit = w_.month_starts[12] + static_cast<int32_t>(rng_.Below(320));
  const int32_t out = AcuteStay(m_.hospital, admit, "02", true, kTransferOutPaymentE4);
  if (out < 0 || (m_.death != kOpenEnded && out >= m_.death)) return;
  const bool to_hospice = rng_.Chance(kTransferToHospicePpm);
  const char* status = to_hospice ? (rng_.Chance(500'000) ? "50" : "51") : "01";
  const int32_t back =
      AcuteStay(other, out + static_cast<int32_t>(rng_.Below(2)), status, false, 10000);
  if (back < 0) return;
  ++counts_.transfers;
  counts_.to_hospice += to_hospice;
  if (to_hospice || (m_.death != kOpenEnded && back >= m_.death)) return;
  if (rng_.Chance(kTransferReadmittedPpm) &&
      AcuteStay(m_.hospital, back + static_cast<int32_t>(rng_.Between(3, 28)), "01", false,
                10000) >= 0) {
    ++counts_.readmissions;
  }
}

// Hospice elected in the PY by a member who is alive at the end of the window: discharged
// alive (status 01) or still in hospice on December 31 (monthly 81x claims, revenue 0651).
void Builder::LiveHospice() {
  if (m_.death != kOpenEnded || m_.home_health < 0 || !rng_.Chance(kHospiceLivePpm)) return;
  const int32_t start = w_.month_starts[12] + static_cast<int32_t>(rng_.Below(300));
  if (!Ffs(start)) return;
  const bool discharged = rng_.Chance(kHospiceLiveDischargePpm);
  const int32_t last =
      discharged ? std::min(start + static_cast<int32_t>(rng_.Between(20, 120)), w_.window_last)
                 : w_.window_last;
  const int org = m_.home_health;
  const std::vector<const char*> dx = Diagnoses(PrincipalDx(false), 2);
  for (int32_t day = start; day <= last && Ffs(day);) {
    const int32_t through = std::min(last, WindowMonthStart(w_, WindowMonthOf(w_, day) + 1) - 1);
    const bool first = day == start;
    const bool final_claim = discharged && through == last;
    const char* tob = first && final_claim ? "811" : first ? "812" : final_claim ? "814" : "813";
    ClaimRec* f = FacilityClaim(org, m_.own_pcp, day, through, tob, dx);
    f->admission = start;
    if (final_claim) {
      f->discharge = last;
      f->discharge_status = "01";
    }
    const int32_t days = through - day + 1;
    AddRevenueLine(*f, "0651", "", Price(22500, org, day) * days, day, CostShare::kNone, days);
    PayAddedClaim(*f, 0);
    day = through + 1;
  }
  ++counts_.hospice_live;
}

// Cost sharing of an added claim on its own: screenings and hospice have none, stays after the
// deductible given; 2% sequestration. (The Part B deductible is untouched: no added claim
// is subject to it.)
void Builder::PayAddedClaim(ClaimRec& c, int64_t member_share) {
  auto& lines = c.versions.back().lines;
  int64_t allowed = 0;
  for (const auto& l : lines) allowed += l.allowed;
  SplitPaid(lines, allowed, (allowed - std::min(allowed, member_share)) * kSequesteredE4 / 10000);
}

// Ids and a paid date (one original version each) for the claims the events added.
void Builder::FinishAddedClaims(size_t first) {
  VBP_CHECK(claims_.size() < static_cast<size_t>(kClaimsPerMemberMax));
  for (size_t k = first; k < claims_.size(); ++k) {
    ClaimRec& c = claims_[k];
    c.claim_id = MakeClaimId(m_.index * kClaimsPerMemberMax + k, o_.id_salt);
    const bool institutional = c.type == ClaimType::kInstitutional;
    c.versions.front().paid_day =
        c.through +
        static_cast<int32_t>(institutional ? events_.Between(18, 47) : events_.Between(13, 32));
    ++counts_.claims_added;
  }
}

// --- Cost sharing, versions, deliveries ---------------------------------------------------

void Builder::ApplyCostSharing() {
  // Claims in service order so the deductible is met by the earliest services.
  std::vector<size_t> order(claims_.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return claims_[a].from < claims_[b].from; });
  std::array<int64_t, 2> part_b_left{PartBDeductibleCents(w_.options.year - 1),
                                     PartBDeductibleCents(w_.options.year)};
  int32_t snf_days_used = 0;
  int32_t last_snf_admission = -1;
  for (size_t idx : order) {
    ClaimRec& c = claims_[idx];
    auto& lines = c.versions.back().lines;
    int y = 0;
    unsigned mo = 0, d = 0;
    CivilFromDays(c.from, &y, &mo, &d);
    const size_t yi = static_cast<size_t>(std::clamp(y - (w_.options.year - 1), 0, 1));
    const std::string_view tob(c.bill_type);
    if (!tob.empty() && (tob.substr(0, 2) == "11" || tob.substr(0, 2) == "21")) {
      int64_t allowed = 0;
      for (const auto& l : lines) allowed += l.allowed;
      int64_t member_share = 0;
      if (tob.substr(0, 2) == "11") {
        member_share = std::min(allowed, PartADeductibleCents(y));
      } else {
        if (c.admission != last_snf_admission) snf_days_used = 0;
        last_snf_admission = c.admission;
        const int32_t days = c.through - c.from + 1;
        const int32_t coins_days =
            std::max(0, snf_days_used + days - 20) - std::max(0, snf_days_used - 20);
        snf_days_used += days;
        member_share = std::min(allowed, SnfCoinsurancePerDayCents(y) * coins_days);
      }
      SplitPaid(lines, allowed, (allowed - member_share) * kSequesteredE4 / 10000);
      continue;
    }
    for (auto& l : lines) {
      switch (l.share) {
        case CostShare::kNone:
        case CostShare::kClaimLevel:
          l.paid = l.allowed * kSequesteredE4 / 10000;
          break;
        case CostShare::kPartB: {
          const int64_t applied = std::min(part_b_left[yi], l.allowed);
          part_b_left[yi] -= applied;
          l.paid = (l.allowed - applied) * kPartBPaidE4 / 10000;
          break;
        }
      }
    }
  }
}

void Builder::Versions() {
  const auto chronic = ChronicConditions();
  for (ClaimRec& c : claims_) {
    const bool institutional = c.type == ClaimType::kInstitutional;
    int32_t lag = institutional ? static_cast<int32_t>(rng_.Between(18, 47))
                                : static_cast<int32_t>(rng_.Between(13, 32));
    if (rng_.Chance(kLatePaidPpm)) lag += static_cast<int32_t>(rng_.Between(100, 330));
    const int32_t first_paid = c.through + lag;
    c.versions.front().paid_day = first_paid;
    const uint64_t r = rng_.Below(1'000'000);
    int extra_versions = 0;
    bool ends_in_void = false;
    if (r < kReplacementPpm) {
      extra_versions = 1;
      if (rng_.Chance(kThirdVersionPpm)) {
        extra_versions = 2;
        ends_in_void = rng_.Chance(400'000);
      }
    } else if (r < kReplacementPpm + kVoidPpm) {
      extra_versions = 1;
      ends_in_void = true;
    }
    for (int k = 0; k < extra_versions; ++k) {
      VersionRec next = c.versions.back();
      next.version = static_cast<int32_t>(c.versions.size()) + 1;
      next.paid_day = c.versions.back().paid_day + static_cast<int32_t>(rng_.Between(15, 120));
      // Versions of a claim first paid by the run-out cutoff are paid by it too, so that
      // whether a claim counts never depends on how an engine reads versions paid later.
      if (first_paid <= o_.runout_cutoff) {
        next.paid_day =
            std::max(c.versions.back().paid_day, std::min(next.paid_day, o_.runout_cutoff));
      }
      const bool is_void = ends_in_void && k == extra_versions - 1;
      if (is_void) {
        next.frequency = Frequency::kVoid;
      } else {
        next.frequency = Frequency::kReplacement;
        auto& lines = next.lines;
        const uint64_t change = rng_.Below(4);
        if (change == 0 || lines.size() == 1) {
          // Repriced: allowed and paid change by -15%..+15%.
          LineRec& l = lines[rng_.Below(lines.size())];
          const int64_t f = rng_.Between(8500, 11500);
          l.allowed = l.allowed * f / 10000;
          l.paid = std::min(l.allowed, l.paid * f / 10000);
        } else if (change == 1) {
          // A line added.
          LineRec l = lines.back();
          l.line = static_cast<int32_t>(lines.size()) + 1;
          l.modifiers = {nullptr, nullptr};
          l.units = 1;
          if (institutional) {
            l.revenue = "0300";
            l.hcpcs = "85025";
            l.allowed = 1100;
          } else {
            l.hcpcs = "36415";
            l.allowed = 300;
          }
          l.paid = l.allowed * kSequesteredE4 / 10000;
          lines.push_back(l);
        } else if (change == 2) {
          lines.pop_back();  // a line removed
        } else {
          // A diagnosis corrected.
          if (!m_.conditions.empty()) {
            const char* dx = chronic[m_.conditions[rng_.Below(m_.conditions.size())]].icd10;
            if (next.diagnoses.size() > 1)
              next.diagnoses.back() = dx;
            else
              next.diagnoses.push_back(dx);
          } else {
            LineRec& l = lines[rng_.Below(lines.size())];
            l.paid = l.paid * 9 / 10;
          }
        }
      }
      c.versions.push_back(std::move(next));
    }
  }
}

void Builder::Deliveries(size_t first_added) {
  struct Keyed {
    int32_t day;
    uint32_t claim;
    uint32_t version_index;
    bool duplicate;
    bool out_of_order;
  };
  std::vector<Keyed> keyed;
  for (uint32_t ci = 0; ci < claims_.size(); ++ci) {
    const auto& c = claims_[ci];
    // Claims of the clinical events draw from their stream, after every claim of the main one.
    Rng& rng = ci < first_added ? rng_ : events_;
    const bool swap = c.versions.size() > 1 && rng.Chance(kOutOfOrderPpm);
    for (uint32_t vi = 0; vi < c.versions.size(); ++vi) {
      int32_t day = c.versions[vi].paid_day;
      bool late = false;
      if (swap && vi == 0) {
        day = c.versions[1].paid_day;  // v1 arrives right after v2
        late = true;
      }
      keyed.push_back({day, ci, vi, false, late});
      if (rng.Chance(kDuplicatePpm)) {
        keyed.push_back({day + static_cast<int32_t>(rng.Between(0, 40)), ci, vi, true, false});
      }
    }
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    if (a.day != b.day) return a.day < b.day;
    if (a.claim != b.claim) return a.claim < b.claim;
    if (a.out_of_order != b.out_of_order) return b.out_of_order;
    return a.version_index < b.version_index;
  });
  for (const auto& k : keyed) {
    deliveries_.push_back(
        {k.claim, k.version_index, k.duplicate, k.out_of_order, k.claim >= first_added});
  }
}

// --- The year ----------------------------------------------------------------------------

MemberClaims Builder::Run() {
  const int32_t i = m_.intensity_e4;
  const bool esrd = m_.esrd_from_month >= 0;
  // Annual rates × 10^4 at intensity 1.
  const int64_t pcp = m_.home_practice >= 0 ? Scaled(m_.long_term_care ? 10000 : 27000, i, 40) : 0;
  const int64_t lab = Scaled(6000, i, 50);
  const int64_t specialist = Scaled(m_.home_practice >= 0 ? 16000 : 24000, i, 70);
  const int64_t routine_specialist = 3000;
  const int64_t imaging = Scaled(7000, i, 60);
  const int64_t ed = Scaled(esrd ? 9000 : 3500, i, 100);
  const int64_t outpatient = Scaled(esrd ? 26000 : 14000, i, 70);
  const int64_t inpatient = Scaled(esrd ? 20000 : 3300, i, 110);
  const int64_t home_health = Scaled(esrd ? 1500 : 900, i, 120);
  const int64_t catastrophic = Scaled(12, i, 100);
  const int64_t nf_monthly = m_.long_term_care ? 10000 : 0;

  for (int32_t week = w_.window_first; week <= w_.window_last; week += 7) {
    auto event = [&](int64_t rate_e4) -> int32_t {
      if (rate_e4 <= 0) return -1;
      const int64_t ppm = rate_e4 * 10000 / 5200;  // per week at intensity folded in
      if (!rng_.Chance(static_cast<uint32_t>(std::min<int64_t>(ppm, 900'000)))) return -1;
      const int32_t day = week + static_cast<int32_t>(rng_.Below(7));
      return day <= w_.window_last ? day : -1;
    };
    int32_t d;
    if ((d = event(pcp)) >= 0) PrimaryCareVisit(d);
    if ((d = event(lab)) >= 0) LabDraw(d);
    if ((d = event(specialist)) >= 0) SpecialistVisit(d, false);
    if ((d = event(routine_specialist)) >= 0) SpecialistVisit(d, true);
    if ((d = event(imaging)) >= 0) Imaging(d);
    if ((d = event(ed)) >= 0) EmergencyVisit(d);
    if ((d = event(outpatient)) >= 0) OutpatientHospital(d);
    if ((d = event(inpatient)) >= 0) InpatientStay(d, false);
    if ((d = event(catastrophic)) >= 0) InpatientStay(d, true);
    if ((d = event(home_health)) >= 0) HomeHealthEpisode(d);
  }
  for (int yi = 0; yi < 2; ++yi) {
    if (m_.home_practice >= 0 && rng_.Chance(550'000)) AnnualWellnessVisit(yi);
    const int32_t y_first = WindowMonthStart(w_, yi * 12);
    if (rng_.Chance(80'000)) {
      const int visits = static_cast<int>(rng_.Between(6, 12));  // last argument first
      TherapySeries(Spec::kPhysicalTherapist, y_first + static_cast<int32_t>(rng_.Below(300)),
                    visits, 7);
    }
    if (rng_.Chance(30'000)) {
      const int visits = static_cast<int>(rng_.Between(4, 8));  // last argument first
      TherapySeries(Spec::kChiropractor, y_first + static_cast<int32_t>(rng_.Below(300)), visits,
                    7);
    }
    if (rng_.Chance(100'000)) {
      TherapySeries(Spec::kOptometrist, y_first + static_cast<int32_t>(rng_.Below(340)), 1, 7);
    }
  }
  for (int m = 0; m < kWindowMonths; ++m) {
    const int32_t first = WindowMonthStart(w_, m);
    if (m_.care_management)
      CareManagement(Weekdayed(first + static_cast<int32_t>(rng_.Between(3, 24))));
    if (nf_monthly > 0)
      NursingFacilityVisit(Weekdayed(first + static_cast<int32_t>(rng_.Between(2, 25))), "32");
  }
  Dialysis();
  Chemotherapy();
  EyeInjections();
  DurableEquipment();
  OfficeDrugs();
  Hospice();

  VBP_CHECK(claims_.size() < static_cast<size_t>(kClaimsPerMemberMax));
  for (size_t k = 0; k < claims_.size(); ++k) {
    claims_[k].claim_id = MakeClaimId(m_.index * kClaimsPerMemberMax + k, o_.id_salt);
  }
  ApplyCostSharing();
  Versions();
  const size_t first_added = claims_.size();
  ClinicalEvents();
  FinishAddedClaims(first_added);
  Deliveries(first_added);
  return MemberClaims{std::move(claims_), std::move(deliveries_), counts_};
}

}  // namespace

void ClinicalCounts::Add(const ClinicalCounts& o) {
  bp_readings += o.bp_readings;
  hba1c_results += o.hba1c_results;
  mammograms += o.mammograms;
  fit_tests += o.fit_tests;
  colonoscopies += o.colonoscopies;
  readmissions += o.readmissions;
  transfers += o.transfers;
  hospice_live += o.hospice_live;
  to_hospice += o.to_hospice;
  claims_added += o.claims_added;
}

const VersionRec* ClaimRec::Effective() const {
  const VersionRec& last = versions.back();
  return last.frequency == Frequency::kVoid ? nullptr : &last;
}

MemberClaims GenerateClaims(const World& w, const MemberPlan& member,
                            const ClaimModelOptions& options) {
  return Builder(w, member, options).Run();
}

}  // namespace vbp::generate
