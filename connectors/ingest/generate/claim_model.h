#pragma once
// A member's claims over the two-year window: encounters drawn week by week from rates that
// scale with the member's risk, turned into professional and institutional claims with
// realistic codes, Medicare-like cost sharing (Part B deductible and 20% coinsurance, Part A
// deductible, SNF coinsurance, 2% sequestration), then into versions (replacements, voids)
// and deliveries (duplicates, out-of-order versions, late payment).
//
// Amounts are integer cents; allowed >= paid >= 0 on every line.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "connectors/ingest/generate/member_model.h"

namespace vbp::generate {

enum class CostShare : uint8_t {
  kPartB,       // deductible, then 80% of allowed
  kNone,        // preventive, lab, home health, hospice: 100% of allowed
  kClaimLevel,  // inpatient / SNF: paid computed for the whole claim, then split
};

struct LineRec {
  int32_t line = 0;
  const char* hcpcs = "";
  std::array<const char*, 2> modifiers{nullptr, nullptr};
  int32_t units = 1;
  int32_t service_day = 0;
  const char* pos = "";      // empty on institutional lines
  const char* revenue = "";  // institutional only
  int64_t allowed = 0;
  int64_t paid = 0;
  CostShare share = CostShare::kPartB;
};

struct VersionRec {
  int32_t version = 1;
  Frequency frequency = Frequency::kOriginal;
  int32_t paid_day = 0;
  std::vector<const char*> diagnoses;
  std::vector<LineRec> lines;
};

struct ClaimRec {
  std::string claim_id;
  ClaimType type = ClaimType::kProfessional;
  int rendering = -1;      // provider index
  int billing_group = -1;  // group index (TIN)
  int32_t from = 0;
  int32_t through = 0;
  // Institutional header (empty / -1 when absent).
  int facility = -1;  // provider index of the facility
  const char* bill_type = "";
  int32_t admission = -1;
  int32_t discharge = -1;
  const char* discharge_status = "";
  const char* drg = "";
  const char* procedure = nullptr;
  std::vector<VersionRec> versions;  // version 1..n in order
  bool primary_care_visit = false;   // an office/home E/M visit (CPT II results go there)

  // The version the engine keeps (the highest), or nullptr when it is a void.
  const VersionRec* Effective() const;
};

// One record to write: a version of a claim, in file order.
struct Delivery {
  uint32_t claim = 0;
  uint32_t version_index = 0;
  bool duplicate = false;     // the same version delivered again
  bool out_of_order = false;  // a lower version written after a higher one
  bool clinical = false;      // a claim added by the clinical events (never corrupted)
};

struct ClaimModelOptions {
  int32_t runout_cutoff = 0;  // versions of a claim paid by the cutoff stay by the cutoff
  uint64_t id_salt = 0;
};

// What the clinical events (quality-measure evidence, drawn from the member's own events
// stream) added: CPT II result lines on existing visits and whole new claims.
struct ClinicalCounts {
  int64_t bp_readings = 0;    // visits given a systolic + diastolic CPT II pair
  int64_t hba1c_results = 0;  // visits given an HbA1c CPT II result
  int64_t mammograms = 0;     // screening mammography claims
  int64_t fit_tests = 0;      // FIT claims
  int64_t colonoscopies = 0;  // screening colonoscopy claims
  int64_t readmissions = 0;   // stays admitted 2-30 days after an earlier discharge
  int64_t transfers = 0;      // stays admitted on or the day after another's discharge
  int64_t hospice_live = 0;   // hospice elections of members alive at the end of the window
  int64_t to_hospice = 0;     // inpatient discharges to hospice (status 50/51)
  int64_t claims_added = 0;
  void Add(const ClinicalCounts& o);
};

struct MemberClaims {
  std::vector<ClaimRec> claims;
  std::vector<Delivery> deliveries;
  ClinicalCounts clinical;
};

// Generates every claim of `member` and the order they are delivered in. Deterministic in
// (world seed, member index).
MemberClaims GenerateClaims(const World& w, const MemberPlan& member,
                            const ClaimModelOptions& options);

}  // namespace vbp::generate
