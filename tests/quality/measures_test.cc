// Quality measures at their age and date boundaries, exclusions, the inverse HbA1c measure,
// blood-pressure readings and readmissions with transfers and planned stays. Performance year
// 2025 throughout; expected values worked out by hand from the measure definitions in
// rules/quality/measures/*.json and the value-set codes named in each comment.

#include <gtest/gtest.h>

#include "rules/quality/evaluate.h"
#include "rules/quality/measure.h"
#include "rules/quality/quality_json.h"
#include "tests/hcc/claim_fixtures.h"

namespace vbp::rules::quality {
namespace {

using testing::ClaimSet;
using testing::D;
using testing::InstitutionalSpec;
using testing::MakeMember;

constexpr int kPy = 2025;

const MeasureOutcome& Outcome(const MemberMeasureResult& r, const std::string& id) {
  for (const MeasureOutcome& o : r.measures) {
    if (o.measure_id == id) return o;
  }
  ADD_FAILURE() << "no outcome for " << id;
  return r.measures.front();
}

MeasureOutcome Measure1(const Member& m, ClaimSet& claims, const std::string& id,
                        const PaidCutoff& paid = PaidCutoff::Unbounded()) {
  auto set = MeasureSet::Shipped().Select({id});
  EXPECT_TRUE(set.ok());
  MemberMeasureResult r = EvaluateMeasures(m, claims.views(), paid, kPy, *set);
  return Outcome(r, id);
}

Member Woman(const char* birth) {
  return MakeMember("W", birth, Sex::kFemale, {{"2015-01-01", "2030-12-31"}});
}

// --- Breast cancer screening: women 52-74 on 2025-12-31, mammogram 2023-10-01..2025-12-31 --

TEST(BreastCancerScreeningTest, AgeIsTakenOnTheLastDayOfThePerformanceYear) {
  ClaimSet none;
  // Turns 52 on 2025-12-31: in.
  EXPECT_EQ(Measure1(Woman("1973-12-31"), none, "BCS").status, MeasureStatus::kNotMet);
  // Turns 52 on 2026-01-01: 51 on 2025-12-31, out.
  EXPECT_EQ(Measure1(Woman("1974-01-01"), none, "BCS").status, MeasureStatus::kNotInDenominator);
  // Turns 75 on 2025-12-31: out.
  EXPECT_EQ(Measure1(Woman("1950-12-31"), none, "BCS").status, MeasureStatus::kNotInDenominator);
  // Turns 75 on 2026-01-01: 74, in.
  EXPECT_EQ(Measure1(Woman("1951-01-01"), none, "BCS").status, MeasureStatus::kNotMet);
  // Men are not in the denominator.
  Member man = MakeMember("M", "1960-05-05", Sex::kMale, {{"2015-01-01", "2030-12-31"}});
  EXPECT_EQ(Measure1(man, none, "BCS").status, MeasureStatus::kNotInDenominator);
}

TEST(BreastCancerScreeningTest, MammogramLookBackStartsOctoberFirstTwoYearsBefore) {
  // 77067 (screening mammography) is in the Mammography value set.
  ClaimSet first_day;
  first_day.Professional("M1", {"Z1231"}, {{"77067", D("2023-10-01")}});
  MeasureOutcome met = Measure1(Woman("1960-05-05"), first_day, "BCS");
  EXPECT_EQ(met.status, MeasureStatus::kMet);
  EXPECT_EQ(met.tally, (MeasureTally{1, 0, 1}));
  EXPECT_FALSE(met.gap);
  ASSERT_EQ(met.evidence.size(), 1u);
  EXPECT_EQ(met.evidence[0].claim_id, "M1");
  EXPECT_EQ(met.evidence[0].code, "77067");

  ClaimSet day_before;
  day_before.Professional("M0", {"Z1231"}, {{"77067", D("2023-09-30")}});
  MeasureOutcome missed = Measure1(Woman("1960-05-05"), day_before, "BCS");
  EXPECT_EQ(missed.status, MeasureStatus::kNotMet);
  EXPECT_EQ(missed.tally, (MeasureTally{1, 0, 0}));
  EXPECT_TRUE(missed.gap);

  // The pre-2017 HCPCS code G0202 counts through the project value set.
  ClaimSet legacy;
  legacy.Professional("G", {"Z1231"}, {{"G0202", D("2025-12-31")}});
  EXPECT_EQ(Measure1(Woman("1960-05-05"), legacy, "BCS").status, MeasureStatus::kMet);
}

// The paid-date rule (rules/core/paid_cutoff.h): a claim version counts when paid on or before
// min(run-out cutoff, as-of), for the measures as for attribution and expenditure.
TEST(BreastCancerScreeningTest, MammogramPaidAfterTheAsOfOrTheRunoutDoesNotCountYet) {
  // Screening mammogram served 2025-11-02 (in the 27-month window), paid 2026-05-01.
  ClaimSet c;
  c.Professional("MG", {"Z1231"}, {{"77067", D("2025-11-02")}}).PaidOn(D("2026-05-01"));
  const Member w = Woman("1960-05-05");
  // Run-out to 2026-06-30, as-of 2026-03-31: the as-of decides, not met (a gap).
  MeasureOutcome early = Measure1(w, c, "BCS", PaidCutoff(D("2026-06-30"), D("2026-03-31")));
  EXPECT_EQ(early.status, MeasureStatus::kNotMet);
  EXPECT_EQ(early.tally, (MeasureTally{1, 0, 0}));
  EXPECT_TRUE(early.gap);
  // The day before the paid date still does not count; the paid date itself does.
  EXPECT_EQ(Measure1(w, c, "BCS", PaidCutoff(D("2026-06-30"), D("2026-04-30"))).status,
            MeasureStatus::kNotMet);
  MeasureOutcome on_day = Measure1(w, c, "BCS", PaidCutoff(D("2026-06-30"), D("2026-05-01")));
  EXPECT_EQ(on_day.status, MeasureStatus::kMet);
  EXPECT_EQ(on_day.tally, (MeasureTally{1, 0, 1}));
  // As-of 2026-06-30 within a run-out to 2026-06-30: met.
  EXPECT_EQ(Measure1(w, c, "BCS", PaidCutoff(D("2026-06-30"), D("2026-06-30"))).status,
            MeasureStatus::kMet);
  // The shipped run-out (3 months: 2026-03-31) excludes it at any as-of.
  EXPECT_EQ(Measure1(w, c, "BCS", PaidCutoff(D("2026-03-31"), D("2026-06-30"))).status,
            MeasureStatus::kNotMet);
  // The member result says how many claim versions were left out.
  auto set = MeasureSet::Shipped().Select({"BCS"});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(EvaluateMeasures(w, c.views(), PaidCutoff(D("2026-03-31"), D("2026-06-30")), kPy, *set)
                .paid_late_claims,
            1);
}

TEST(BreastCancerScreeningTest, BilateralMastectomyExcludesAtAnyTimeBeforeTheYearEnds) {
  ClaimSet c;
  c.Institutional("IP", D("2019-03-01"), D("2019-03-03"), {"C50911"}, {},
                  {.bill_type = "111", .procedures = {"0HTV0ZZ"}});
  MeasureOutcome o = Measure1(Woman("1960-05-05"), c, "BCS");
  EXPECT_EQ(o.status, MeasureStatus::kExcluded);
  EXPECT_EQ(o.reason, "excluded: bilateral mastectomy");
  EXPECT_EQ(o.tally, (MeasureTally{1, 1, 0}));
  EXPECT_FALSE(o.gap);
}

TEST(BreastCancerScreeningTest, LeftAndRightUnilateralMastectomiesExcludeOnlyTogether) {
  ClaimSet left_only;
  left_only.Professional("L", {"Z9012"}, {{"99213", D("2020-06-01")}});
  EXPECT_EQ(Measure1(Woman("1960-05-05"), left_only, "BCS").status, MeasureStatus::kNotMet);
  ClaimSet both = left_only;
  both.Institutional("R", D("2022-02-01"), D("2022-02-02"), {"C50912"}, {},
                     {.bill_type = "111", .procedures = {"0HTT0ZZ"}});
  EXPECT_EQ(Measure1(Woman("1960-05-05"), both, "BCS").status, MeasureStatus::kExcluded);
}

TEST(BreastCancerScreeningTest, FrailtyWithAdvancedIllnessExcludesFromAge66) {
  ClaimSet c;
  c.Professional("F", {"R54"}, {{"99213", D("2025-04-01")}});   // Frailty Symptom
  c.Professional("A", {"C250"}, {{"99213", D("2024-02-01")}});  // Advanced Illness
  // Born 1960-01-01: 65 on 2025-12-31 → rule does not apply.
  EXPECT_EQ(Measure1(Woman("1960-01-01"), c, "BCS").status, MeasureStatus::kNotMet);
  // Born 1959-12-31: 66 → excluded.
  MeasureOutcome o = Measure1(Woman("1959-12-31"), c, "BCS");
  EXPECT_EQ(o.status, MeasureStatus::kExcluded);
  EXPECT_EQ(o.evidence.size(), 2u);
}

TEST(BreastCancerScreeningTest, HospiceInThePerformanceYearExcludes) {
  ClaimSet c;
  c.Professional("H", {"C349"}, {{"G9473", D("2025-08-08")}});  // Hospice Encounter
  EXPECT_EQ(Measure1(Woman("1960-05-05"), c, "BCS").status, MeasureStatus::kExcluded);
  ClaimSet before;
  before.Professional("H", {"C349"}, {{"G9473", D("2024-12-31")}});
  EXPECT_EQ(Measure1(Woman("1960-05-05"), before, "BCS").status, MeasureStatus::kNotMet);
}

// A claim built field by field (revenue codes, bill types and discharge statuses).
Claim InstitutionalClaim(const char* id, const char* from, const char* through,
                         const char* bill_type, const char* discharge_status,
                         const char* revenue_code) {
  Claim c;
  c.claim_id = ClaimId(std::string(id));
  c.claim_type = ClaimType::kInstitutional;
  c.from_date = D(from);
  c.through_date = D(through);
  c.diagnoses = {"C349"};
  c.bill_type = bill_type;
  c.discharge_status = discharge_status;
  ClaimLine l;
  l.line = 1;
  l.service_date = D(from);
  l.revenue_code = revenue_code;
  c.lines.push_back(l);
  return c;
}

TEST(HospiceFromClaimsTest, HospiceBillTypeRevenueCodeOrDischargeStatusExcludes) {
  const Member w = Woman("1960-05-05");
  const char* const measures[] = {"BCS", "COL", "CBP", "HBA1C_POOR"};
  // Each alone, dated in the PY, excludes from BCS (women 52-74 with no other claim: not met).
  struct Case {
    const char* what;
    Claim claim;
  };
  const Case cases[] = {
      {"bill type 0811 (hospice, non-hospital based)",
       InstitutionalClaim("H1", "2025-03-01", "2025-03-31", "0811", "30", "")},
      {"bill type 822 (hospice, hospital based)",
       InstitutionalClaim("H2", "2025-03-01", "2025-03-31", "822", "30", "")},
      {"revenue code 0651 (routine home care) on an outpatient bill",
       InstitutionalClaim("H3", "2025-06-10", "2025-06-10", "0131", "01", "0651")},
      {"revenue code 656 without its leading zero",
       InstitutionalClaim("H4", "2025-06-10", "2025-06-10", "0131", "01", "656")},
      {"discharge status 50 (to hospice, home)",
       InstitutionalClaim("H5", "2025-09-01", "2025-09-04", "0111", "50", "0120")},
      {"discharge status 51 (to a hospice facility)",
       InstitutionalClaim("H6", "2025-09-01", "2025-09-04", "0111", "51", "0120")},
  };
  for (const Case& k : cases) {
    ClaimSet c;
    c.Add(k.claim);
    MeasureOutcome o = Measure1(w, c, "BCS");
    EXPECT_EQ(o.status, MeasureStatus::kExcluded) << k.what;
    EXPECT_EQ(o.reason, "excluded: hospice") << k.what;
    ASSERT_EQ(o.evidence.size(), 1u) << k.what;
    EXPECT_EQ(o.evidence[0].value_set, "Hospice (claims)") << k.what;
  }
  // Every measure with the hospice exclusion recognises it.
  for (const char* id : measures) {
    ClaimSet c;
    c.Add(InstitutionalClaim("H1", "2025-03-01", "2025-03-31", "0811", "30", ""));
    c.Professional("D", {"E119", "I10"}, {{"99213", D("2024-05-01")}});  // diabetes, hypertension
    EXPECT_EQ(Measure1(w, c, id).reason, "excluded: hospice") << id;
  }
  // Not hospice: a hospice bill dated before the PY, revenue 0640 (home health), discharge
  // status 01 (home) and bill type 0831 (ambulatory surgery).
  ClaimSet not_hospice;
  not_hospice.Add(InstitutionalClaim("N1", "2024-11-01", "2024-12-31", "0811", "30", ""));
  not_hospice.Add(InstitutionalClaim("N2", "2025-06-10", "2025-06-10", "0131", "01", "0640"));
  not_hospice.Add(InstitutionalClaim("N3", "2025-09-01", "2025-09-04", "0111", "01", "0120"));
  not_hospice.Add(InstitutionalClaim("N4", "2025-09-01", "2025-09-01", "0831", "01", "0490"));
  EXPECT_EQ(Measure1(w, not_hospice, "BCS").status, MeasureStatus::kNotMet);
}

TEST(ControllingBloodPressureTest, FrailtyAloneExcludesFrom81) {
  // Hypertension (I10) in 2025, frailty (R54, Frailty Symptom) in 2025, no advanced illness.
  ClaimSet c;
  c.Professional("H", {"I10"}, {{"99213", D("2025-02-01")}});
  c.Professional("F", {"R54"}, {{"99213", D("2025-04-01")}});
  // 81 on 2025-12-31 (born 1944-12-31): excluded.
  MeasureOutcome o81 = Measure1(Woman("1944-12-31"), c, "CBP");
  EXPECT_EQ(o81.status, MeasureStatus::kExcluded);
  EXPECT_EQ(o81.reason, "excluded: frailty (81 and older)");
  // 80 (born 1945-01-01): frailty without advanced illness does not exclude.
  EXPECT_EQ(Measure1(Woman("1945-01-01"), c, "CBP").status, MeasureStatus::kNotMet);
  // Frailty only in 2024: not an indication during the PY.
  ClaimSet old;
  old.Professional("H", {"I10"}, {{"99213", D("2025-02-01")}});
  old.Professional("F", {"R54"}, {{"99213", D("2024-12-31")}});
  EXPECT_EQ(Measure1(Woman("1944-12-31"), old, "CBP").status, MeasureStatus::kNotMet);
  // BCS has no such rule (CMS125v11): a frail 74-year-old woman stays in.
  EXPECT_EQ(Measure1(Woman("1951-01-01"), c, "BCS").status, MeasureStatus::kNotMet);
}

TEST(ContinuousEnrollmentTest, OneGapOfUpTo45DaysPerYearAndEnrolledOnTheLastDay) {
  ClaimSet none;
  // BCS window 2023-10-01..2025-12-31. A 45-day gap (2024-03-01..2024-04-14) is allowed.
  Member gap45 = MakeMember("G", "1960-05-05", Sex::kFemale,
                            {{"2015-01-01", "2024-02-29"}, {"2024-04-15", "2030-12-31"}});
  EXPECT_EQ(Measure1(gap45, none, "BCS").status, MeasureStatus::kNotMet);
  // 46 days (2024-03-01..2024-04-15) is not.
  Member gap46 = MakeMember("G", "1960-05-05", Sex::kFemale,
                            {{"2015-01-01", "2024-02-29"}, {"2024-04-16", "2030-12-31"}});
  MeasureOutcome o = Measure1(gap46, none, "BCS");
  EXPECT_EQ(o.status, MeasureStatus::kNotInDenominator);
  EXPECT_NE(o.reason.find("46 days"), std::string::npos);
  // Two short gaps in 2024.
  Member two = MakeMember(
      "G", "1960-05-05", Sex::kFemale,
      {{"2015-01-01", "2024-02-10"}, {"2024-02-20", "2024-06-10"}, {"2024-06-20", "2030-12-31"}});
  EXPECT_EQ(Measure1(two, none, "BCS").status, MeasureStatus::kNotInDenominator);
  // Coverage ending 2025-12-30: not enrolled on the anchor day.
  Member ends = MakeMember("G", "1960-05-05", Sex::kFemale, {{"2015-01-01", "2025-12-30"}});
  EXPECT_EQ(Measure1(ends, none, "BCS").status, MeasureStatus::kNotInDenominator);
  // A 19-day gap at the window start (coverage from 2023-10-20) would be one allowed gap, but
  // HEDIS BCS allows no gap from 2023-10-01 through 2023-12-31.
  Member late = MakeMember("G", "1960-05-05", Sex::kFemale, {{"2023-10-20", "2030-12-31"}});
  MeasureOutcome lo = Measure1(late, none, "BCS");
  EXPECT_EQ(lo.status, MeasureStatus::kNotInDenominator);
  EXPECT_NE(lo.reason.find("2023-10-01..2023-10-19 where no gap is allowed"), std::string::npos)
      << lo.reason;
  // One day uncovered on 2023-12-31 is a gap there too; the same day a year later is allowed.
  Member dec31 = MakeMember("G", "1960-05-05", Sex::kFemale,
                            {{"2015-01-01", "2023-12-30"}, {"2024-01-01", "2030-12-31"}});
  EXPECT_EQ(Measure1(dec31, none, "BCS").status, MeasureStatus::kNotInDenominator);
  Member dec31_next = MakeMember("G", "1960-05-05", Sex::kFemale,
                                 {{"2015-01-01", "2024-12-30"}, {"2025-01-01", "2030-12-31"}});
  EXPECT_EQ(Measure1(dec31_next, none, "BCS").status, MeasureStatus::kNotMet);
  // Coverage from 2024-01-01: the gap 2023-10-01..2023-12-31 is 92 days and in the no-gap part.
  Member from2024 = MakeMember("G", "1960-05-05", Sex::kFemale, {{"2024-01-01", "2030-12-31"}});
  EXPECT_EQ(Measure1(from2024, none, "BCS").status, MeasureStatus::kNotInDenominator);
  // COL (enrolled 2024-2025, no such rule): a 19-day gap at its window start is allowed.
  Member col_late = MakeMember("G", "1960-05-05", Sex::kFemale, {{"2024-01-20", "2030-12-31"}});
  EXPECT_EQ(Measure1(col_late, none, "COL").status, MeasureStatus::kNotMet);
}

// --- Colorectal cancer screening: 46-75, look-backs by test ---------------------------------

TEST(ColorectalCancerScreeningTest, ColonoscopyCountsForTheYearAndNinePriorYears) {
  Member m = MakeMember("C", "1955-06-01", Sex::kMale, {{"2015-01-01", "2030-12-31"}});
  ClaimSet first_day;  // 45378: Colonoscopy; window starts 2016-01-01.
  first_day.Professional("C1", {"Z1211"}, {{"45378", D("2016-01-01")}});
  EXPECT_EQ(Measure1(m, first_day, "COL").status, MeasureStatus::kMet);
  ClaimSet too_old;
  too_old.Professional("C0", {"Z1211"}, {{"45378", D("2015-12-31")}});
  EXPECT_EQ(Measure1(m, too_old, "COL").status, MeasureStatus::kNotMet);
}

TEST(ColorectalCancerScreeningTest, FitCountsOnlyInThePerformanceYear) {
  Member m = MakeMember("C", "1955-06-01", Sex::kFemale, {{"2015-01-01", "2030-12-31"}});
  ClaimSet last_year;
  last_year.Professional("F0", {"Z1211"}, {{"G0328", D("2024-12-31")}});
  EXPECT_EQ(Measure1(m, last_year, "COL").status, MeasureStatus::kNotMet);
  ClaimSet this_year;
  this_year.Professional("F1", {"Z1211"}, {{"82274", D("2025-01-01")}});
  EXPECT_EQ(Measure1(m, this_year, "COL").status, MeasureStatus::kMet);
}

TEST(ColorectalCancerScreeningTest, AgeRangeAndColorectalCancerExclusion) {
  ClaimSet none;
  // CMS130v11: 46-75 by the end of the PY. 46 on 2025-12-31 (born 1979-12-31): in; born
  // 1980-01-01: 45, out; 75 (born 1950-01-01): in; 76 (born 1949-12-31): out.
  EXPECT_EQ(Measure1(Woman("1979-12-31"), none, "COL").status, MeasureStatus::kNotMet);
  EXPECT_EQ(Measure1(Woman("1980-01-01"), none, "COL").status, MeasureStatus::kNotInDenominator);
  EXPECT_EQ(Measure1(Woman("1950-01-01"), none, "COL").status, MeasureStatus::kNotMet);
  EXPECT_EQ(Measure1(Woman("1949-12-31"), none, "COL").status, MeasureStatus::kNotInDenominator);
  ClaimSet cancer;  // C189: Malignant Neoplasm of Colon
  cancer.Professional("K", {"C189"}, {{"99214", D("2012-04-04")}});
  EXPECT_EQ(Measure1(Woman("1960-05-05"), cancer, "COL").status, MeasureStatus::kExcluded);
}

// --- HbA1c poor control (inverse) ----------------------------------------------------------

ClaimSet Diabetic() {
  ClaimSet c;
  c.Professional("DX", {"E119"}, {{"99213", D("2024-11-15")}});  // Diabetes, prior year
  return c;
}

TEST(HbA1cPoorControlTest, NoTestInTheYearIsPoorControl) {
  ClaimSet c = Diabetic();
  MeasureOutcome o = Measure1(Woman("1960-05-05"), c, "HBA1C_POOR");
  EXPECT_EQ(o.status, MeasureStatus::kMet);  // met = poor control
  EXPECT_EQ(o.tally, (MeasureTally{1, 0, 1}));
  EXPECT_TRUE(o.gap);  // inverse: being in the numerator is the gap
}

TEST(HbA1cPoorControlTest, TheMostRecentResultDecides) {
  ClaimSet c = Diabetic();
  c.Professional("R1", {"E119"}, {{"3044F", D("2025-03-01")}});  // < 7%
  c.Professional("R2", {"E119"}, {{"3046F", D("2025-11-01")}});  // > 9%, later
  MeasureOutcome poor = Measure1(Woman("1960-05-05"), c, "HBA1C_POOR");
  EXPECT_EQ(poor.status, MeasureStatus::kMet);
  ASSERT_EQ(poor.evidence.size(), 2u);  // the denominator diagnosis and the reading
  EXPECT_EQ(poor.evidence[1].code, "3046F");
  c.Professional("R3", {"E119"}, {{"3052F", D("2025-12-31")}});  // 8-9%, last day
  MeasureOutcome controlled = Measure1(Woman("1960-05-05"), c, "HBA1C_POOR");
  EXPECT_EQ(controlled.status, MeasureStatus::kNotMet);
  EXPECT_FALSE(controlled.gap);
}

TEST(HbA1cPoorControlTest, OnOneDayTheLowestResultCounts) {
  ClaimSet c = Diabetic();
  c.Professional("R1", {"E119"}, {{"3046F", D("2025-06-01")}, {"3051F", D("2025-06-01")}});
  EXPECT_EQ(Measure1(Woman("1960-05-05"), c, "HBA1C_POOR").status, MeasureStatus::kNotMet);
}

TEST(HbA1cPoorControlTest, WithoutADiabetesDiagnosisNotInDenominator) {
  ClaimSet c;
  c.Professional("R1", {"I10"}, {{"3046F", D("2025-06-01")}});
  EXPECT_EQ(Measure1(Woman("1960-05-05"), c, "HBA1C_POOR").status,
            MeasureStatus::kNotInDenominator);
  ClaimSet old;  // diagnosis two years before: outside 2024-01-01..2025-12-31
  old.Professional("DX", {"E119"}, {{"99213", D("2023-12-31")}});
  EXPECT_EQ(Measure1(Woman("1960-05-05"), old, "HBA1C_POOR").status,
            MeasureStatus::kNotInDenominator);
}

// --- Controlling high blood pressure --------------------------------------------------------

TEST(ControllingBloodPressureTest, HypertensionMustBeDiagnosedByJune30) {
  ClaimSet on_edge;
  on_edge.Professional("H", {"I10"}, {{"99213", D("2025-06-30")}});
  on_edge.Professional("B", {"I10"}, {{"3075F", D("2025-10-01")}, {"3079F", D("2025-10-01")}});
  EXPECT_EQ(Measure1(Woman("1960-05-05"), on_edge, "CBP").status, MeasureStatus::kMet);
  ClaimSet late;
  late.Professional("H", {"I10"}, {{"99213", D("2025-07-01")}});
  EXPECT_EQ(Measure1(Woman("1960-05-05"), late, "CBP").status, MeasureStatus::kNotInDenominator);
}

TEST(ControllingBloodPressureTest, LastCompleteReadingDecides) {
  ClaimSet c;
  c.Professional("H", {"I10"}, {{"99213", D("2024-03-01")}});
  c.Professional("B1", {"I10"}, {{"3074F", D("2025-05-01")}, {"3078F", D("2025-05-01")}});
  c.Professional("B2", {"I10"}, {{"3077F", D("2025-11-01")}, {"3078F", D("2025-11-01")}});
  // Latest complete reading 2025-11-01: systolic >= 140 → not controlled.
  EXPECT_EQ(Measure1(Woman("1960-05-05"), c, "CBP").status, MeasureStatus::kNotMet);
  // A systolic-only code later does not make a complete reading; 2025-11-01 still decides.
  ClaimSet partial = c;
  partial.Professional("B3", {"I10"}, {{"3074F", D("2025-12-01")}});
  EXPECT_EQ(Measure1(Woman("1960-05-05"), partial, "CBP").status, MeasureStatus::kNotMet);
  // A second systolic code on 2025-11-01 below 130: the lowest reading counts → controlled.
  ClaimSet lowest = c;
  lowest.Professional("B4", {"I10"}, {{"3074F", D("2025-11-01")}});
  EXPECT_EQ(Measure1(Woman("1960-05-05"), lowest, "CBP").status, MeasureStatus::kMet);
  // No reading at all: not controlled.
  ClaimSet none;
  none.Professional("H", {"I10"}, {{"99213", D("2024-03-01")}});
  EXPECT_EQ(Measure1(Woman("1960-05-05"), none, "CBP").status, MeasureStatus::kNotMet);
}

TEST(ControllingBloodPressureTest, EsrdExcludes) {
  ClaimSet c;
  c.Professional("H", {"I10", "N186"}, {{"99213", D("2024-03-01")}});
  EXPECT_EQ(Measure1(Woman("1960-05-05"), c, "CBP").status, MeasureStatus::kExcluded);
}

// --- Readmissions ---------------------------------------------------------------------------

InstitutionalSpec Inpatient(const char* facility, const char* status, const char* drg = "",
                            const char* bill = "111") {
  return InstitutionalSpec{bill, std::nullopt, std::nullopt, status, facility, drg, {}};
}

TEST(ReadmissionTest, TransfersChainAndTheReadmissionCountsFromTheLastDischarge) {
  ClaimSet c;
  // Stay 1 at F1 03-01..03-05, transferred to F2 the same day, discharged 03-10: one stay.
  c.Institutional("A1", D("2025-03-01"), D("2025-03-05"), {"I214"}, {}, Inpatient("F1", "02"));
  c.Institutional("A2", D("2025-03-05"), D("2025-03-10"), {"I214"}, {}, Inpatient("F2", "01"));
  // Admitted again at F1 on 03-25: 15 days after the stay's discharge → readmission.
  c.Institutional("B", D("2025-03-25"), D("2025-03-28"), {"I509"}, {}, Inpatient("F1", "01"));
  Member m = MakeMember("R", "1950-01-01", Sex::kMale, {{"2015-01-01", "2030-12-31"}});
  MeasureOutcome o = Measure1(m, c, "READM30");
  ASSERT_EQ(o.stays.size(), 2u);
  EXPECT_EQ(o.stays[0].claim_ids, (std::vector<std::string>{"A1", "A2"}));
  EXPECT_EQ(o.stays[0].discharge, D("2025-03-10"));
  EXPECT_TRUE(o.stays[0].readmitted);
  EXPECT_FALSE(o.stays[1].readmitted);
  // Two index stays (both discharged in 2025), one readmitted.
  EXPECT_EQ(o.tally, (MeasureTally{2, 0, 1}));
  EXPECT_TRUE(o.gap);

  auto set = MeasureSet::Shipped().Select({"READM30"});
  ASSERT_TRUE(set.ok());
  nlohmann::json j =
      MemberMeasuresToJson(EvaluateMeasures(m, c.views(), PaidCutoff::Unbounded(), kPy, *set));
  EXPECT_EQ(j["measures"][0]["tally"]["rate"], "0.5");
  EXPECT_EQ(j["measures"][0]["stays"][0]["claim_ids"], (std::vector<std::string>{"A1", "A2"}));
  EXPECT_EQ(j["measures"][0]["stays"][0]["readmission_stay"], 1);
  ASSERT_EQ(j["gaps"].size(), 1u);
  EXPECT_EQ(j["gaps"][0]["measure_id"], "READM30");
}

TEST(ReadmissionTest, PlannedReadmissionDischargeStatusAndWindowEdges) {
  ClaimSet c;
  // Index 05-01..05-03; next admission 05-20 with chemotherapy MS-DRG 847: planned.
  c.Institutional("P1", D("2025-05-01"), D("2025-05-03"), {"C3490"}, {}, Inpatient("F1", "01"));
  c.Institutional("P2", D("2025-05-20"), D("2025-05-22"), {"Z5111"}, {},
                  Inpatient("F1", "01", "847"));
  // Index 08-01..08-02 discharged expired (20): excluded.
  c.Institutional("X", D("2025-08-01"), D("2025-08-02"), {"I214"}, {}, Inpatient("F3", "20"));
  // Index 12-01..12-02 at F1; same facility again on day 31 (2026-01-02): not a readmission.
  c.Institutional("E1", D("2025-12-01"), D("2025-12-02"), {"J189"}, {}, Inpatient("F1", "01"));
  c.Institutional("E2", D("2026-01-02"), D("2026-01-04"), {"J189"}, {}, Inpatient("F1", "01"));
  // A stay discharged in 2024 is not an index stay of 2025.
  c.Institutional("O", D("2024-12-20"), D("2024-12-28"), {"J189"}, {}, Inpatient("F1", "01"));
  Member m = MakeMember("R", "1950-01-01", Sex::kFemale, {{"2015-01-01", "2030-12-31"}});
  MeasureOutcome o = Measure1(m, c, "READM30");
  // Index stays in 2025: P1, P2, X, E1 (E2 is discharged in 2026, O in 2024).
  EXPECT_EQ(o.tally, (MeasureTally{4, 1, 0}));
  EXPECT_FALSE(o.gap);
  ASSERT_EQ(o.stays.size(), 6u);
  EXPECT_EQ(o.stays[0].claim_ids.front(), "O");
  EXPECT_FALSE(o.stays[0].index);
  EXPECT_TRUE(o.stays[1].readmission_planned);  // P1 → P2
  EXPECT_FALSE(o.stays[1].readmitted);
  EXPECT_TRUE(o.stays[3].excluded);     // X
  EXPECT_FALSE(o.stays[4].readmitted);  // E1: 31 days
  // Day 30 (2026-01-01) would count.
  ClaimSet edge;
  edge.Institutional("E1", D("2025-12-01"), D("2025-12-02"), {"J189"}, {}, Inpatient("F1", "01"));
  edge.Institutional("E2", D("2026-01-01"), D("2026-01-03"), {"J189"}, {}, Inpatient("F1", "01"));
  EXPECT_EQ(Measure1(m, edge, "READM30").tally, (MeasureTally{1, 0, 1}));
}

TEST(ReadmissionTest, SameFacilityNextDayIsOneStayAndTwoDaysLaterAReadmission) {
  Member m = MakeMember("R", "1950-01-01", Sex::kFemale, {{"2015-01-01", "2030-12-31"}});
  // HEDIS PCR direct transfer: admitted again at the same facility the day after discharge.
  ClaimSet next_day;
  next_day.Institutional("A", D("2025-02-01"), D("2025-02-05"), {"J189"}, {},
                         Inpatient("F1", "01"));
  next_day.Institutional("B", D("2025-02-06"), D("2025-02-08"), {"J189"}, {},
                         Inpatient("F1", "01"));
  MeasureOutcome one = Measure1(m, next_day, "READM30");
  EXPECT_EQ(one.tally, (MeasureTally{1, 0, 0}));
  ASSERT_EQ(one.stays.size(), 1u);
  EXPECT_EQ(one.stays[0].claim_ids, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(one.stays[0].discharge, D("2025-02-08"));
  // Same facility, on the discharge day itself: one stay as well.
  ClaimSet same_day;
  same_day.Institutional("A", D("2025-02-01"), D("2025-02-05"), {"J189"}, {},
                         Inpatient("F1", "01"));
  same_day.Institutional("B", D("2025-02-05"), D("2025-02-08"), {"J189"}, {},
                         Inpatient("F1", "01"));
  EXPECT_EQ(Measure1(m, same_day, "READM30").tally, (MeasureTally{1, 0, 0}));
  // Two days after discharge: a new stay and a readmission of the first.
  ClaimSet two_days;
  two_days.Institutional("A", D("2025-02-01"), D("2025-02-05"), {"J189"}, {},
                         Inpatient("F1", "01"));
  two_days.Institutional("B", D("2025-02-07"), D("2025-02-08"), {"J189"}, {},
                         Inpatient("F1", "01"));
  EXPECT_EQ(Measure1(m, two_days, "READM30").tally, (MeasureTally{2, 0, 1}));
}

TEST(ReadmissionTest, InterimBillsAreOneStay) {
  Member m = MakeMember("R", "1950-01-01", Sex::kFemale, {{"2015-01-01", "2030-12-31"}});
  ClaimSet interim;  // 112 first interim, 114 last interim claim of the same stay
  interim.Institutional("A", D("2025-02-01"), D("2025-02-28"), {"J189"}, {},
                        Inpatient("F1", "30", "", "112"));
  interim.Institutional("B", D("2025-03-01"), D("2025-03-08"), {"J189"}, {},
                        Inpatient("F1", "01", "", "114"));
  MeasureOutcome o = Measure1(m, interim, "READM30");
  EXPECT_EQ(o.tally, (MeasureTally{1, 0, 0}));
  ASSERT_EQ(o.stays.size(), 1u);
  EXPECT_EQ(o.stays[0].discharge, D("2025-03-08"));
}

// --- Tallies and the measure set ------------------------------------------------------------

TEST(MeasureTallyTest, MemberTalliesAddAndSubtractExactly) {
  Member a = Woman("1960-05-05");
  ClaimSet ca;
  ca.Professional("M", {"Z1231"}, {{"77067", D("2025-02-02")}});
  Member b = Woman("1955-05-05");
  ClaimSet cb;
  const MeasureSet& set = MeasureSet::Shipped();
  MemberMeasureResult ra = EvaluateMeasures(a, ca.views(), PaidCutoff::Unbounded(), kPy, set);
  MemberMeasureResult rb = EvaluateMeasures(b, cb.views(), PaidCutoff::Unbounded(), kPy, set);
  std::map<std::string, MeasureTally> contract;
  ApplyTallies(ra, +1, &contract);
  ApplyTallies(rb, +1, &contract);
  EXPECT_EQ(contract["BCS"], (MeasureTally{2, 0, 1}));
  EXPECT_EQ(contract["BCS"].Rate(), Rational(1, 2));
  ApplyTallies(ra, -1, &contract);
  EXPECT_EQ(contract["BCS"], (MeasureTally{1, 0, 0}));
  EXPECT_EQ(contract["BCS"].Rate(), Rational(0));
  ApplyTallies(rb, -1, &contract);
  EXPECT_EQ(contract["BCS"], MeasureTally{});
  EXPECT_FALSE(contract["BCS"].Rate().has_value());
}

TEST(MeasureSetTest, ShippedMeasuresLoadWithTheirValueSets) {
  const MeasureSet& set = MeasureSet::Shipped();
  std::vector<std::string> ids;
  for (const Measure& m : set.measures()) ids.push_back(m.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"BCS", "CBP", "COL", "HBA1C_POOR", "READM30"}));
  EXPECT_TRUE(set.FindValueSet("Mammography")->Contains(CodeSystem::kHcpcs, "77067"));
  EXPECT_TRUE(set.FindValueSet("Bilateral Mastectomy")->Contains(CodeSystem::kIcd10Pcs, "0HTV0ZZ"));
  EXPECT_TRUE(set.FindValueSet("Diabetes")->Contains(CodeSystem::kIcd10Cm, "E119"));
  EXPECT_FALSE(set.Select({"NOPE"}).ok());
}

// A few codes of each value set the shipped measures take from the VSAC "eCQM Update
// 2022-05-05" expansion, read by hand from ../shared/data/tuva-value-sets/
// quality_measures__value_set_codes.csv (tests/quality/value_sets_check.py compares every code).
TEST(MeasureSetTest, ValueSetsAreTheEcqmExpansion) {
  const MeasureSet& set = MeasureSet::Shipped();
  auto has = [&](const char* vs, CodeSystem s, const char* code) {
    const ValueSet* v = set.FindValueSet(vs);
    return v != nullptr && v->Contains(s, code);
  };
  using enum CodeSystem;
  // Frailty Symptom (113.12.1075): R26.0, R26.1, R41.81, R53.83 were missing before.
  for (const char* code : {"R260", "R261", "R262", "R4181", "R531", "R5381", "R5383", "R54"}) {
    EXPECT_TRUE(has("Frailty Symptom", kIcd10Cm, code)) << code;
  }
  // Malignant Neoplasm of Colon (108.12.1001): C18.x, C19, C20, C21.2, C21.8, C78.5; personal
  // history codes Z85.038 / Z85.048 are Tuva's additions, not the eCQM set.
  for (const char* code : {"C180", "C189", "C19", "C20", "C218", "C785"}) {
    EXPECT_TRUE(has("Malignant Neoplasm of Colon", kIcd10Cm, code)) << code;
  }
  EXPECT_FALSE(has("Malignant Neoplasm of Colon", kIcd10Cm, "Z85038"));
  EXPECT_FALSE(has("Malignant Neoplasm of Colon", kIcd10Cm, "Z85048"));
  EXPECT_TRUE(has("Malignant Neoplasm of Colon (Tuva additions)", kIcd10Cm, "Z85038"));
  // Hospice Encounter: G9473..G9479, Q5003..Q5010, T2042..T2046; Hospice Care Ambulatory:
  // 99377, 99378, G0182. QPP G-codes G9709/G9710 are Tuva's additions.
  EXPECT_TRUE(has("Hospice Encounter", kHcpcs, "Q5003"));
  EXPECT_TRUE(has("Hospice Encounter", kHcpcs, "T2046"));
  EXPECT_TRUE(has("Hospice Care Ambulatory", kHcpcs, "99377"));
  EXPECT_TRUE(has("Hospice Care Ambulatory", kHcpcs, "G0182"));
  EXPECT_FALSE(has("Hospice Encounter", kHcpcs, "G9710"));
  EXPECT_TRUE(has("Hospice Encounter (Tuva additions)", kHcpcs, "G9710"));
  // Flexible Sigmoidoscopy: the expansion's 45330..45350 with 45339 and 45345.
  for (const char* code : {"45330", "45339", "45345", "45350"}) {
    EXPECT_TRUE(has("Flexible Sigmoidoscopy", kHcpcs, code)) << code;
  }
  // Advanced Illness, Frailty Encounter and Palliative Care Encounter without Tuva's G-codes.
  EXPECT_TRUE(has("Advanced Illness", kIcd10Cm, "C250"));
  EXPECT_FALSE(has("Advanced Illness", kHcpcs, "G2099"));
  EXPECT_TRUE(has("Frailty Encounter", kHcpcs, "99504"));
  EXPECT_FALSE(has("Frailty Encounter", kHcpcs, "G2100"));
  EXPECT_TRUE(has("Palliative Care Encounter", kHcpcs, "G9054"));
  EXPECT_FALSE(has("Palliative Care Encounter", kHcpcs, "G9992"));
  EXPECT_FALSE(has("Frailty Diagnosis", kIcd10Cm, "L89000"));
  EXPECT_TRUE(has("Frailty Diagnosis", kIcd10Cm, "L89001"));
  // Hospice from claims (project value set).
  EXPECT_TRUE(has("Hospice (claims)", kBillType, "81"));
  EXPECT_TRUE(has("Hospice (claims)", kRevenue, "0651"));
  EXPECT_TRUE(has("Hospice (claims)", kDischargeStatus, "51"));
  EXPECT_FALSE(has("Hospice (claims)", kDischargeStatus, "01"));
}

TEST(MeasureSetTest, MalformedDocumentsAreErrorsNamingTheProblem) {
  auto unknown_key = ParseMeasure(
      R"({"schema":"vbp.measure/1","id":"X","name":"x","version":"1","reference":"r",
          "kind":"member","inverse":false,"numerator":{"any_of":[{"value_sets":["Mammography"],
          "window":{"end":{"anchor":"py_end"}},"lookback":3}]}})",
      "x.json");
  ASSERT_FALSE(unknown_key.ok());
  EXPECT_NE(unknown_key.status().message().find("numerator.any_of[0]: unknown key 'lookback'"),
            std::string::npos)
      << unknown_key.status().message();
  EXPECT_FALSE(ParseMeasure("{not json", "y.json").ok());
  EXPECT_FALSE(ParseMeasure(R"({"schema":"vbp.measure/1","id":3})", "z.json").ok());
}

}  // namespace
}  // namespace vbp::rules::quality
