#include "connectors/ingest/generate/world.h"

#include <algorithm>

#include "connectors/ingest/generate/ids.h"
#include "connectors/ingest/generate/ndjson_writer.h"

namespace vbp::generate {
namespace {

// Stream numbers of the world's random draws (members use their index + kMemberStreamBase).
constexpr uint64_t kWorldStream = 0xF0F0'0001;
constexpr uint64_t kIdSaltStream = 0xF0F0'0002;

// One provider per this many members (SPEC brief: ~1 per 40).
constexpr int64_t kMembersPerProvider = 40;
constexpr int64_t kProvidersMin = 48;

// Facility organisations: one per this many members (at least one of each kind; hospitals 2).
struct FacilityRule {
  Spec spec;
  int64_t members_per_facility;
  int64_t minimum;
};
constexpr FacilityRule kFacilities[] = {
    {Spec::kHospital, 12000, 2},   {Spec::kLaboratory, 30000, 1}, {Spec::kSkilledNursing, 6000, 1},
    {Spec::kHomeHealth, 15000, 1}, {Spec::kDialysis, 40000, 1},   {Spec::kDme, 25000, 1},
    {Spec::kAmbulance, 25000, 1},
};

// Shares of individual providers by class, per 100.
constexpr int64_t kPcpShare = 33;
constexpr int64_t kNppShare = 13;
constexpr int64_t kSpecialistShare = 48;
constexpr int64_t kOtherShare = 6;

// Shares of primary-care clinicians by bucket: contracts 0, 1, 2, then outside every contract.
constexpr std::array<int64_t, 4> kBucketShares = {30, 20, 20, 30};

int32_t Day(int y, unsigned m, unsigned d) { return DaysFromCivil(y, m, d); }

template <typename T>
void Shuffle(std::vector<T>& v, Rng& rng) {
  for (size_t i = v.size(); i > 1; --i) {
    size_t j = static_cast<size_t>(rng.Below(i));
    std::swap(v[i - 1], v[j]);
  }
}

std::vector<Spec> SpecsOfClass(ProviderClass cls, bool organisation) {
  std::vector<Spec> out;
  for (int s = 0; s < kSpecCount; ++s) {
    const auto& info = InfoOf(static_cast<Spec>(s));
    if (info.cls == cls && info.organisation == organisation) out.push_back(info.spec);
  }
  return out;
}

// Splits `total` over specs by weight (largest remainder), at least `minimum` each.
std::vector<int64_t> Apportion(const std::vector<Spec>& specs, int64_t total, int64_t minimum) {
  uint64_t weight_sum = 0;
  for (Spec s : specs) weight_sum += InfoOf(s).weight;
  std::vector<int64_t> out(specs.size(), 0);
  std::vector<std::pair<uint64_t, size_t>> remainders;
  int64_t given = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    const uint64_t exact = static_cast<uint64_t>(total) * InfoOf(specs[i]).weight;
    out[i] = static_cast<int64_t>(exact / weight_sum);
    given += out[i];
    remainders.push_back({exact % weight_sum, specs.size() - i});
  }
  std::sort(remainders.rbegin(), remainders.rend());
  for (size_t k = 0; given < total && k < remainders.size(); ++k, ++given) {
    ++out[specs.size() - remainders[k].second];
  }
  for (auto& n : out) n = std::max(n, minimum);
  return out;
}

}  // namespace

const char* ContractRoleName(ContractRole r) {
  switch (r) {
    case ContractRole::kAboveMsr:
      return "above_msr";
    case ContractRole::kBelowMsr:
      return "below_msr";
    case ContractRole::kTwoSidedLoss:
      return "two_sided_loss";
  }
  return "?";
}

int ProviderPlan::BillingGroupOn(int32_t day) const {
  for (const auto& e : work) {
    if (e.from <= day && day <= e.through) return e.group;
  }
  return -1;
}

const RosterRecord* ProviderPlan::RecordOn(int32_t day) const {
  for (auto it = roster.rbegin(); it != roster.rend(); ++it) {
    if (it->effective > day) continue;
    if (it->termination < day) continue;
    return &*it;
  }
  return nullptr;
}

int64_t World::roster_records() const {
  int64_t n = 0;
  for (const auto& p : providers) n += static_cast<int64_t>(p.roster.size());
  return n;
}

World BuildWorld(const WorldOptions& options) {
  World w;
  w.options = options;
  const int year = options.year;
  w.window_first = Day(year - 1, 1, 1);
  w.window_last = Day(year, 12, 31);
  for (int m = 0; m <= 24; ++m) {
    w.month_starts[static_cast<size_t>(m)] =
        Day(year - 1 + m / 12, static_cast<unsigned>(m % 12) + 1, 1);
  }
  Rng rng(options.seed, kWorldStream);
  const uint64_t salt = Mix(options.seed, kIdSaltStream);

  auto new_group = [&](GroupKind kind, Spec spec) {
    Group g;
    g.tin = MakeTin(w.groups.size(), salt);
    g.kind = kind;
    g.spec = spec;
    g.price_e4 = static_cast<int32_t>(rng.Between(9200, 11200));
    w.groups.push_back(std::move(g));
    const int id = static_cast<int>(w.groups.size()) - 1;
    w.by_spec[static_cast<size_t>(spec)].push_back(id);
    return id;
  };
  auto new_provider = [&](Spec spec) {
    ProviderPlan p;
    const auto& info = InfoOf(spec);
    p.npi = MakeNpi(info.organisation ? '2' : '1', w.providers.size(), salt);
    p.spec = spec;
    p.cls = info.cls;
    w.providers.push_back(std::move(p));
    return static_cast<int>(w.providers.size()) - 1;
  };
  // An individual's start: most have billed Medicare for years; some start in the window.
  auto start_day = [&]() -> int32_t {
    if (rng.Chance(60'000))
      return static_cast<int32_t>(rng.Between(w.window_first, w.window_last - 120));
    return static_cast<int32_t>(rng.Between(Day(1998, 1, 1), Day(year - 2, 12, 31)));
  };
  auto join = [&](int provider, int group, int32_t from) {
    auto& p = w.providers[static_cast<size_t>(provider)];
    p.roster.push_back({from, kOpenEnded, group});
    p.work.push_back({group, from, kOpenEnded});
    w.groups[static_cast<size_t>(group)].providers.push_back(provider);
  };

  // --- Facilities: each organisation is its own TIN. ---
  int64_t facilities = 0;
  for (const auto& rule : kFacilities) {
    const int64_t n = std::max(rule.minimum, options.members / rule.members_per_facility);
    for (int64_t i = 0; i < n; ++i) {
      const int g = new_group(GroupKind::kFacility, rule.spec);
      join(new_provider(rule.spec), g,
           static_cast<int32_t>(rng.Between(Day(1985, 1, 1), Day(2015, 12, 31))));
      ++facilities;
    }
  }

  const int64_t total = std::max(kProvidersMin, options.members / kMembersPerProvider);
  const int64_t individuals = std::max<int64_t>(total - facilities, 30);
  const int64_t shares = kPcpShare + kNppShare + kSpecialistShare + kOtherShare;

  // --- Primary care practices. ---
  const auto pcp_specs = SpecsOfClass(ProviderClass::kPcp, false);
  const auto npp_specs = SpecsOfClass(ProviderClass::kNpp, false);
  const auto pcp_counts = Apportion(pcp_specs, individuals * kPcpShare / shares, 0);
  const auto npp_counts = Apportion(npp_specs, individuals * kNppShare / shares, 0);
  std::vector<int> pcps, npps;
  for (size_t i = 0; i < pcp_specs.size(); ++i) {
    for (int64_t k = 0; k < pcp_counts[i]; ++k) pcps.push_back(new_provider(pcp_specs[i]));
  }
  for (size_t i = 0; i < npp_specs.size(); ++i) {
    for (int64_t k = 0; k < npp_counts[i]; ++k) npps.push_back(new_provider(npp_specs[i]));
  }
  Shuffle(pcps, rng);
  Shuffle(npps, rng);
  const int64_t practice_count =
      std::max<int64_t>(5, (static_cast<int64_t>(pcps.size()) * 10 + 16) / 32);
  for (int64_t i = 0; i < practice_count; ++i) {
    w.practices.push_back(new_group(GroupKind::kPrimaryCare, Spec::kFamilyPractice));
  }
  // Every practice gets one physician; the rest go to practices by a size preference.
  std::vector<uint32_t> size_pref(static_cast<size_t>(practice_count));
  for (auto& s : size_pref) s = static_cast<uint32_t>(rng.Between(1, 6));
  for (size_t i = 0; i < pcps.size(); ++i) {
    const size_t practice = i < w.practices.size() ? i : PickWeighted(rng, size_pref);
    join(pcps[i], w.practices[practice], start_day());
  }
  for (int npp : npps) {
    // One draw per statement: the order of a call's arguments is unspecified (gcc and clang
    // differ), and the files must be byte-identical whichever compiler built the generator.
    const int32_t from = start_day();
    join(npp, w.practices[PickWeighted(rng, size_pref)], from);
  }

  // --- Specialty groups (1-6 specialists each; every specialty present). ---
  const auto spec_specs = SpecsOfClass(ProviderClass::kSpecialist, false);
  const auto spec_counts = Apportion(spec_specs, individuals * kSpecialistShare / shares, 1);
  for (size_t i = 0; i < spec_specs.size(); ++i) {
    int64_t left = spec_counts[i];
    while (left > 0) {
      const int64_t size = std::min<int64_t>(left, rng.Between(1, 6));
      const int g = new_group(GroupKind::kSpecialty, spec_specs[i]);
      for (int64_t k = 0; k < size; ++k) join(new_provider(spec_specs[i]), g, start_day());
      left -= size;
    }
  }
  // --- Other individuals (therapists, chiropractors, ...): solo TINs. ---
  const auto other_specs = SpecsOfClass(ProviderClass::kOther, false);
  const auto other_counts = Apportion(other_specs, individuals * kOtherShare / shares, 1);
  for (size_t i = 0; i < other_specs.size(); ++i) {
    for (int64_t k = 0; k < other_counts[i]; ++k) {
      const int32_t from = start_day();  // before new_group's draw (see above)
      const int group = new_group(GroupKind::kSolo, other_specs[i]);
      join(new_provider(other_specs[i]), group, from);
    }
  }

  // --- Contracts: practices by bucket pattern, some specialty groups join one. ---
  static constexpr ContractRole kRoles[] = {ContractRole::kAboveMsr, ContractRole::kBelowMsr,
                                            ContractRole::kTwoSidedLoss};
  const int64_t id_base = 1000 + static_cast<int64_t>(Mix(options.seed, 0xC0) % 7000);
  for (int c = 0; c < 3; ++c) {
    ContractPlan plan;
    plan.contract_id = "A" + std::to_string(id_base + c * 617);
    plan.role = kRoles[c];
    switch (plan.role) {
      case ContractRole::kAboveMsr:
        plan.target_savings_bp = static_cast<int32_t>(rng.Between(740, 860));
        break;
      case ContractRole::kBelowMsr:
        plan.target_savings_bp = static_cast<int32_t>(rng.Between(70, 130));
        break;
      case ContractRole::kTwoSidedLoss:
        plan.target_savings_bp = static_cast<int32_t>(rng.Between(-560, -440));
        break;
    }
    w.contracts.push_back(std::move(plan));
  }
  // Practices go to the bucket furthest below its share of clinicians (largest practices
  // first, ties in shuffled order), so cohorts are balanced even with few practices; the
  // first four practices open the four buckets.
  std::vector<int> order = w.practices;
  Shuffle(order, rng);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return w.groups[static_cast<size_t>(a)].providers.size() >
           w.groups[static_cast<size_t>(b)].providers.size();
  });
  std::array<int64_t, 4> filled{};  // contracts 0, 1, 2, then outside
  for (int g : order) {
    size_t best = 0;
    for (size_t k = 1; k < kBucketShares.size(); ++k) {
      // filled[k] / share[k] < filled[best] / share[best]
      if (filled[k] * kBucketShares[best] < filled[best] * kBucketShares[k]) best = k;
    }
    w.groups[static_cast<size_t>(g)].contract = best < 3 ? static_cast<int>(best) : -1;
    filled[best] += static_cast<int64_t>(w.groups[static_cast<size_t>(g)].providers.size());
  }
  for (auto& g : w.groups) {
    if (g.kind == GroupKind::kSpecialty && rng.Chance(300'000)) {
      g.contract = static_cast<int>(rng.Below(3));
    }
  }
  for (size_t g = 0; g < w.groups.size(); ++g) {
    const int c = w.groups[g].contract;
    if (c >= 0) w.contracts[static_cast<size_t>(c)].groups.push_back(static_cast<int>(g));
  }

  // --- Roster changes during the window: moves, retirements, lapses. ---
  const int32_t change_first = Day(year - 1, 3, 1);
  const int32_t change_last = Day(year, 10, 31);
  const size_t rostered_individuals = w.providers.size();
  for (size_t i = 0; i < rostered_individuals; ++i) {
    auto& p = w.providers[i];
    if (InfoOf(p.spec).organisation) continue;
    if (p.roster.front().effective >= change_first) continue;
    const uint64_t r = rng.Below(10'000);
    const int32_t t = static_cast<int32_t>(rng.Between(change_first, change_last));
    const int from_group = p.roster.front().group;
    if (r < 300) {
      // Moves to another group of the same kind and specialty (new TIN from t + 1).
      const auto& g = w.groups[static_cast<size_t>(from_group)];
      const std::vector<int>& candidates =
          g.kind == GroupKind::kPrimaryCare ? w.practices : w.by_spec[static_cast<size_t>(g.spec)];
      if (candidates.size() < 2) continue;
      int to = from_group;
      while (to == from_group) to = candidates[rng.Below(candidates.size())];
      p.roster.front().termination = t;
      p.work.front().through = t;
      p.roster.push_back({t + 1, kOpenEnded, to});
      p.work.push_back({to, t + 1, kOpenEnded});
      w.groups[static_cast<size_t>(to)].providers.push_back(static_cast<int>(i));
    } else if (r < 500) {
      // Retires: the record ends and the provider stops billing.
      p.roster.front().termination = t;
      p.work.front().through = t;
    } else if (r < 650) {
      // The enrollment lapses for 1-2 months and is re-established with a new effective
      // date; the provider keeps working (claims in the gap have no roster record).
      const int32_t back = t + static_cast<int32_t>(rng.Between(31, 75));
      p.roster.front().termination = t;
      p.roster.push_back({back, kOpenEnded, from_group});
    }
  }

  // --- Unrostered clinicians: they render claims but have no provider record. ---
  for (size_t g = 0; g < w.groups.size(); ++g) {
    const GroupKind kind = w.groups[g].kind;
    const bool add = (kind == GroupKind::kPrimaryCare && rng.Chance(200'000)) ||
                     (kind == GroupKind::kSpecialty && rng.Chance(80'000));
    if (!add) continue;
    const Spec spec = kind == GroupKind::kPrimaryCare ? Spec::kNursePractitioner : w.groups[g].spec;
    const int p = new_provider(spec);
    auto& plan = w.providers[static_cast<size_t>(p)];
    plan.rostered = false;
    plan.work.push_back({static_cast<int>(g), w.window_first, kOpenEnded});
    w.groups[g].providers.push_back(p);
  }

  // Practice weights for members' choice of a home practice: clinicians at the PY start.
  const int32_t py_start = Day(year, 1, 1);
  for (int g : w.practices) {
    uint32_t n = 0;
    for (int p : w.groups[static_cast<size_t>(g)].providers) {
      const auto& plan = w.providers[static_cast<size_t>(p)];
      if (plan.rostered && plan.BillingGroupOn(py_start) == g) ++n;
    }
    w.practice_weights.push_back(std::max<uint32_t>(n, 1));
  }
  return w;
}

}  // namespace vbp::generate
