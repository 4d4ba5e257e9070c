#pragma once
// The provider side of a synthetic population: practices and groups (TINs), providers
// (NPIs) with their roster records and where they actually bill, and the contracts over
// distinct TIN sets. Built once per run from (members, seed, year), before any member.

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "connectors/ingest/generate/catalog.h"
#include "connectors/ingest/generate/random.h"

namespace vbp::generate {

inline constexpr int32_t kOpenEnded = std::numeric_limits<int32_t>::max();

enum class GroupKind : uint8_t { kPrimaryCare, kSpecialty, kSolo, kFacility };

// A billing entity: one TIN.
struct Group {
  std::string tin;
  GroupKind kind = GroupKind::kPrimaryCare;
  Spec spec = Spec::kFamilyPractice;  // specialty (specialty groups, facilities)
  int contract = -1;                  // index into World::contracts, -1 outside every contract
  int32_t price_e4 = 10000;           // local price level (geographic adjustment) × 10^4
  std::vector<int> providers;         // everyone who ever bills under this TIN
};

// One provider record of providers.ndjson: keyed by (npi, effective); `termination` is the
// last day it applies (kOpenEnded when absent).
struct RosterRecord {
  int32_t effective = 0;
  int32_t termination = kOpenEnded;
  int group = -1;  // the record's TIN
};

// Where a provider bills claims from `from` through `through` (differs from the roster when
// the roster lapses while the provider keeps working).
struct Employment {
  int group = -1;
  int32_t from = 0;
  int32_t through = kOpenEnded;
};

struct ProviderPlan {
  std::string npi;
  Spec spec = Spec::kFamilyPractice;
  ProviderClass cls = ProviderClass::kOther;
  bool rostered = true;  // false: renders claims but has no provider record (unknown NPI)
  std::vector<RosterRecord> roster;  // sorted by effective
  std::vector<Employment> work;      // sorted by from
  // The group whose TIN this provider bills under on `day`, or -1 when not working then.
  int BillingGroupOn(int32_t day) const;
  // The roster record that applies on `day` (latest effective <= day, not terminated), the
  // way SPEC §3.3 reads the roster; nullptr when none.
  const RosterRecord* RecordOn(int32_t day) const;
};

enum class ContractRole : uint8_t { kAboveMsr, kBelowMsr, kTwoSidedLoss };
const char* ContractRoleName(ContractRole r);

struct ContractPlan {
  std::string contract_id;
  ContractRole role = ContractRole::kAboveMsr;
  int32_t target_savings_bp = 0;  // design savings rate in basis points (1/10000)
  std::vector<int> groups;        // its TINs
};

struct WorldOptions {
  int64_t members = 0;
  uint64_t seed = 0;
  int year = 2025;                // performance year
  bool quality_measures = false;  // GenerateOptions::quality_measures
};

struct World {
  WorldOptions options;
  int32_t window_first = 0;                // first day of the claims window: Jan 1 of year-1
  int32_t window_last = 0;                 // Dec 31 of the performance year
  std::array<int32_t, 25> month_starts{};  // first day of each window month, then window_last + 1
  std::vector<Group> groups;
  std::vector<ProviderPlan> providers;
  std::vector<ContractPlan> contracts;
  std::vector<int> practices;                        // primary-care groups
  std::vector<uint32_t> practice_weights;            // ~ clinicians per practice
  std::array<std::vector<int>, kSpecCount> by_spec;  // groups of each specialty / facility kind

  const std::vector<int>& GroupsOf(Spec spec) const { return by_spec[static_cast<size_t>(spec)]; }
  int64_t roster_records() const;
};

// Builds the provider side. Deterministic in (members, seed, year).
World BuildWorld(const WorldOptions& options);

}  // namespace vbp::generate
