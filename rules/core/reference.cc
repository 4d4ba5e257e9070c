#include "rules/core/reference.h"

#include <algorithm>

namespace vbp::rules {

bool ProviderRoster::Upsert(const Provider& p) {
  auto& v = by_npi_[p.npi.str()];
  auto it = std::lower_bound(v.begin(), v.end(), p.effective,
                             [](const Provider& a, Date d) { return a.effective < d; });
  if (it != v.end() && it->effective == p.effective) {
    *it = p;
    return true;
  }
  v.insert(it, p);
  ++count_;
  return false;
}

const Provider* ProviderRoster::On(std::string_view npi, Date date) const {
  auto f = by_npi_.find(npi);
  if (f == by_npi_.end()) return nullptr;
  const auto& v = f->second;
  // Latest effective <= date whose termination has not passed.
  for (auto it = v.rbegin(); it != v.rend(); ++it) {
    if (it->effective > date) continue;
    if (it->termination && *it->termination < date) continue;
    return &*it;
  }
  return nullptr;
}

const std::vector<Provider>* ProviderRoster::RecordsOf(std::string_view npi) const {
  auto f = by_npi_.find(npi);
  return f == by_npi_.end() ? nullptr : &f->second;
}

UnitMap UnitMap::Build(int performance_year, const std::vector<const Contract*>& contracts,
                       std::vector<std::string>* conflicts) {
  UnitMap m;
  m.year_ = performance_year;
  std::vector<const Contract*> sorted;
  for (const Contract* c : contracts) {
    if (c->performance_year == performance_year) sorted.push_back(c);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const Contract* a, const Contract* b) { return a->contract_id < b->contract_id; });
  for (const Contract* c : sorted) {
    auto& tins = m.contract_tins_[c->contract_id];
    for (const Tin& t : c->tins) {
      auto [it, inserted] = m.tin_to_contract_.emplace(t.str(), c->contract_id);
      if (!inserted) {
        if (it->second != c->contract_id && conflicts) {
          conflicts->push_back("TIN " + t.str() + " is listed by contracts " + it->second.str() +
                               " and " + c->contract_id.str() + " for " +
                               std::to_string(performance_year) + "; it counts for " +
                               it->second.str() + " (smallest contract_id)");
        }
        continue;
      }
      tins.push_back(t);
    }
    std::sort(tins.begin(), tins.end());
  }
  return m;
}

Unit UnitMap::UnitOf(std::string_view tin) const {
  auto f = tin_to_contract_.find(tin);
  if (f == tin_to_contract_.end()) return Unit{false, std::string(tin)};
  return Unit{true, f->second.str()};
}

const ContractId* UnitMap::ContractOf(std::string_view tin) const {
  auto f = tin_to_contract_.find(tin);
  return f == tin_to_contract_.end() ? nullptr : &f->second;
}

bool UnitMap::HasContract(const ContractId& id) const { return contract_tins_.count(id) != 0; }

std::vector<Tin> UnitMap::TinsOf(const ContractId& id) const {
  auto f = contract_tins_.find(id);
  return f == contract_tins_.end() ? std::vector<Tin>{} : f->second;
}

}  // namespace vbp::rules
