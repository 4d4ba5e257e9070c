#include "connectors/ingest/generate/member_model.h"

#include <algorithm>

#include "connectors/ingest/generate/ids.h"
#include "connectors/ingest/generate/ndjson_writer.h"

namespace vbp::generate {
namespace {

constexpr uint64_t kMbiSaltStream = 0xF0F0'0003;

// Population mix at the start of the window, per 10^4 members.
constexpr uint32_t kEsrdPer10k = 110;
constexpr uint32_t kDisabledPer10k = 1400;
// Medicaid (dual) shares per 10^6.
constexpr uint32_t kAgedDualPpm = 110'000;
constexpr uint32_t kDisabledDualPpm = 420'000;
constexpr uint32_t kEsrdDualPpm = 450'000;

int32_t Day(int y, unsigned m, unsigned d) { return DaysFromCivil(y, m, d); }

// Entitlement starts on the first day of the month of the 65th birthday (the month before
// when the birthday is on the 1st), as Medicare Part A does.
int32_t SixtyFifthEntitlement(int32_t birth) {
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(birth, &y, &m, &d);
  int32_t first = Day(y + 65, m, 1);
  if (d == 1) {
    first = m == 1 ? Day(y + 64, 12, 1) : Day(y + 65, m - 1, 1);
  }
  return first;
}

EnrollmentType AgedType(bool dual) {
  return dual ? EnrollmentType::kAgedDual : EnrollmentType::kAgedNondual;
}

// Lognormal risk with the type's median and spread.
int32_t DrawLatentRisk(Rng& rng, EnrollmentType type, int age) {
  int64_t median_e4 = 8500;
  const QuantileTable* spread = &kLogNormal050;
  switch (type) {
    case EnrollmentType::kAgedNondual:
      median_e4 = 8500;
      spread = &kLogNormal050;
      break;
    case EnrollmentType::kAgedDual:
      median_e4 = 11500;
      spread = &kLogNormal060;
      break;
    case EnrollmentType::kDisabled:
      median_e4 = 9500;
      spread = &kLogNormal060;
      break;
    case EnrollmentType::kEsrd:
      median_e4 = 9800;
      spread = &kLogNormal035;
      break;
  }
  if (type == EnrollmentType::kAgedNondual || type == EnrollmentType::kAgedDual) {
    // Older beneficiaries carry more conditions: +1.2% a year over 70, at most +30%.
    const int64_t over = std::clamp(age - 70, 0, 25);
    median_e4 = median_e4 * (10000 + over * 120) / 10000;
  }
  const int64_t v = median_e4 * spread->Sample(rng) / 10000;
  return static_cast<int32_t>(std::clamp<int64_t>(v, 1200, 99999));
}

// Annual mortality per 10^4.
uint32_t MortalityPer10k(EnrollmentType type, int age) {
  if (type == EnrollmentType::kEsrd) return 1500;
  if (type == EnrollmentType::kDisabled) return 200;
  if (age < 75) return 180;
  if (age < 85) return 480;
  return 1300;
}

}  // namespace

const char* ProgramName(Program p) {
  switch (p) {
    case Program::kFfs:
      return "medicare_ffs";
    case Program::kMedicareAdvantage:
      return "medicare_advantage";
    case Program::kNone:
      return "none";
  }
  return "?";
}

int32_t WindowMonthStart(const World& w, int m) {
  VBP_CHECK(m >= 0 && m <= kWindowMonths);
  return w.month_starts[static_cast<size_t>(m)];
}

int WindowMonthOf(const World& w, int32_t day) {
  if (day < w.window_first || day > w.window_last) return -1;
  const auto it = std::upper_bound(w.month_starts.begin(), w.month_starts.end(), day);
  return static_cast<int>(it - w.month_starts.begin()) - 1;
}

int AgeOn(int32_t birth, int32_t day) {
  int by = 0, y = 0;
  unsigned bm = 0, bd = 0, m = 0, d = 0;
  CivilFromDays(birth, &by, &bm, &bd);
  CivilFromDays(day, &y, &m, &d);
  int age = y - by;
  if (m < bm || (m == bm && d < bd)) --age;
  return age;
}

bool MemberPlan::FfsOn(const World& w, int32_t day) const {
  if (day > death) return false;
  const int m = WindowMonthOf(w, day);
  return m >= 0 && months[static_cast<size_t>(m)].program == Program::kFfs;
}

// Where the first coverage span of a member covered on the window's first day really starts:
// Medicare entitlement before the window. The aged from the month of their 65th birthday; the
// disabled and ESRD 4-120 months before the window (not before the month after their 18th
// birthday), drawn from the member's own history stream so that no other draw moves. The
// measures' look-backs that reach before the window (BCS: October 1 two years before the PY)
// then see them enrolled; members entitled inside the window keep their later start.
int32_t EntitlementBeforeWindow(const World& w, const MemberPlan& p, EnrollmentType type) {
  if (type == EnrollmentType::kAgedDual || type == EnrollmentType::kAgedNondual) {
    return std::min(w.window_first, SixtyFifthEntitlement(p.birth));
  }
  Rng history(w.options.seed, kHistoryStreamBase + p.index);
  const int back = static_cast<int>(history.Between(4, 120));
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(w.window_first, &y, &m, &d);
  const int months = y * 12 + static_cast<int>(m) - 1 - back;
  int by = 0;
  unsigned bm = 0, bd = 0;
  CivilFromDays(p.birth, &by, &bm, &bd);
  const int adult = (by + 18) * 12 + static_cast<int>(bm);  // the month after the 18th birthday
  const int from = std::max(months, adult);
  return std::min(w.window_first, Day(from / 12, static_cast<unsigned>(from % 12) + 1, 1));
}

MemberPlan PlanMember(const World& w, uint64_t index) {
  Rng rng(w.options.seed, kMemberStreamBase + index);
  MemberPlan p;
  p.index = index;
  p.member_id = MakeMbi(index, Mix(w.options.seed, kMbiSaltStream));
  const int y0 = w.options.year - 1;  // first window year
  const int32_t start = w.window_first;

  // --- Category, age, sex, dual status. ---
  const uint64_t cat = rng.Below(10'000);
  enum class Category { kAged, kDisabled, kEsrd } category = Category::kAged;
  if (cat < kEsrdPer10k) {
    category = Category::kEsrd;
  } else if (cat < kEsrdPer10k + kDisabledPer10k) {
    category = Category::kDisabled;
  }
  int32_t entitlement = start;  // first day of Medicare entitlement (or before the window)
  bool dual = false;
  int age0 = 0;
  if (category == Category::kAged) {
    if (rng.Chance(60'000)) {
      // Turns 65 during the window: born in year y0-65 or y0-64, entitled from that month.
      p.birth = Day(y0 - 65, 1, 1) + static_cast<int32_t>(rng.Below(700));
      entitlement = std::max(start, SixtyFifthEntitlement(p.birth));
    } else {
      static constexpr uint32_t kBandWeights[] = {2400, 2600, 2000, 1400, 950, 500, 150};
      const size_t band = PickWeighted(rng, kBandWeights);
      const int age = 65 + static_cast<int>(band) * 5 + static_cast<int>(rng.Below(5));
      p.birth = Day(y0 - age - 1, 1, 1) + static_cast<int32_t>(rng.Below(365));
    }
    dual = rng.Chance(kAgedDualPpm);
    p.sex = rng.Chance(560'000) ? 'F' : 'M';
    p.orec = rng.Chance(120'000) ? "1" : "0";
  } else if (category == Category::kDisabled) {
    static constexpr uint32_t kBandWeights[] = {1000, 1400, 2800, 4800};
    static constexpr int kBandLo[] = {21, 35, 45, 55};
    static constexpr int kBandHi[] = {34, 44, 54, 64};
    const size_t band = PickWeighted(rng, kBandWeights);
    const int age = static_cast<int>(rng.Between(kBandLo[band], kBandHi[band]));
    p.birth = Day(y0 - age - 1, 1, 1) + static_cast<int32_t>(rng.Below(365));
    dual = rng.Chance(kDisabledDualPpm);
    p.sex = rng.Chance(480'000) ? 'F' : 'M';
    p.orec = "1";
    if (rng.Chance(40'000)) entitlement = WindowMonthStart(w, static_cast<int>(rng.Below(22)));
  } else {
    static constexpr uint32_t kBandWeights[] = {2000, 3500, 4500};
    static constexpr int kBandLo[] = {30, 50, 65};
    static constexpr int kBandHi[] = {49, 64, 89};
    const size_t band = PickWeighted(rng, kBandWeights);
    const int age = static_cast<int>(rng.Between(kBandLo[band], kBandHi[band]));
    p.birth = Day(y0 - age - 1, 1, 1) + static_cast<int32_t>(rng.Below(365));
    dual = rng.Chance(kEsrdDualPpm);
    p.sex = rng.Chance(430'000) ? 'F' : 'M';
    p.orec = age < 65 ? "2" : "0";
  }
  age0 = AgeOn(p.birth, start);

  // --- Month by month: program and enrollment type. ---
  int esrd_onset = -1;  // window month dialysis (and the ESRD type) starts
  if (category == Category::kEsrd) {
    esrd_onset = rng.Chance(100'000) ? static_cast<int>(rng.Between(1, 21)) : 0;
  }
  int dual_from = dual ? 0 : -1;
  if (!dual && category == Category::kAged && rng.Chance(25'000)) {
    dual_from = static_cast<int>(rng.Between(1, 23));
  }
  for (int m = 0; m < kWindowMonths; ++m) {
    const int32_t first = WindowMonthStart(w, m);
    MonthState& s = p.months[static_cast<size_t>(m)];
    if (first < entitlement) continue;
    s.program = Program::kFfs;
    const bool is_dual = dual_from >= 0 && m >= dual_from;
    const bool sixty_five = first >= SixtyFifthEntitlement(p.birth);
    if (esrd_onset >= 0 && m >= esrd_onset) {
      s.type = EnrollmentType::kEsrd;
    } else if (category == Category::kAged || sixty_five) {
      s.type = AgedType(is_dual);
    } else {
      s.type = EnrollmentType::kDisabled;
    }
  }
  if (dual_from >= 0)
    p.medicaid = 1;
  else
    p.medicaid = rng.Chance(40'000) ? -1 : 0;

  // Medicare Advantage: ~4.5% with MA months in the performance year (not assignable that
  // year), ~1% with MA only in the year before.
  const uint64_t ma = rng.Below(10'000);
  int ma_from = -1, ma_through = -1;
  if (ma < 210) {
    ma_from = 12, ma_through = 23;  // switched to MA on Jan 1 of the PY
  } else if (ma < 330) {
    ma_from = static_cast<int>(rng.Between(13, 21)), ma_through = 23;
  } else if (ma < 410) {
    ma_from = 0, ma_through = static_cast<int>(rng.Between(12, 17));
  } else if (ma < 450) {
    ma_from = 0, ma_through = 23;  // MA the whole window: no FFS claims at all
  } else if (ma < 550) {
    ma_from = static_cast<int>(rng.Between(0, 6)), ma_through = 11;
  }
  for (int m = std::max(ma_from, 0); ma_from >= 0 && m <= ma_through; ++m) {
    if (p.months[static_cast<size_t>(m)].program != Program::kNone) {
      p.months[static_cast<size_t>(m)].program = Program::kMedicareAdvantage;
    }
  }
  // Coverage gaps (lost Part B, late enrollment) of 1-4 months for ~3%.
  if (rng.Chance(30'000)) {
    const int g0 = static_cast<int>(rng.Between(1, 20));
    const int g1 = std::min(23, g0 + static_cast<int>(rng.Between(0, 3)));
    for (int m = g0; m <= g1; ++m) {
      if (p.months[static_cast<size_t>(m)].program == Program::kFfs) {
        p.months[static_cast<size_t>(m)].program = Program::kNone;
      }
    }
  }
  // Death.
  for (int yi = 0; yi < 2 && p.death == kOpenEnded; ++yi) {
    const EnrollmentType t = p.months[static_cast<size_t>(yi * 12)].type;
    if (rng.Below(10'000) < MortalityPer10k(t, age0 + yi)) {
      p.death = Day(y0 + yi, 1, 1) + static_cast<int32_t>(rng.Below(365));
      if (p.death < entitlement) p.death = kOpenEnded;
    }
  }
  if (p.death != kOpenEnded) {
    for (int m = WindowMonthOf(w, p.death) + 1; m < kWindowMonths; ++m) {
      p.months[static_cast<size_t>(m)].program = Program::kNone;
    }
  }
  // Coverage spans: runs of months with the same program and type.
  for (int m = 0; m < kWindowMonths;) {
    const MonthState s = p.months[static_cast<size_t>(m)];
    int e = m;
    while (e + 1 < kWindowMonths && p.months[static_cast<size_t>(e + 1)].program == s.program &&
           p.months[static_cast<size_t>(e + 1)].type == s.type) {
      ++e;
    }
    if (s.program != Program::kNone) {
      CoverageSpan span;
      span.from = WindowMonthStart(w, m);
      span.through = std::min(WindowMonthStart(w, e + 1) - 1, p.death);
      span.program = s.program;
      span.type = s.type;
      p.coverage.push_back(span);
    }
    m = e + 1;
  }
  if (!p.coverage.empty() && p.coverage.front().from == w.window_first) {
    p.coverage.front().from = EntitlementBeforeWindow(w, p, p.coverage.front().type);
  }
  p.esrd_from_month = esrd_onset;

  // --- Risk: a latent score drives utilisation; published scores are noisy copies. ---
  EnrollmentType base_type = EnrollmentType::kAgedNondual;
  for (const auto& s : p.months) {
    if (s.program != Program::kNone) {
      base_type = s.type;
      break;
    }
  }
  p.latent_risk_e4 = DrawLatentRisk(rng, base_type, age0);
  int64_t intensity = p.latent_risk_e4;
  if (base_type == EnrollmentType::kAgedDual) intensity = intensity * 14500 / 10000;
  if (base_type == EnrollmentType::kDisabled) intensity = intensity * 10500 / 10000;
  p.intensity_e4 = static_cast<int32_t>(intensity);
  for (int yi = 0; yi < 2; ++yi) {
    bool covered = false;
    int first_month = -1;
    for (int m = yi * 12; m < yi * 12 + 12; ++m) {
      if (p.months[static_cast<size_t>(m)].program != Program::kNone) {
        covered = true;
        if (first_month < 0) first_month = m - yi * 12;
      }
    }
    if (!covered) continue;
    uint32_t absent_ppm = yi == 0 ? 60'000 : 30'000;
    if (first_month >= 3) absent_ppm = 600'000;  // new enrollees often lack a score
    if (rng.Chance(absent_ppm)) continue;
    const int64_t noise = 10000 + (kLogNormal025.Sample(rng) - 10000) / 2;
    p.risk_e4[static_cast<size_t>(yi)] =
        static_cast<int32_t>(std::clamp<int64_t>(p.latent_risk_e4 * noise / 10000, 1000, 99999));
  }

  // --- Conditions. ---
  const auto chronic = ChronicConditions();
  std::vector<uint32_t> weights;
  for (const auto& c : chronic) weights.push_back(c.weight);
  const int64_t n_conditions = std::clamp<int64_t>(
      (p.latent_risk_e4 * 3 + static_cast<int64_t>(rng.Below(20000))) / 10000 - 1, 0, 9);
  for (int64_t k = 0; k < n_conditions; ++k) {
    const auto c = static_cast<uint8_t>(PickWeighted(rng, weights));
    if (std::find(p.conditions.begin(), p.conditions.end(), c) == p.conditions.end()) {
      p.conditions.push_back(c);
    }
  }
  auto has_code = [&](const char* prefix) {
    const std::string_view pre(prefix);
    for (uint8_t c : p.conditions) {
      if (std::string_view(chronic[c].icd10).substr(0, pre.size()) == pre) return true;
    }
    return false;
  };
  p.cancer_treatment = (has_code("C50") || has_code("C34") || has_code("C18") || has_code("C61")) &&
                       rng.Chance(350'000);
  p.chemo_from_month = static_cast<int>(rng.Below(18));
  p.amd_treatment = has_code("H3532") && rng.Chance(600'000);
  p.cpap = has_code("G4733") && rng.Chance(500'000);
  p.oxygen = has_code("J44") && rng.Chance(200'000);
  p.care_management = p.latent_risk_e4 >= 18000 && rng.Chance(300'000);
  p.long_term_care = (age0 >= 80 || dual) && p.latent_risk_e4 >= 14000 && rng.Chance(120'000);

  // --- Providers: home practice, own PCP, facilities, voluntary alignment. ---
  if (!rng.Chance(90'000)) {
    const size_t k = PickWeighted(rng, w.practice_weights);
    p.home_practice = w.practices[k];
    std::vector<int> physicians;
    for (int prov : w.groups[static_cast<size_t>(p.home_practice)].providers) {
      const auto& plan = w.providers[static_cast<size_t>(prov)];
      if (plan.rostered && plan.cls == ProviderClass::kPcp) physicians.push_back(prov);
    }
    if (!physicians.empty()) p.own_pcp = physicians[rng.Below(physicians.size())];
    if (p.own_pcp >= 0 && rng.Chance(40'000)) {
      // Voluntary alignment: usually the member's own PCP, sometimes a physician elsewhere.
      p.aligned_provider = p.own_pcp;
      if (rng.Chance(250'000)) {
        const int other = w.practices[rng.Below(w.practices.size())];
        for (int prov : w.groups[static_cast<size_t>(other)].providers) {
          const auto& plan = w.providers[static_cast<size_t>(prov)];
          if (plan.rostered && plan.cls == ProviderClass::kPcp) {
            p.aligned_provider = prov;
            break;
          }
        }
      }
    }
  }
  auto pick = [&](Spec s) {
    const auto& gs = w.GroupsOf(s);
    return gs.empty() ? -1 : gs[rng.Below(gs.size())];
  };
  p.hospital = pick(Spec::kHospital);
  p.lab = pick(Spec::kLaboratory);
  p.snf = pick(Spec::kSkilledNursing);
  p.home_health = pick(Spec::kHomeHealth);
  p.dialysis = pick(Spec::kDialysis);
  p.dme = pick(Spec::kDme);
  p.ambulance = pick(Spec::kAmbulance);
  return p;
}

}  // namespace vbp::generate
