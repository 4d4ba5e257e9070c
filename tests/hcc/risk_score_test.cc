// Hand-computed CMS-HCC scores. Every expected coefficient below was read by hand from the
// source CSVs in ../shared/data/tuva-value-sets (file:line cited), never from the code under
// test; the sums were done by hand. Payment year 2025 throughout: diagnoses from calendar
// 2024 (prospective), ICD-10 mappings of PY2025, the 2024 CPT/HCPCS list (latest shipped),
// ages on 2025-02-01.

#include "rules/hcc/risk_score.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "rules/hcc/risk_score_json.h"
#include "tests/hcc/claim_fixtures.h"

namespace vbp::rules::hcc {
namespace {

using testing::ClaimSet;
using testing::D;
using testing::MakeMember;

Rational Dec(const char* s) { return ParseExactDecimal(s).value(); }

constexpr int kPy = 2025;

RiskModelParams OnlyModel(ModelVersion m) {
  RiskModelParams p;
  p.weight_v24 = m == ModelVersion::kV24 ? 1 : 0;
  p.weight_v28 = m == ModelVersion::kV28 ? 1 : 0;
  p.round_decimals = std::nullopt;
  return p;
}

const ModelScore& Model(const RiskScoreResult& r, ModelVersion m) {
  for (const ModelScore& s : r.models) {
    if (s.model == m) return s;
  }
  ADD_FAILURE() << "model missing";
  return r.models.front();
}

Rational FactorSum(const ModelScore& s) {
  Rational sum = 0;
  for (const Factor& f : s.factors) sum += f.coefficient;
  return sum;
}

std::vector<std::string> FactorNames(const ModelScore& s) {
  std::vector<std::string> n;
  for (const Factor& f : s.factors) n.push_back(f.name);
  return n;
}

// Female, born 1953-06-15: 71 on 2025-02-01 → age group 70-74, community non-dual aged (CNA).
// Covered all of 2024 → continuing enrollee.
Member Woman71() {
  return MakeMember("W71", "1953-06-15", Sex::kFemale, {{"2020-01-01", "2030-12-31"}});
}

// One office visit (99213 is on the 2024 list: cms_hcc__cpt_hcpcs.csv:39034) in 2024 with the
// diagnoses: E1122 → V24 HCC18 / V28 HCC37; E119 → V24 HCC19 / V28 HCC38; I509 → V24 HCC85 /
// V28 HCC226 (cms_hcc__icd_10_cm_mappings.csv, payment_year 2025 rows).
ClaimSet DiabetesAndHeartFailure() {
  ClaimSet c;
  c.Professional("P1", {"E1122", "E119", "I509"}, {{"99213", D("2024-05-10")}});
  return c;
}

TEST(RiskScoreTest, HierarchyDropsTrumpedHccAndDiseaseInteractionAppliesInV24) {
  ClaimSet claims = DiabetesAndHeartFailure();
  auto r = ComputeRiskScore(Woman71(), claims.views(), PaidCutoff::Unbounded(), kPy,
                            OnlyModel(ModelVersion::kV24));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->scored);
  const ModelScore& s = Model(*r, ModelVersion::kV24);
  EXPECT_EQ(s.segment, Segment::kCNA);
  // HCC18 excludes HCC19 (cms_hcc__disease_hierarchy.csv:14).
  ASSERT_EQ(s.hccs.size(), 3u);
  EXPECT_EQ(s.hccs[0].hcc, 18);
  EXPECT_TRUE(s.hccs[0].kept);
  EXPECT_EQ(s.hccs[1].hcc, 19);
  EXPECT_FALSE(s.hccs[1].kept);
  EXPECT_EQ(s.hccs[1].trumped_by, 18);
  EXPECT_EQ(s.hccs[2].hcc, 85);
  EXPECT_TRUE(s.hccs[2].kept);
  // demographic F70-74 CNA 0.386   (cms_hcc__demographic_factors.csv:44)
  // HCC18 CNA               0.302   (cms_hcc__disease_factors.csv:65)
  // HCC85 CNA               0.331   (cms_hcc__disease_factors.csv:328)
  // Diabetes_CHF CNA        0.121   (cms_hcc__disease_interaction_factors.csv:38, 85 & 18)
  // 2 payment HCCs: the V24 CNA count table starts at 4 → no count factor.
  // raw = 0.386 + 0.302 + 0.331 + 0.121 = 1.140
  EXPECT_EQ(FactorNames(s), (std::vector<std::string>{"F70-74", "HCC18", "HCC85", "Diabetes_CHF"}));
  EXPECT_EQ(s.raw, Dec("1.140"));
  EXPECT_EQ(FactorSum(s), s.raw);
  EXPECT_EQ(s.payment_hcc_count, 2);
  EXPECT_EQ(r->score, Dec("1.140"));
}

// The paid-date rule (rules/core/paid_cutoff.h): diagnoses count only from claim versions paid
// on or before min(run-out cutoff, as-of), the same versions attribution and expenditure count.
TEST(RiskScoreTest, DiagnosisOnAClaimPaidAfterTheCutoffDoesNotCount) {
  // E1122 on a visit paid 2024-06-01; I509 on a visit served 2024-11-15, paid 2025-04-15.
  ClaimSet claims;
  claims.Professional("P1", {"E1122"}, {{"99213", D("2024-05-10")}}).PaidOn(D("2024-06-01"));
  claims.Professional("P2", {"I509"}, {{"99213", D("2024-11-15")}}).PaidOn(D("2025-04-15"));
  const RiskModelParams v24 = OnlyModel(ModelVersion::kV24);
  // As-of 2025-03-31 (run-out of PY2025: 2026-03-31): only HCC18.
  // F70-74 CNA 0.386 + HCC18 CNA 0.302 = 0.688 (no HCC85, so no Diabetes_CHF; 1 payment HCC).
  auto early = ComputeRiskScore(Woman71(), claims.views(),
                                PaidCutoff(D("2026-03-31"), D("2025-03-31")), kPy, v24);
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_EQ(FactorNames(Model(*early, ModelVersion::kV24)),
            (std::vector<std::string>{"F70-74", "HCC18"}));
  EXPECT_EQ(early->score, Dec("0.688"));
  EXPECT_EQ(early->eligible_claims, 1);
  EXPECT_EQ(early->paid_late_claims, 1);
  ASSERT_EQ(early->ignored.size(), 1u);
  EXPECT_EQ(early->ignored[0].code, "I509");
  EXPECT_EQ(early->ignored[0].claim_id, "P2");
  EXPECT_EQ(early->ignored[0].reason, "paid after the as-of date");
  // As-of on the paid date: 0.386 + 0.302 + HCC85 0.331 + Diabetes_CHF 0.121 = 1.140.
  auto on_day = ComputeRiskScore(Woman71(), claims.views(),
                                 PaidCutoff(D("2026-03-31"), D("2025-04-15")), kPy, v24);
  ASSERT_TRUE(on_day.ok());
  EXPECT_EQ(on_day->score, Dec("1.140"));
  EXPECT_TRUE(on_day->ignored.empty());
  // A run-out cutoff before the paid date excludes it at a later as-of (prospective too).
  auto runout = ComputeRiskScore(Woman71(), claims.views(),
                                 PaidCutoff(D("2025-03-31"), D("2025-06-30")), kPy, v24);
  ASSERT_TRUE(runout.ok());
  EXPECT_EQ(runout->score, Dec("0.688"));
  ASSERT_EQ(runout->ignored.size(), 1u);
  EXPECT_EQ(runout->ignored[0].reason, "paid after the run-out cutoff");
}

// Issue 19 item 2: the eligible CPT/HCPCS list is the one of the year of service. 99219 was
// deleted from CPT on 2023-01-01 (eligible_cpt_hcpcs.tsv: 99219 2019-2022). PY2023 is scored
// on 2022 services, so a 2022 visit coded 99219 supplies its diagnoses; a 2023 visit coded
// 99219 (PY2024) does not.
TEST(RiskScoreTest, EligibleCptListIsTheOneOfTheYearOfService) {
  const RiskModelParams v24 = OnlyModel(ModelVersion::kV24);
  ClaimSet served_2022;
  served_2022.Professional("P1", {"E1122"}, {{"99219", D("2022-05-01")}});
  auto py2023 =
      ComputeRiskScore(Woman71(), served_2022.views(), PaidCutoff::Unbounded(), 2023, v24);
  ASSERT_TRUE(py2023.ok()) << py2023.status().ToString();
  // 69 on 2023-02-01: F65-69 CNA 0.323 (demographic_factors.tsv) + HCC18 CNA 0.302 = 0.625
  // (with the payment year's 2023 list the visit was ineligible: 0.323 alone).
  EXPECT_EQ(FactorNames(Model(*py2023, ModelVersion::kV24)),
            (std::vector<std::string>{"F65-69", "HCC18"}));
  EXPECT_EQ(py2023->score, Dec("0.625"));
  EXPECT_EQ(py2023->eligible_claims, 1);
  EXPECT_EQ(py2023->cpt_list_year, 2022);

  ClaimSet served_2023;
  served_2023.Professional("P1", {"E1122"}, {{"99219", D("2023-05-01")}});
  auto py2024 =
      ComputeRiskScore(Woman71(), served_2023.views(), PaidCutoff::Unbounded(), 2024, v24);
  ASSERT_TRUE(py2024.ok()) << py2024.status().ToString();
  // 70 on 2024-02-01: F70-74 CNA 0.386 alone; the visit is ineligible.
  EXPECT_EQ(py2024->score, Dec("0.386"));
  EXPECT_EQ(py2024->ineligible_claims, 1);
}

// Issue 19 item 3: hierarchies apply in HCC order, as CMS's software does, so an HCC that is
// already dropped drops nothing. V28: 62 excludes 63, 63 excludes 202 (hierarchy.tsv).
// Z944 → HCC62, K7210 → HCC63, G931 → HCC202 (icd10_to_hcc.tsv, PY2024-2026).
TEST(RiskScoreTest, HierarchyAppliesInHccOrderAndADroppedHccDropsNothing) {
  ClaimSet claims;
  claims.Professional("P1", {"Z944", "K7210", "G931"}, {{"99213", D("2024-05-10")}});
  auto r = ComputeRiskScore(Woman71(), claims.views(), PaidCutoff::Unbounded(), kPy,
                            OnlyModel(ModelVersion::kV28));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ModelScore& s = Model(*r, ModelVersion::kV28);
  ASSERT_EQ(s.hccs.size(), 3u);
  EXPECT_EQ(s.hccs[0].hcc, 62);
  EXPECT_TRUE(s.hccs[0].kept);
  EXPECT_EQ(s.hccs[1].hcc, 63);
  EXPECT_FALSE(s.hccs[1].kept);
  EXPECT_EQ(s.hccs[1].trumped_by, 62);
  EXPECT_EQ(s.hccs[2].hcc, 202);
  EXPECT_TRUE(s.hccs[2].kept);
  EXPECT_FALSE(s.hccs[2].trumped_by.has_value());
  // F70-74 CNA 0.395 + HCC62 CNA 0.376 + HCC202 CNA 0.543 = 1.314 (2 payment HCCs: the V28
  // CNA count table starts at 5). Dropping 202 too gave 0.771.
  EXPECT_EQ(FactorNames(s), (std::vector<std::string>{"F70-74", "HCC62", "HCC202"}));
  EXPECT_EQ(s.raw, Dec("1.314"));
}

TEST(RiskScoreTest, SameDiagnosesScoreDifferentlyUnderV28) {
  ClaimSet claims = DiabetesAndHeartFailure();
  auto r = ComputeRiskScore(Woman71(), claims.views(), PaidCutoff::Unbounded(), kPy,
                            OnlyModel(ModelVersion::kV28));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ModelScore& s = Model(*r, ModelVersion::kV28);
  // HCC37 excludes HCC38 (cms_hcc__disease_hierarchy.csv:100).
  ASSERT_EQ(s.hccs.size(), 3u);
  EXPECT_EQ(s.hccs[0].hcc, 37);
  EXPECT_EQ(s.hccs[1].hcc, 38);
  EXPECT_EQ(s.hccs[1].trumped_by, 37);
  EXPECT_EQ(s.hccs[2].hcc, 226);
  // demographic F70-74 CNA 0.395   (cms_hcc__demographic_factors.csv:468)
  // HCC37 CNA               0.166   (cms_hcc__disease_factors.csv:666)
  // HCC226 CNA              0.360   (cms_hcc__disease_factors.csv:1092)
  // DIABETES_HF CNA         0.112   (cms_hcc__disease_interaction_factors.csv:242, 37 & 226)
  // raw = 0.395 + 0.166 + 0.360 + 0.112 = 1.033 (V24 gave 1.140 for the same claims)
  EXPECT_EQ(FactorNames(s), (std::vector<std::string>{"F70-74", "HCC37", "HCC226", "DIABETES_HF"}));
  EXPECT_EQ(s.raw, Dec("1.033"));
  EXPECT_EQ(FactorSum(s), s.raw);
}

TEST(RiskScoreTest, DefaultPy2025BlendNormalizesEachModelThenRoundsOnceHalfUp) {
  ClaimSet claims = DiabetesAndHeartFailure();
  auto r = ComputeRiskScore(Woman71(), claims.views(), PaidCutoff::Unbounded(), kPy,
                            DefaultRiskModelParams(kPy, nullptr));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->models.size(), 2u);
  // PY2025: 33% V24 / 67% V28, normalization 1.153 (V24) and 1.045 (V28), coding adj. 0:
  // 0.33 × 1.140/1.153 + 0.67 × 1.033/1.045 = 119113183/120488500 = 0.98858549…
  const Rational exact = Rational(119113183, 120488500);
  EXPECT_EQ(r->blended, exact);
  EXPECT_EQ(r->score_exact, exact);
  EXPECT_EQ(r->score, Dec("0.989"));
  EXPECT_EQ(r->cpt_list_year, 2024);  // no 2025 list shipped: the 2024 list is used
}

TEST(RiskScoreTest, CodingAdjustmentAppliesToTheBlendedScore) {
  ClaimSet claims = DiabetesAndHeartFailure();
  RiskModelParams p = OnlyModel(ModelVersion::kV24);
  p.coding_adjustment = Dec("0.059");
  p.round_decimals = 3;
  auto r = ComputeRiskScore(Woman71(), claims.views(), PaidCutoff::Unbounded(), kPy, p);
  ASSERT_TRUE(r.ok());
  // 1.140 × 0.941 = 1.07274 → 1.073
  EXPECT_EQ(r->score_exact, Dec("1.07274"));
  EXPECT_EQ(r->score, Dec("1.073"));
}

// Male, born 1944-03-10: 80 on 2025-02-01 → M80-84. Five HCCs with no hierarchy or
// interaction among them: A419 → HCC2, C3490 → HCC9, E43 → HCC21, I4891 → HCC96,
// J449 → HCC111 (mappings rows 78978, 79213, 81203, 82481, 83440).
ClaimSet FiveConditions() {
  ClaimSet c;
  c.Professional("P1", {"A419", "C3490", "E43"}, {{"99214", D("2024-02-01")}});
  c.Professional("P2", {"I4891", "J449"}, {{"99213", D("2024-09-30")}});
  return c;
}

TEST(RiskScoreTest, PaymentHccCountFactorForFiveHccs) {
  ClaimSet claims = FiveConditions();
  Member m = MakeMember("M80", "1944-03-10", Sex::kMale, {{"2019-01-01", "2026-12-31"}});
  auto r = ComputeRiskScore(m, claims.views(), PaidCutoff::Unbounded(), kPy,
                            OnlyModel(ModelVersion::kV24));
  ASSERT_TRUE(r.ok());
  const ModelScore& s = Model(*r, ModelVersion::kV24);
  // M80-84 CNA 0.556 (demographic:142); HCC2 0.352 (disease:9); HCC9 1.024 (disease:30);
  // HCC21 0.455 (disease:79); HCC96 0.268 (disease:356); HCC111 0.335 (disease:417);
  // D5 CNA 0.042 (payment_hcc_count_factors.csv:3).
  // raw = 0.556 + 0.352 + 1.024 + 0.455 + 0.268 + 0.335 + 0.042 = 3.032
  EXPECT_EQ(s.payment_hcc_count, 5);
  EXPECT_EQ(FactorNames(s),
            (std::vector<std::string>{"M80-84", "HCC2", "HCC9", "HCC21", "HCC96", "HCC111", "D5"}));
  EXPECT_EQ(s.raw, Dec("3.032"));
  EXPECT_EQ(FactorSum(s), s.raw);
}

TEST(RiskScoreTest, MedicaidMemberUsesFullDualSegmentWhereTheCountRowIsAbsent) {
  ClaimSet claims = FiveConditions();
  Member m = MakeMember("M80", "1944-03-10", Sex::kMale, {{"2019-01-01", "2026-12-31"}});
  m.medicaid = true;
  auto r = ComputeRiskScore(m, claims.views(), PaidCutoff::Unbounded(), kPy,
                            OnlyModel(ModelVersion::kV24));
  ASSERT_TRUE(r.ok());
  const ModelScore& s = Model(*r, ModelVersion::kV24);
  EXPECT_EQ(s.segment, Segment::kCFA);
  // M80-84 CFA 0.803 (demographic:144); HCC2 0.453 (disease:11); HCC9 1.01 (disease:32);
  // HCC21 0.693 (disease:81); HCC96 0.384 (disease:358); HCC111 0.43 (disease:419);
  // V24 CFA has no 5-HCC count row (counts start at 6, payment_hcc_count_factors.csv:10).
  // raw = 0.803 + 0.453 + 1.01 + 0.693 + 0.384 + 0.43 = 3.773
  EXPECT_EQ(s.raw, Dec("3.773"));
  EXPECT_EQ(FactorSum(s), s.raw);
}

TEST(RiskScoreTest, DisabledInteractionInTheInstitutionalSegment) {
  // Male, born 1974-07-01: 50 on 2025-02-01 (< 65: disabled). Long-term institutional.
  Member m = MakeMember("I50", "1974-07-01", Sex::kMale, {{"2018-01-01", "2030-12-31"}},
                        EnrollmentType::kDisabled);
  ClaimSet claims;
  claims.Professional("P1", {"I509"}, {{"99213", D("2024-07-04")}});
  RiskProfileOverrides inst;
  inst.institutional = true;
  RiskModelParams p = DefaultRiskModelParams(kPy, nullptr);
  p.round_decimals = std::nullopt;
  auto r = ComputeRiskScore(m, claims.views(), PaidCutoff::Unbounded(), kPy, p,
                            HccTables::Shipped(), inst);
  ASSERT_TRUE(r.ok());
  const ModelScore& v24 = Model(*r, ModelVersion::kV24);
  const ModelScore& v28 = Model(*r, ModelVersion::kV28);
  EXPECT_EQ(v24.segment, Segment::kINS);
  // V24: M45-54 INS 0.965 (demographic:106); HCC85 INS 0.203 (disease:334);
  //      DISABLED_HCC85 0.279 (disabled_interaction_factors.csv:2). raw = 1.447
  EXPECT_EQ(FactorNames(v24), (std::vector<std::string>{"M45-54", "HCC85", "DISABLED_HCC85"}));
  EXPECT_EQ(v24.raw, Dec("1.447"));
  // V28: M45-54 INS 0.991 (demographic:530); HCC226 INS 0.217 (disease:1098);
  //      DISABLED_HF 0.488 (disabled_interaction_factors.csv:15). raw = 1.696
  EXPECT_EQ(FactorNames(v28), (std::vector<std::string>{"M45-54", "HCC226", "DISABLED_HF"}));
  EXPECT_EQ(v28.raw, Dec("1.696"));
  // 0.33 × 1.447/1.153 + 0.67 × 1.696/1.045 (exact).
  EXPECT_EQ(r->score, Rational(33, 100) * Dec("1.447") / Dec("1.153") +
                          Rational(67, 100) * Dec("1.696") / Dec("1.045"));
}

TEST(RiskScoreTest, AgeIsTakenOnFebruaryFirstOfThePaymentYear) {
  RiskModelParams p = OnlyModel(ModelVersion::kV24);
  ClaimSet none;
  // Born 1960-02-01: 65 on 2025-02-01 → aged segment CNA, F65-69 0.323 (demographic:37).
  Member turns65 = MakeMember("A", "1960-02-01", Sex::kFemale, {{"2015-01-01", "2030-12-31"}});
  auto a = ComputeRiskScore(turns65, none.views(), PaidCutoff::Unbounded(), kPy, p);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->profile.age, 65);
  EXPECT_EQ(Model(*a, ModelVersion::kV24).segment, Segment::kCNA);
  EXPECT_EQ(a->score, Dec("0.323"));
  // Born one day later: still 64 on 2025-02-01 → disabled segment CND, F60-64 0.428
  // (demographic:31).
  Member still64 = MakeMember("B", "1960-02-02", Sex::kFemale, {{"2015-01-01", "2030-12-31"}});
  auto b = ComputeRiskScore(still64, none.views(), PaidCutoff::Unbounded(), kPy, p);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->profile.age, 64);
  EXPECT_EQ(Model(*b, ModelVersion::kV24).segment, Segment::kCND);
  EXPECT_EQ(b->score, Dec("0.428"));
}

TEST(RiskScoreTest, DiagnosesOnIneligibleClaimsAndOutsideThePeriodAreIgnored) {
  ClaimSet c;
  // Lab-only professional claim: 80053 is not on the 2024 list → I509 ignored.
  c.Professional("LAB", {"I509"}, {{"80053", D("2024-03-01")}});
  // Bill type 141 (hospital referenced diagnostic) is not an eligible type → E119 ignored.
  c.Institutional("OP141", D("2024-04-01"), D("2024-04-01"), {"E119"}, {"99213"},
                  {.bill_type = "141"});
  // Inpatient 111: eligible without any HCPCS → J449 (HCC111) counts, supplied by the header.
  c.Institutional("IP", D("2024-05-01"), D("2024-05-05"), {"J449"}, {}, {.bill_type = "111"});
  // Outpatient hospital, bill type written with a leading zero, eligible line 99214 →
  // I4891 (HCC96) counts.
  c.Institutional("OP131", D("2024-12-31"), D("2024-12-31"), {"I4891"}, {"36415", "99214"},
                  {.bill_type = "0131"});
  // Eligible visits, but outside calendar 2024 → G35 does not count and is not listed.
  c.Professional("OLD", {"G35"}, {{"99213", D("2023-12-31")}});
  c.Professional("NEW", {"G35"}, {{"99213", D("2025-01-01")}});
  auto r = ComputeRiskScore(Woman71(), c.views(), PaidCutoff::Unbounded(), kPy,
                            OnlyModel(ModelVersion::kV24));
  ASSERT_TRUE(r.ok());
  // F70-74 CNA 0.386 + HCC96 0.268 (disease:356) + HCC111 0.335 (disease:417) = 0.989
  EXPECT_EQ(r->score, Dec("0.989"));
  EXPECT_EQ(r->eligible_claims, 2);
  EXPECT_EQ(r->ineligible_claims, 2);
  ASSERT_EQ(r->diagnoses.size(), 2u);
  EXPECT_EQ(r->diagnoses[0].code, "I4891");
  EXPECT_EQ(r->diagnoses[0].claim_id, "OP131");
  EXPECT_EQ(r->diagnoses[0].line, 2);  // the 99214 line
  EXPECT_EQ(r->diagnoses[1].code, "J449");
  EXPECT_EQ(r->diagnoses[1].claim_id, "IP");
  EXPECT_EQ(r->diagnoses[1].line, 0);  // inpatient: the claim header
  ASSERT_EQ(r->ignored.size(), 2u);
  EXPECT_EQ(r->ignored[0].code, "E119");
  EXPECT_EQ(r->ignored[0].claim_id, "OP141");
  EXPECT_EQ(r->ignored[1].code, "I509");
  EXPECT_EQ(r->ignored[1].claim_id, "LAB");
}

TEST(RiskScoreTest, ConcurrentPeriodUsesPaymentYearDiagnoses) {
  ClaimSet c;
  c.Professional("NEW", {"J449"}, {{"99213", D("2025-03-01")}});
  RiskModelParams p = OnlyModel(ModelVersion::kV24);
  p.collection = CollectionKind::kConcurrent;
  auto r = ComputeRiskScore(Woman71(), c.views(), PaidCutoff::Unbounded(), kPy, p);
  ASSERT_TRUE(r.ok());
  // 0.386 + HCC111 0.335 = 0.721
  EXPECT_EQ(r->score, Dec("0.721"));
}

TEST(RiskScoreTest, NewEnrolleeGetsDemographicFactorOnly) {
  // Born 1957-08-20: 67 on 2025-02-01. Covered from 2024-06-01: 7 months of 2024 → new enrollee.
  Member m = MakeMember("NE", "1957-08-20", Sex::kFemale, {{"2024-06-01", "2030-12-31"}});
  ClaimSet c = DiabetesAndHeartFailure();
  RiskModelParams p = OnlyModel(ModelVersion::kV24);
  auto r = ComputeRiskScore(m, c.views(), PaidCutoff::Unbounded(), kPy, p);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->profile.new_enrollee);
  EXPECT_EQ(r->profile.collection_months_covered, 7);
  const ModelScore& s = Model(*r, ModelVersion::kV24);
  EXPECT_EQ(s.segment, Segment::kNE);
  EXPECT_EQ(s.age_group, "67");
  // NE female 67, non-medicaid, not originally disabled: 0.544 (demographic:198).
  EXPECT_EQ(r->score, Dec("0.544"));
  // OREC 1 at 67 → originally disabled: 1.174 (demographic:200); with medicaid 1.887 (:201).
  m.orec = "1";
  auto od = ComputeRiskScore(m, c.views(), PaidCutoff::Unbounded(), kPy, p);
  ASSERT_TRUE(od.ok());
  EXPECT_EQ(od->score, Dec("1.174"));
  m.medicaid = true;
  auto odm = ComputeRiskScore(m, c.views(), PaidCutoff::Unbounded(), kPy, p);
  ASSERT_TRUE(odm.ok());
  EXPECT_EQ(odm->score, Dec("1.887"));
}

// The originally-disabled term (CMS ORIGDS = OREC 1 and not DISABL) of the aged community
// segments. Coefficients read by hand from CMS's coefficient files as redistributed in
// yubin-park/hccpy b2e3c83 (hccpy/data/V24hcccoefn.csv: CNA_OriginallyDisabled_Female 0.25,
// CFA_OriginallyDisabled_Female 0.173; V28hcccoefn.csv: CNA_OriginallyDisabled_Female 0.228).
TEST(RiskScoreTest, OriginallyDisabledAgedMembersGetTheCmsTerm) {
  ClaimSet c = DiabetesAndHeartFailure();
  Member m = Woman71();
  auto base24 =
      ComputeRiskScore(m, c.views(), PaidCutoff::Unbounded(), kPy, OnlyModel(ModelVersion::kV24));
  auto base28 =
      ComputeRiskScore(m, c.views(), PaidCutoff::Unbounded(), kPy, OnlyModel(ModelVersion::kV28));
  ASSERT_TRUE(base24.ok() && base28.ok());
  m.orec = "1";
  auto od24 =
      ComputeRiskScore(m, c.views(), PaidCutoff::Unbounded(), kPy, OnlyModel(ModelVersion::kV24));
  auto od28 =
      ComputeRiskScore(m, c.views(), PaidCutoff::Unbounded(), kPy, OnlyModel(ModelVersion::kV28));
  ASSERT_TRUE(od24.ok() && od28.ok());
  // V24: 1.140 (HierarchyDrops... above) + 0.25 = 1.390.
  EXPECT_EQ(base24->score, Dec("1.140"));
  EXPECT_EQ(od24->score, Dec("1.390"));
  const ModelScore& s24 = Model(*od24, ModelVersion::kV24);
  EXPECT_EQ(s24.segment, Segment::kCNA);
  EXPECT_EQ(FactorNames(s24).back(), "OriginallyDisabled_Female");
  EXPECT_EQ(s24.factors.back().kind, FactorKind::kOriginallyDisabled);
  EXPECT_EQ(s24.factors.back().coefficient, Dec("0.25"));
  EXPECT_EQ(FactorSum(s24), s24.raw);
  // V28: + 0.228.
  EXPECT_EQ(od28->score - base28->score, Dec("0.228"));
  // Full-benefit dual (CFA): + 0.173 in V24.
  m.medicaid = true;
  Member dual_base = m;
  dual_base.orec = std::nullopt;
  auto cfa =
      ComputeRiskScore(m, c.views(), PaidCutoff::Unbounded(), kPy, OnlyModel(ModelVersion::kV24));
  auto cfa_base = ComputeRiskScore(dual_base, c.views(), PaidCutoff::Unbounded(), kPy,
                                   OnlyModel(ModelVersion::kV24));
  ASSERT_TRUE(cfa.ok() && cfa_base.ok());
  EXPECT_EQ(Model(*cfa, ModelVersion::kV24).segment, Segment::kCFA);
  EXPECT_EQ(cfa->score - cfa_base->score, Dec("0.173"));
}

TEST(RiskScoreTest, DisabledSegmentNeedsAgeBelow65AndOrecOtherThanZero) {
  // Male born 1960-06-15: 64 on 2025-02-01.
  Member m = MakeMember("M64", "1960-06-15", Sex::kMale, {{"2020-01-01", "2030-12-31"}});
  ClaimSet none;
  RiskModelParams p = OnlyModel(ModelVersion::kV24);
  // No OREC, or OREC 1 (disabled): CND, M60-64 = 0.33 (demographic_factors.tsv V24 CND M 60-64);
  // no originally-disabled term below 65.
  for (const char* orec : {"", "1"}) {
    if (*orec) m.orec = orec;
    auto r = ComputeRiskScore(m, none.views(), PaidCutoff::Unbounded(), kPy, p);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(Model(*r, ModelVersion::kV24).segment, Segment::kCND) << orec;
    EXPECT_EQ(r->score, Dec("0.33")) << orec;
  }
  // OREC 0 (old age) at 64: CMS's DISABL is 0, so the aged segment CNA, whose M60-64 is 0.
  m.orec = "0";
  auto aged = ComputeRiskScore(m, none.views(), PaidCutoff::Unbounded(), kPy, p);
  ASSERT_TRUE(aged.ok());
  EXPECT_EQ(Model(*aged, ModelVersion::kV24).segment, Segment::kCNA);
  EXPECT_EQ(aged->score, Dec("0"));
}

TEST(RiskScoreTest, EsrdAndUnknownSexAreNotScoredWithAReason) {
  ClaimSet c = DiabetesAndHeartFailure();
  Member esrd = MakeMember("E", "1950-01-01", Sex::kMale, {{"2020-01-01", "2030-12-31"}},
                           EnrollmentType::kEsrd);
  auto a = ComputeRiskScore(esrd, c.views(), PaidCutoff::Unbounded(), kPy,
                            DefaultRiskModelParams(kPy, nullptr));
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->scored);
  EXPECT_NE(a->not_scored_reason.find("esrd"), std::string::npos);
  Member unknown = MakeMember("U", "1950-01-01", Sex::kUnknown, {{"2020-01-01", "2030-12-31"}});
  auto b = ComputeRiskScore(unknown, c.views(), PaidCutoff::Unbounded(), kPy,
                            DefaultRiskModelParams(kPy, nullptr));
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->scored);
}

TEST(RiskScoreTest, ParametersTheTablesCannotServeAreErrors) {
  ClaimSet c;
  RiskModelParams v28 = OnlyModel(ModelVersion::kV28);
  auto a = ComputeRiskScore(Woman71(), c.views(), PaidCutoff::Unbounded(), 2023,
                            v28);  // V28 starts with PY2024
  EXPECT_FALSE(a.ok());
  RiskModelParams bad = OnlyModel(ModelVersion::kV24);
  bad.weight_v28 = Dec("0.5");  // weights sum to 1.5
  EXPECT_FALSE(ComputeRiskScore(Woman71(), c.views(), PaidCutoff::Unbounded(), kPy, bad).ok());
}

TEST(RiskScoreTest, ClaimOrderDoesNotChangeTheResultAndTheEarliestClaimSuppliesADiagnosis) {
  ClaimSet c;
  c.Professional("B", {"J449"}, {{"99213", D("2024-08-01")}});
  c.Professional("A", {"J449", "E119"}, {{"99213", D("2024-08-01")}});
  c.Professional("C", {"J449"}, {{"99213", D("2024-02-01")}});
  auto all = c.views();
  std::vector<ClaimView> views(all.begin(), all.end());
  auto first = ComputeRiskScore(Woman71(), views, PaidCutoff::Unbounded(), kPy,
                                DefaultRiskModelParams(kPy, nullptr));
  ASSERT_TRUE(first.ok());
  std::mt19937 rng(20250201);
  for (int i = 0; i < 5; ++i) {
    std::shuffle(views.begin(), views.end(), rng);
    auto again = ComputeRiskScore(Woman71(), views, PaidCutoff::Unbounded(), kPy,
                                  DefaultRiskModelParams(kPy, nullptr));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->score_exact, first->score_exact);
    ASSERT_EQ(again->diagnoses.size(), first->diagnoses.size());
    for (size_t d = 0; d < again->diagnoses.size(); ++d) {
      EXPECT_EQ(again->diagnoses[d].claim_id, first->diagnoses[d].claim_id);
    }
  }
  // J449 is on three claims; the earliest (C, 2024-02-01) supplies it.
  ASSERT_EQ(first->diagnoses.size(), 2u);
  EXPECT_EQ(first->diagnoses[1].code, "J449");
  EXPECT_EQ(first->diagnoses[1].claim_id, "C");
  EXPECT_EQ(first->diagnoses[1].claims, 3);
}

TEST(RiskScoreTest, ExplainJsonCarriesTheTrailWithExactFigures) {
  ClaimSet claims = DiabetesAndHeartFailure();
  auto r = ComputeRiskScore(Woman71(), claims.views(), PaidCutoff::Unbounded(), kPy,
                            DefaultRiskModelParams(kPy, nullptr));
  ASSERT_TRUE(r.ok());
  nlohmann::json j = RiskScoreToJson(*r);
  EXPECT_EQ(j["score"], "0.989");
  EXPECT_EQ(j["score_exact"], "119113183/120488500");  // non-terminating: written as p/q
  EXPECT_EQ(j["models"][0]["model"], "CMS-HCC-V24");
  EXPECT_EQ(j["models"][0]["raw"], "1.14");
  EXPECT_EQ(j["models"][0]["hccs"][1]["hcc"], 19);
  EXPECT_EQ(j["models"][0]["hccs"][1]["trumped_by"], 18);
  EXPECT_EQ(j["diagnoses"][0]["claim_id"], "P1");
  EXPECT_EQ(j["diagnoses"][0]["line"], 1);
}

TEST(RiskScoreTest, ParsesRiskModelParametersOverDefaults) {
  auto p = ParseRiskModelParams(
      nlohmann::json::parse(R"({"weights": {"V24": "0", "V28": "1"}, "coding_adjustment": "0.059",
                                 "round_decimals": null, "collection": "concurrent"})"),
      kPy, "contract C1");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->weight_v28, Rational(1));
  EXPECT_EQ(p->normalization_v28, Dec("1.045"));  // PY2025 default kept
  EXPECT_EQ(p->coding_adjustment, Dec("0.059"));
  EXPECT_FALSE(p->round_decimals.has_value());
  EXPECT_EQ(p->collection, CollectionKind::kConcurrent);
  auto bad_sum = ParseRiskModelParams(nlohmann::json::parse(R"({"weights": {"V24": "0.5"}})"), kPy,
                                      "contract C2");
  EXPECT_FALSE(bad_sum.ok());  // 0.5 + 0.67 != 1
  auto float_value = ParseRiskModelParams(nlohmann::json::parse(R"({"coding_adjustment": 0.059})"),
                                          kPy, "contract C3");
  EXPECT_FALSE(float_value.ok());
  EXPECT_FALSE(ParseRiskModelParams(nlohmann::json::parse(R"({"wieghts": {}})"), kPy, "C4").ok());
}

TEST(RiskScoreTest, RoundHalfUpRoundsTiesAwayFromZero) {
  EXPECT_EQ(RoundHalfUp(Dec("1.0005"), 3), Dec("1.001"));
  EXPECT_EQ(RoundHalfUp(Dec("1.00049"), 3), Dec("1"));
  EXPECT_EQ(RoundHalfUp(Dec("-1.0005"), 3), Dec("-1.001"));
}

TEST(HccTablesTest, ShippedTablesLoadAndCoverTheSupportedYears) {
  const HccTables& t = HccTables::Shipped();
  EXPECT_EQ(t.MappingYears(ModelVersion::kV24), std::make_pair(2019, 2026));
  EXPECT_EQ(t.MappingYears(ModelVersion::kV28), std::make_pair(2024, 2026));
  EXPECT_EQ(t.CptListYearAtMost(2026), 2024);
  EXPECT_FALSE(t.CptListYearAtMost(2018).has_value());
  // B377 maps to two V24 HCCs (cms_hcc__icd_10_cm_mappings.csv, 2025 rows): 2 and 6.
  std::vector<int> h;
  t.HccsOf(ModelVersion::kV24, 2025, "B377", &h);
  EXPECT_EQ(h, (std::vector<int>{2, 6}));
  // The 2019 block of the source repeats the 2024 mapping; only the genuine 2019 rows are
  // kept, so 2019 has no V28 mapping.
  EXPECT_FALSE(t.HasMappingYear(ModelVersion::kV28, 2019));
}

}  // namespace
}  // namespace vbp::rules::hcc
