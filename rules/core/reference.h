#pragma once
// Reference data the calculation reads: the provider roster (SPEC §2 provider records,
// keyed by (npi, effective)) and the comparison units of a performance year (SPEC §3.3).

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/records.h"

namespace vbp::rules {

// Hash for std::string keys that also looks up by std::string_view without a copy.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>()(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

class ProviderRoster {
 public:
  // Upsert by (npi, effective): a later call with the same key replaces the record and
  // returns true.
  bool Upsert(const Provider& p);
  // The record that applies on `date` (effective <= date <= termination). When several
  // apply, the one with the latest effective date. nullptr when none.
  const Provider* On(std::string_view npi, Date date) const;
  // Every record of an NPI, in effective-date order.
  const std::vector<Provider>* RecordsOf(std::string_view npi) const;
  bool Known(std::string_view npi) const { return by_npi_.find(npi) != by_npi_.end(); }
  size_t size() const { return count_; }

 private:
  StringMap<std::vector<Provider>> by_npi_;
  size_t count_ = 0;
};

// A comparison unit: a contract (all its TINs) or a TIN outside every contract.
struct Unit {
  bool is_contract = false;
  std::string id;  // contract_id or TIN
  // SPEC §3.3 ties: "the smallest unit id"; equal ids order the contract first.
  friend bool operator<(const Unit& a, const Unit& b) {
    if (a.id != b.id) return a.id < b.id;
    return a.is_contract && !b.is_contract;
  }
  friend bool operator==(const Unit& a, const Unit& b) {
    return a.is_contract == b.is_contract && a.id == b.id;
  }
  std::string ToString() const { return (is_contract ? "contract:" : "tin:") + id; }
};

// The units of one performance year: TIN -> contract for the contracts of that year.
class UnitMap {
 public:
  // A TIN listed by two contracts of the same year belongs to the smallest contract_id; the
  // conflict is reported in `conflicts` (one human-readable line each).
  static UnitMap Build(int performance_year, const std::vector<const Contract*>& contracts,
                       std::vector<std::string>* conflicts);
  int performance_year() const { return year_; }
  Unit UnitOf(std::string_view tin) const;
  const ContractId* ContractOf(std::string_view tin) const;
  bool HasContract(const ContractId& id) const;
  // TINs of a contract, sorted.
  std::vector<Tin> TinsOf(const ContractId& id) const;

 private:
  int year_ = 0;
  StringMap<ContractId> tin_to_contract_;
  std::map<ContractId, std::vector<Tin>> contract_tins_;
};

}  // namespace vbp::rules
