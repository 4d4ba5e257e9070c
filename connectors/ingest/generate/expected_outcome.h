#pragma once
// The generator's own estimate of what the engine will compute for each synthetic member
// (SPEC §3.1-§3.4, §3.9), used to calibrate contract benchmarks and written to MANIFEST.json
// as the design's expected figures. It reads the generator's in-memory plan (not the NDJSON)
// and reimplements the reference methodology independently of rules/core, so a difference
// between `vbp settle` and MANIFEST.json points at a defect in one of the two.
//
// Assumes the as-of date is on or after the run-out cutoff and that the rule set's
// member-level parameters are the reference defaults (contracts here override only
// contract-level parameters and fees).

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "connectors/ingest/generate/claim_model.h"
#include "rules/core/parameters.h"

namespace vbp::generate {

struct ExpectationRules {
  int year = 0;
  int32_t py_first = 0;
  int32_t py_last = 0;
  int32_t runout_cutoff = 0;
  std::set<std::string, std::less<>> primary_care_codes;
  std::vector<std::pair<std::set<std::string, std::less<>>, std::set<std::string, std::less<>>>>
      excluded_at_pos;  // (places of service, codes)
  std::array<int64_t, kEnrollmentTypeCount> truncation_cents{};
  std::array<int64_t, kEnrollmentTypeCount> default_benchmark_cents{};

  static ExpectationRules From(const rules::Parameters& p, int year);
  bool ExcludedAtPos(std::string_view hcpcs, std::string_view pos) const;
};

struct MemberExpectation {
  bool excluded = false;  // a PY month in Medicare Advantage
  std::array<int32_t, kEnrollmentTypeCount> months{};
  int32_t eligible_months = 0;
  int step = -1;      // 0 voluntary, 1 primary care, 2 specialist, -1 none
  int contract = -1;  // index into World::contracts when attributed
  std::array<int64_t, kEnrollmentTypeCount> expenditure_cents{};
  std::array<int64_t, kEnrollmentTypeCount> truncated_x12_cents{};  // min(spend × 12, cap × months)
  int32_t risk_e4 = -1;
  int64_t pc_lines = 0;  // primary-care lines that counted for attribution
  int64_t unknown_npi_lines = 0;
};

MemberExpectation ExpectMember(const ExpectationRules& r, const World& w, const MemberPlan& m,
                               const std::vector<ClaimRec>& claims);

// Additive contract totals of attributed members (mirrors rules::ContractAggregate).
struct ContractTally {
  int64_t members = 0;
  std::array<int64_t, 3> by_step{};
  std::array<int64_t, kEnrollmentTypeCount> months{};
  std::array<int64_t, kEnrollmentTypeCount> scored_months{};
  std::array<int64_t, kEnrollmentTypeCount> score_months_e4{};
  std::array<int64_t, kEnrollmentTypeCount> expenditure_cents{};
  std::array<int64_t, kEnrollmentTypeCount> truncated_x12_cents{};
  int64_t pmpm_cents = 0;
  void Add(const MemberExpectation& e, int64_t pmpm_rate_cents);
};

}  // namespace vbp::generate
