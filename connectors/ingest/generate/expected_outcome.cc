#include "connectors/ingest/generate/expected_outcome.h"

#include <algorithm>

#include "connectors/ingest/generate/ndjson_writer.h"

namespace vbp::generate {
namespace {

int64_t MoneyCents(const Money& m) {
  return static_cast<int64_t>(m.micros() / Money::kMicrosPerCent);
}

// A comparison unit (SPEC §3.3): a contract or a TIN outside every contract. Ordered like
// rules::Unit: by id, the contract first on equal ids.
struct UnitKey {
  bool is_contract = false;
  std::string id;
  int contract = -1;
  bool operator<(const UnitKey& o) const {
    if (id != o.id) return id < o.id;
    return is_contract && !o.is_contract;
  }
  bool operator==(const UnitKey& o) const { return is_contract == o.is_contract && id == o.id; }
};

struct Tally {
  UnitKey unit;
  int64_t allowed = 0;
  int32_t last = 0;
};

void AddTo(std::vector<Tally>& v, const UnitKey& u, int64_t allowed, int32_t day) {
  for (auto& t : v) {
    if (t.unit == u) {
      t.allowed += allowed;
      t.last = std::max(t.last, day);
      return;
    }
  }
  v.push_back({u, allowed, day});
}

// Largest allowed, then most recent service, then smallest unit.
const Tally* Winner(std::vector<Tally>& v) {
  if (v.empty()) return nullptr;
  std::sort(v.begin(), v.end(), [](const Tally& a, const Tally& b) {
    if (a.allowed != b.allowed) return a.allowed > b.allowed;
    if (a.last != b.last) return a.last > b.last;
    return a.unit < b.unit;
  });
  return &v.front();
}

}  // namespace

ExpectationRules ExpectationRules::From(const rules::Parameters& p, int year) {
  ExpectationRules r;
  r.year = year;
  r.py_first = DaysFromCivil(year, 1, 1);
  r.py_last = DaysFromCivil(year, 12, 31);
  r.runout_cutoff = p.RunoutCutoff(year).days();
  for (const auto& c : p.primary_care_codes) r.primary_care_codes.insert(std::string(c));
  for (const auto& x : p.exclude_in_pos) {
    std::set<std::string, std::less<>> pos, codes;
    for (const auto& s : x.pos) pos.insert(std::string(s));
    for (const auto& s : x.codes) codes.insert(std::string(s));
    r.excluded_at_pos.emplace_back(std::move(pos), std::move(codes));
  }
  for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
    r.truncation_cents[t] = MoneyCents(p.truncation_threshold[t]);
    r.default_benchmark_cents[t] = MoneyCents(p.benchmark_pbpy[t]);
  }
  return r;
}

bool ExpectationRules::ExcludedAtPos(std::string_view hcpcs, std::string_view pos) const {
  for (const auto& [places, codes] : excluded_at_pos) {
    if (places.count(pos) && codes.count(hcpcs)) return true;
  }
  return false;
}

MemberExpectation ExpectMember(const ExpectationRules& r, const World& w, const MemberPlan& m,
                               const std::vector<ClaimRec>& claims) {
  MemberExpectation e;
  // SPEC §3.1: PY months 12..23 of the window; the plan's month state is the program that
  // covers the month's first day (spans start on the 1st; a death ends one mid-month).
  std::array<int, 12> month_type{};
  month_type.fill(-1);
  for (int k = 0; k < 12; ++k) {
    const MonthState& s = m.months[static_cast<size_t>(12 + k)];
    if (s.program == Program::kMedicareAdvantage) e.excluded = true;
    if (s.program == Program::kFfs) {
      month_type[static_cast<size_t>(k)] = static_cast<int>(s.type);
      ++e.months[static_cast<size_t>(s.type)];
      ++e.eligible_months;
    }
  }
  e.risk_e4 = m.risk_e4[1];

  auto unit_of = [&](int group) {
    const Group& g = w.groups[static_cast<size_t>(group)];
    if (g.contract >= 0) {
      return UnitKey{true, w.contracts[static_cast<size_t>(g.contract)].contract_id, g.contract};
    }
    return UnitKey{false, g.tin, -1};
  };

  std::vector<Tally> step1, step2;
  for (const ClaimRec& c : claims) {
    const VersionRec* v = c.Effective();
    if (!v) continue;
    const bool paid_in_time = v->paid_day <= r.runout_cutoff;
    const bool professional = c.type == ClaimType::kProfessional;
    const ProviderPlan& rendering = w.providers[static_cast<size_t>(c.rendering)];
    for (const LineRec& l : v->lines) {
      // SPEC §3.2/§3.3: primary-care services.
      if (professional && paid_in_time && l.service_day >= r.py_first &&
          l.service_day <= r.py_last && r.primary_care_codes.count(std::string_view(l.hcpcs)) &&
          !r.ExcludedAtPos(l.hcpcs, l.pos)) {
        ProviderClass cls = ProviderClass::kOther;
        if (rendering.rostered) {
          const RosterRecord* rec = rendering.RecordOn(l.service_day);
          if (rec) cls = rendering.cls;
        } else {
          ++e.unknown_npi_lines;
        }
        if (cls == ProviderClass::kPcp || cls == ProviderClass::kNpp) {
          AddTo(step1, unit_of(c.billing_group), l.allowed, l.service_day);
          ++e.pc_lines;
        } else if (cls == ProviderClass::kSpecialist) {
          AddTo(step2, unit_of(c.billing_group), l.allowed, l.service_day);
        }
      }
      // SPEC §3.4: expenditure in eligible PY months, paid by the cutoff.
      if (l.service_day < r.py_first || l.service_day > r.py_last || !paid_in_time) continue;
      const int mi = WindowMonthOf(w, l.service_day) - 12;
      const int type = month_type[static_cast<size_t>(mi)];
      if (type < 0) continue;
      e.expenditure_cents[static_cast<size_t>(type)] += l.paid;
    }
  }
  for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
    const int64_t spent = e.expenditure_cents[t] * 12;
    const int64_t cap = r.truncation_cents[t] * e.months[t];
    e.truncated_x12_cents[t] = std::min(spent, cap);
  }
  if (e.excluded || e.eligible_months == 0) return e;

  // Step 0: the aligned NPI's roster records in the PY under a contract TIN; the record
  // effective latest wins, then the smallest contract id.
  if (m.aligned_provider >= 0) {
    const ProviderPlan& p = w.providers[static_cast<size_t>(m.aligned_provider)];
    const RosterRecord* best = nullptr;
    for (const RosterRecord& rec : p.roster) {
      if (rec.effective > r.py_last || rec.termination < r.py_first) continue;
      const int c = w.groups[static_cast<size_t>(rec.group)].contract;
      if (c < 0) continue;
      const int bc = best ? w.groups[static_cast<size_t>(best->group)].contract : -1;
      if (!best || rec.effective > best->effective ||
          (rec.effective == best->effective &&
           w.contracts[static_cast<size_t>(c)].contract_id <
               w.contracts[static_cast<size_t>(bc)].contract_id)) {
        best = &rec;
      }
    }
    if (best) {
      e.step = 0;
      e.contract = w.groups[static_cast<size_t>(best->group)].contract;
      return e;
    }
  }
  const Tally* win = Winner(step1);
  int step = 1;
  if (!win) {
    win = Winner(step2);
    step = 2;
  }
  if (!win) return e;
  e.step = step;
  e.contract = win->unit.contract;
  return e;
}

void ContractTally::Add(const MemberExpectation& e, int64_t pmpm_rate_cents) {
  ++members;
  ++by_step[static_cast<size_t>(e.step)];
  for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
    months[t] += e.months[t];
    if (e.risk_e4 >= 0 && e.months[t] > 0) {
      scored_months[t] += e.months[t];
      score_months_e4[t] += static_cast<int64_t>(e.months[t]) * e.risk_e4;
    }
    expenditure_cents[t] += e.expenditure_cents[t];
    truncated_x12_cents[t] += e.truncated_x12_cents[t];
  }
  pmpm_cents += pmpm_rate_cents * e.eligible_months;
}

}  // namespace vbp::generate
