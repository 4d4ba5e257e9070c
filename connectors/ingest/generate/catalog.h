#pragma once
// The code tables the generator draws from: provider specialties (CMS specialty codes of
// /work/shared/data/cclf-reference-codes/provider_specialty.csv), HCPCS/CPT services with
// 2025 allowed amounts (rounded national Medicare fee-schedule levels, illustrative),
// MS-DRGs with payments, ICD-10-CM diagnoses (codes valid for FY2024-2025, most taken from
// tuva-value-sets/cms_hcc__icd_10_cm_mappings.csv payment year 2025) and revenue codes.
// Every string here has static storage, so claims can point at it.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "domain/records.h"

namespace vbp::generate {

// What a provider does; decides its class, its CMS specialty code and the services it bills.
enum class Spec : uint8_t {
  // Primary care physicians (class pcp).
  kFamilyPractice,
  kInternalMedicine,
  kGeneralPractice,
  kGeriatrics,
  // Non-physician practitioners (class npp).
  kNursePractitioner,
  kPhysicianAssistant,
  kClinicalNurseSpecialist,
  // Specialists.
  kCardiology,
  kOrthopedics,
  kGastroenterology,
  kOphthalmology,
  kDermatology,
  kPulmonology,
  kNeurology,
  kUrology,
  kNephrology,
  kOncology,
  kRadiology,
  kEmergency,
  kHospitalist,
  kGeneralSurgery,
  kEndocrinology,
  kRheumatology,
  kPodiatry,
  // Other individuals.
  kPhysicalTherapist,
  kChiropractor,
  kOptometrist,
  kPsychologist,
  // Organisations (class other).
  kHospital,
  kLaboratory,
  kSkilledNursing,
  kHomeHealth,
  kDialysis,
  kDme,
  kAmbulance,
  kCount
};
inline constexpr int kSpecCount = static_cast<int>(Spec::kCount);

struct SpecialtyInfo {
  Spec spec;
  const char* cms_code;  // CMS provider specialty code
  ProviderClass cls;
  bool organisation;
  uint32_t weight;  // share among providers of the same class (individuals) or 0
};
const SpecialtyInfo& InfoOf(Spec s);

// One billable service: a HCPCS/CPT code and its 2025 allowed amount in cents.
struct Service {
  const char* hcpcs;
  int32_t cents;
};

// A diagnosis a member may carry and the specialty that usually manages it.
struct Condition {
  const char* icd10;
  uint32_t weight;
  Spec manager;
};
// Chronic conditions (weights ~ prevalence among Medicare beneficiaries).
std::span<const Condition> ChronicConditions();
// Codes used as principal diagnosis of routine visits (screening, symptoms).
std::span<const char* const> RoutineDiagnoses();

struct Drg {
  const char* code;
  int32_t payment_cents;  // 2025 Medicare payment, before the Part A deductible
  int32_t los_min;
  int32_t los_max;
  uint32_t weight;
  const char* principal_dx;
  const char* secondary_dx;
  bool surgical;
  const char* surgeon_hcpcs;  // professional fee of the operating surgeon (or nullptr)
  int32_t surgeon_cents;
  Spec surgeon;
  const char* procedure_pcs;  // ICD-10-PCS principal procedure (or nullptr)
};
std::span<const Drg> CommonDrgs();
// Catastrophic stays (ventilation, ECMO): costs far above any truncation threshold.
std::span<const Drg> CatastrophicDrgs();

// Office/outpatient services a specialist bills besides the visit itself.
std::span<const Service> ProceduresOf(Spec s);

// Laboratory panel codes (independent lab, POS 81).
std::span<const Service> LabServices();
// Diagnostic imaging (global fee; a facility setting bills the professional component
// with modifier 26 at ~35% of it).
std::span<const Service> ImagingServices();

// Part B deductible and the Part A inpatient deductible, in cents, for a calendar year.
int64_t PartBDeductibleCents(int year);
int64_t PartADeductibleCents(int year);
// SNF coinsurance per day from day 21.
int64_t SnfCoinsurancePerDayCents(int year);
// Price level of `year` relative to 2025, × 10^4 (fee schedules grow ~3% a year).
int64_t PriceIndexE4(int year);

}  // namespace vbp::generate
