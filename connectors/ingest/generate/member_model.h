#pragma once
// One synthetic beneficiary: demographics, month-by-month enrollment over the two-year
// claims window (the performance year and the year before), coverage spans, risk scores,
// conditions and the providers they use. Drawn from the member's own random stream, so a
// member does not depend on any other member.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "connectors/ingest/generate/world.h"

namespace vbp::generate {

inline constexpr int kWindowMonths = 24;  // Jan of year-1 .. Dec of the performance year
inline constexpr uint64_t kMemberStreamBase = 0x1000'0000;
// A member's coverage before the window (2^47 + index): apart from the member stream, so
// drawing it moves no other draw.
inline constexpr uint64_t kHistoryStreamBase = 0x8000'0000'0000ULL;

enum class Program : uint8_t { kNone, kFfs, kMedicareAdvantage };
const char* ProgramName(Program p);  // "medicare_ffs", "medicare_advantage"

struct MonthState {
  Program program = Program::kNone;
  EnrollmentType type = EnrollmentType::kAgedNondual;
};

struct CoverageSpan {
  int32_t from = 0;
  int32_t through = 0;
  Program program = Program::kFfs;
  EnrollmentType type = EnrollmentType::kAgedNondual;
};

struct MemberPlan {
  uint64_t index = 0;
  std::string member_id;
  int32_t birth = 0;
  char sex = 'F';
  const char* orec = "0";
  int medicaid = -1;  // -1 unknown (field omitted), 0 false, 1 true
  std::array<MonthState, kWindowMonths> months{};
  std::vector<CoverageSpan> coverage;
  int32_t death = kOpenEnded;
  int aligned_provider = -1;                  // index into World::providers
  std::array<int32_t, 2> risk_e4 = {-1, -1};  // [year-1, year] × 10^4; -1 = no score
  int32_t latent_risk_e4 = 10000;             // drives utilisation, also when unscored
  int32_t intensity_e4 = 10000;
  int home_practice = -1;           // group index; -1: no regular primary care
  int own_pcp = -1;                 // provider index
  std::vector<uint8_t> conditions;  // indices into ChronicConditions()
  int esrd_from_month = -1;         // dialysis from this window month, -1 none
  bool long_term_care = false;      // nursing-facility resident (POS 32 visits)
  bool cancer_treatment = false;
  bool amd_treatment = false;
  bool care_management = false;  // monthly chronic care management
  bool cpap = false;
  bool oxygen = false;
  int chemo_from_month = 0;
  // Facilities used by this member (group indices).
  int hospital = -1;
  int lab = -1;
  int snf = -1;
  int home_health = -1;
  int dialysis = -1;
  int dme = -1;
  int ambulance = -1;

  // True when `day` is in a fee-for-service covered month and not after death.
  bool FfsOn(const World& w, int32_t day) const;
};

// Window month index (0..23) of a day inside the window, -1 outside.
int WindowMonthOf(const World& w, int32_t day);
// First day of window month m (m in 0..24; 24 is the day after the window).
int32_t WindowMonthStart(const World& w, int m);
// Age in whole years on `day`.
int AgeOn(int32_t birth, int32_t day);

MemberPlan PlanMember(const World& w, uint64_t index);

}  // namespace vbp::generate
