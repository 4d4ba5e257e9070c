// `vbp import tuva` on the real Tuva synthetic files (/work/shared/data/tuva-synthetic-claims)
// and on small hand-written tables.
#include "connectors/ingest/tuva/tuva_import.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "connectors/files/csv_file.h"

namespace vbp::tuva {
namespace {

const std::string kDir = VBP_SOURCE_DIR "/../shared/data/tuva-synthetic-claims/";

struct Imported {
  generate::StringLineSink members, providers, claims, contracts;
  TuvaImportSummary summary;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}

std::unique_ptr<Imported> ImportTables(const CsvTable& mc, const CsvTable& el, const CsvTable& pr,
                                       TuvaImportOptions options = {}) {
  auto out = std::make_unique<Imported>();
  auto s = ImportTuva(mc, el, pr, options,
                      {&out->members, &out->providers, &out->claims, &out->contracts});
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (s.ok()) out->summary = std::move(*s);
  return out;
}

const Imported& Real() {
  static const auto out = [] {
    auto mc = files::LoadCsvTable(kDir + "medical_claim.csv");
    auto el = files::LoadCsvTable(kDir + "eligibility.csv");
    auto pr = files::LoadCsvTable(kDir + "provider.csv");
    EXPECT_TRUE(mc.ok() && el.ok() && pr.ok());
    return ImportTables(*mc, *el, *pr);
  }();
  return *out;
}

// The record of `key_field` == `key` in NDJSON `text`.
nlohmann::json Find(const std::string& text, const char* key_field, const std::string& key) {
  for (const auto& l : Lines(text)) {
    auto j = nlohmann::json::parse(l);
    if (j[key_field] == key) return j;
  }
  return nullptr;
}

TEST(TuvaImportTest, WritesEveryClaimLineMemberAndProvider) {
  const Imported& o = Real();
  // 2,075 lines / 1,138 claims / 10 persons / 31 spans / 1,050 providers: nothing skipped.
  EXPECT_EQ(o.summary.claims, 1138);
  EXPECT_EQ(o.summary.claim_lines, 2075);
  EXPECT_EQ(o.summary.members, 10);
  EXPECT_EQ(o.summary.providers, 1050);
  EXPECT_EQ(o.summary.contracts, 1);
  EXPECT_EQ(o.summary.rows_skipped, 0);
  EXPECT_EQ(o.claims.lines(), 1138);
  EXPECT_EQ(o.members.lines(), 10);
  EXPECT_EQ(o.providers.lines(), 1050);
  int64_t spans = 0;
  for (const auto& l : Lines(o.members.text()))
    spans += nlohmann::json::parse(l)["coverage"].size();
  EXPECT_EQ(spans, 31);
  const auto& r = o.summary.report;
  EXPECT_EQ(r["claims"]["by_type"]["professional"], 1006);
  EXPECT_EQ(r["claims"]["by_type"]["institutional"], 132);
  EXPECT_EQ(r["claims"]["rendering_npis_not_in_provider_file"], 0);
}

TEST(TuvaImportTest, CountsEveryFallbackAndMissingAmount) {
  const auto& r = Real().summary.report;
  const auto& f = r["fallbacks"];
  // Tuva's billing_tin column is empty: 113 professional lines have a billing NPI, the 500
  // institutional lines a facility NPI, the other 1,462 professional lines only a rendering NPI.
  EXPECT_EQ(f["lines.billing_tin_surrogate_from_billing_npi"], 113);
  EXPECT_EQ(f["lines.billing_tin_surrogate_from_facility_npi"], 500);
  EXPECT_EQ(f["lines.billing_tin_surrogate_from_rendering_npi"], 1462);
  EXPECT_FALSE(f.contains("lines.billing_tin_from_billing_tin"));
  EXPECT_EQ(f["claims.paid_date_missing_set_to_claim_end_date"], 1138);
  EXPECT_EQ(f["lines.service_date_from_claim_start_date"], 500);
  EXPECT_EQ(f["lines.units_missing_set_to_1"], 135);
  // Institutional lines carry no allowed amount; the claim's payment is on one line.
  const auto& a = r["amounts"];
  EXPECT_EQ(a["lines.paid_missing_set_to_0"], 368);
  EXPECT_EQ(a["lines.allowed_missing_set_to_paid"], 132);
  EXPECT_EQ(a["lines.allowed_missing_set_to_0"], 368);
  EXPECT_EQ(a["lines.paid_exceeds_allowed_kept"], 96);
  // "13I" is not a 3-4 digit bill type (4 claims).
  EXPECT_EQ(r["normalisations"]["claims.bill_type_invalid_dropped"], 4);
}

// Claim 1137388 by hand from medical_claim.csv: a DME claim billed by supplier NPI
// 1023285723, no diagnoses, empty units.
TEST(TuvaImportTest, ProfessionalClaimWithBillingNpiMatchesTheCsv) {
  const auto got = Find(Real().claims.text(), "claim_id", "1137388");
  const auto want = nlohmann::json::parse(R"({
    "schema":"vbp.claim/1","claim_id":"1137388","version":1,"frequency":"original",
    "member_id":"10046","billing_tin":"023285723","rendering_npi":"1265424584",
    "claim_type":"professional","from_date":"2016-10-17","through_date":"2016-10-17",
    "paid_date":"2016-10-17","diagnoses":[],"lines":[
    {"line":1,"hcpcs":"A4256","modifiers":[],"units":1,"service_date":"2016-10-17","pos":"12","allowed":"4.00","paid":"3.14"},
    {"line":2,"hcpcs":"A4259","modifiers":[],"units":1,"service_date":"2016-10-17","pos":"12","allowed":"5.68","paid":"4.45"},
    {"line":3,"hcpcs":"A4233","modifiers":[],"units":1,"service_date":"2016-10-17","pos":"12","allowed":"1.02","paid":"0.91"},
    {"line":4,"hcpcs":"A4258","modifiers":[],"units":1,"service_date":"2016-10-17","pos":"12","allowed":"2.68","paid":"2.22"},
    {"line":5,"hcpcs":"A4253","modifiers":[],"units":1,"service_date":"2016-10-17","pos":"12","allowed":"41.64","paid":"32.69"}]})");
  EXPECT_EQ(got, want) << got.dump();
}

// Claim 1040740: a podiatry visit without billing NPI (TIN from the rendering NPI), two
// modifiers, five diagnoses in column order.
TEST(TuvaImportTest, ProfessionalClaimWithModifiersMatchesTheCsv) {
  const auto got = Find(Real().claims.text(), "claim_id", "1040740");
  const auto want = nlohmann::json::parse(R"({
    "schema":"vbp.claim/1","claim_id":"1040740","version":1,"frequency":"original",
    "member_id":"10026","billing_tin":"639262181","rendering_npi":"1639262181",
    "claim_type":"professional","from_date":"2018-03-09","through_date":"2018-03-09",
    "paid_date":"2018-03-09","diagnoses":["B078","B351","M79673","L851","M79672"],"lines":[
    {"line":1,"hcpcs":"11055","modifiers":["Q8","59"],"units":1,"service_date":"2018-03-09","pos":"11","allowed":"44.56","paid":"36.63"},
    {"line":2,"hcpcs":"11720","modifiers":["Q8","59"],"units":1,"service_date":"2018-03-09","pos":"11","allowed":"32.86","paid":"22.61"}]})");
  EXPECT_EQ(got, want) << got.dump();
}

// Claim 1254568: an inpatient stay (bill type 111, DRG 205); the payment is on line 1, line 2
// is the revenue code 0001 total with no amounts; no diagnoses in the file.
TEST(TuvaImportTest, InstitutionalClaimMatchesTheCsv) {
  const auto got = Find(Real().claims.text(), "claim_id", "1254568");
  const auto want = nlohmann::json::parse(R"({
    "schema":"vbp.claim/1","claim_id":"1254568","version":1,"frequency":"original",
    "member_id":"10007","billing_tin":"861435042","rendering_npi":"1366635484",
    "claim_type":"institutional","from_date":"2018-02-20","through_date":"2018-02-23",
    "paid_date":"2018-02-23","diagnoses":[],"facility_npi":"1861435042","bill_type":"111",
    "admission_date":"2018-02-20","discharge_date":"2018-02-23","discharge_status":"01",
    "drg":"205","lines":[
    {"line":1,"modifiers":[],"units":1,"service_date":"2018-02-20","allowed":"5626.82","paid":"5626.82","revenue_code":"0307"},
    {"line":2,"modifiers":[],"units":0,"service_date":"2018-02-20","allowed":"0.00","paid":"0.00","revenue_code":"0001"}]})");
  EXPECT_EQ(got, want) << got.dump();
}

TEST(TuvaImportTest, MembersAndProvidersMatchTheCsv) {
  const Imported& o = Real();
  // person 10017: medicare_status_code 20 (disabled), dual_status_code "2.0" (QMB+).
  EXPECT_EQ(Find(o.members.text(), "member_id", "10017"), nlohmann::json::parse(R"({
    "schema":"vbp.member/1","member_id":"10017","birth_date":"1984-11-23","sex":"M",
    "coverage":[{"from":"2016-01-01","through":"2018-05-31","program":"medicare_ffs","enrollment_type":"disabled"}],
    "orec":"1","medicaid":true})"));
  // person 10113: two spans, medicare_status_code 10 without dual status: aged non-dual.
  EXPECT_EQ(Find(o.members.text(), "member_id", "10113"), nlohmann::json::parse(R"({
    "schema":"vbp.member/1","member_id":"10113","birth_date":"1944-06-08","sex":"M",
    "coverage":[{"from":"2016-01-01","through":"2017-10-31","program":"medicare_ffs","enrollment_type":"aged_nondual"},
                {"from":"2017-12-01","through":"2018-12-31","program":"medicare_ffs","enrollment_type":"aged_nondual"}],
    "orec":"0"})"));
  // A supplier that bills but never renders: its own surrogate TIN; no deactivation date.
  EXPECT_EQ(Find(o.providers.text(), "npi", "1023285723"), nlohmann::json::parse(R"({
    "schema":"vbp.provider/1","npi":"1023285723","tin":"023285723","specialty":"All Other Suppliers",
    "provider_class":"other","effective":"2000-01-01"})"));
  // An internist deactivated on 2006-03-17 who is the attending of one institutional claim
  // (301977, facility NPI 1255328621): the record ends on the deactivation date, and the TIN
  // is the one that claim was billed under.
  EXPECT_EQ(Find(o.providers.text(), "npi", "1154326387"), nlohmann::json::parse(R"({
    "schema":"vbp.provider/1","npi":"1154326387","tin":"255328621","specialty":"Internal Medicine",
    "provider_class":"pcp","effective":"2000-01-01","termination":"2006-03-17"})"));
  EXPECT_EQ(Find(o.providers.text(), "npi", "1366635484")["provider_class"], "specialist");
  EXPECT_EQ(Find(o.providers.text(), "npi", "1265424584")["provider_class"], "pcp");
  EXPECT_EQ(Find(o.providers.text(), "npi", "1861435042")["provider_class"], "other");
}

TEST(TuvaImportTest, ContractTakesTheBusiestPrimaryCareUnitsOfTheBusiestYear) {
  const Imported& o = Real();
  const auto c = nlohmann::json::parse(Lines(o.contracts.text()).at(0));
  EXPECT_EQ(c["contract_id"], "TUVA-2018");
  EXPECT_EQ(c["performance_year"], 2018);  // 805 lines in 2018, 679 in 2017, 591 in 2016
  EXPECT_EQ(c["rule_set"], "vbp-reference@2025.1");
  const auto& cand = o.summary.report["contract"]["candidates"];
  std::vector<std::string> want;
  for (const auto& x : cand) {
    if (x["in_contract"]) want.push_back(x["tin"]);
  }
  std::sort(want.begin(), want.end());
  EXPECT_EQ(c["tins"].get<std::vector<std::string>>(), want);
  EXPECT_EQ(want.size(), 5u);
  TuvaImportOptions options;
  options.year = 2017;
  options.contract_tins = 2;
  auto mc = files::LoadCsvTable(kDir + "medical_claim.csv");
  auto el = files::LoadCsvTable(kDir + "eligibility.csv");
  auto pr = files::LoadCsvTable(kDir + "provider.csv");
  const auto y = ImportTables(*mc, *el, *pr, options);
  const auto c2 = nlohmann::json::parse(Lines(y->contracts.text()).at(0));
  EXPECT_EQ(c2["performance_year"], 2017);
  EXPECT_EQ(c2["tins"].size(), 2u);
}

TEST(TuvaImportTest, OutputIsDeterministic) {
  auto mc = files::LoadCsvTable(kDir + "medical_claim.csv");
  auto el = files::LoadCsvTable(kDir + "eligibility.csv");
  auto pr = files::LoadCsvTable(kDir + "provider.csv");
  const auto again = ImportTables(*mc, *el, *pr);
  EXPECT_EQ(again->claims.text(), Real().claims.text());
  EXPECT_EQ(again->members.text(), Real().members.text());
  EXPECT_EQ(again->providers.text(), Real().providers.text());
  EXPECT_EQ(again->summary.report.dump(), Real().summary.report.dump());
}

// Small hand-written tables: skipped rows are reported with their reasons and lines.
TEST(TuvaImportTest, SkipsBadRowsWithReasons) {
  auto mc = CsvTable::Parse(
      "claim_id,claim_line_number,claim_type,person_id,claim_start_date,claim_end_date,"
      "hcpcs_code,place_of_service_code,rendering_npi,paid_amount,allowed_amount,billing_tin\n"
      "A,1,professional,P1,2025-01-02,2025-01-02,99213,11,1234567893,70.00,90.00,12-3456789\n"
      "A,1,professional,P1,2025-01-02,2025-01-02,99214,11,1234567893,70.00,90.00,\n"
      "B,1,dental,P1,2025-01-02,2025-01-02,D0120,11,1234567893,1.00,1.00,\n"
      "C,x,professional,P1,2025-01-02,2025-01-02,99213,11,1234567893,1.00,1.00,\n"
      "D,1,professional,P1,2025-01-02,2025-01-02,99213,,,1.00,abc,\n",
      "mc.csv");
  auto el = CsvTable::Parse(
      "person_id,birth_date,gender,enrollment_start_date,enrollment_end_date,payer_type,"
      "medicare_status_code,dual_status_code,original_reason_entitlement_code\n"
      "P1,1950-01-01,female,2025-01-01,,medicare,,,0\n"
      "P2,1950-02-30,male,2025-01-01,2025-12-31,medicare,10,,0\n"
      "P3,1980-02-01,male,2025-01-01,2025-12-31,medicare advantage,21,02,1\n",
      "el.csv");
  auto pr = CsvTable::Parse(
      "npi,entity_type_code,primary_taxonomy_code\n1234567893,1,207Q00000X\n12345,1,\n", "pr.csv");
  ASSERT_TRUE(mc.ok() && el.ok() && pr.ok());
  const auto o = ImportTables(*mc, *el, *pr);
  const auto& sk = o->summary.report["skipped"];
  EXPECT_EQ(
      sk["medical_claim: claim_line_number repeated within the claim (line skipped)"]["count"], 1);
  EXPECT_EQ(
      sk["medical_claim: claim_type is neither professional nor institutional (claim skipped)"]
        ["count"],
      1);
  EXPECT_EQ(
      sk["medical_claim: claim_line_number is not a positive integer (line skipped)"]["count"], 1);
  EXPECT_EQ(sk["medical_claim: no usable line (claim skipped)"]["count"], 1);
  EXPECT_EQ(sk["medical_claim: no rendering, billing or facility NPI (claim skipped)"]["count"], 1);
  EXPECT_EQ(sk["eligibility: birth_date missing or not a date (row skipped)"]["count"], 1);
  EXPECT_EQ(
      sk["eligibility: birth_date missing or not a date (row skipped)"]["examples"][0]["line"], 3);
  EXPECT_EQ(sk["provider: npi is not 10 digits"]["count"], 1);
  EXPECT_EQ(o->summary.claims, 1);  // only A, with its first line 1
  const auto a = nlohmann::json::parse(Lines(o->claims.text()).at(0));
  EXPECT_EQ(a["billing_tin"], "123456789");  // the billing_tin column, hyphen removed
  EXPECT_EQ(a["lines"].size(), 1u);
  EXPECT_EQ(a["lines"][0]["hcpcs"], "99213");
  EXPECT_EQ(o->summary.report["amounts"]["lines.allowed_amount_unreadable"], 1);
  // P1: no status code, aged by age; open coverage. P3: MA, ESRD (status 21), dual.
  const auto p1 = Find(o->members.text(), "member_id", "P1");
  EXPECT_EQ(p1["coverage"][0]["through"], "2199-12-31");
  EXPECT_EQ(p1["coverage"][0]["enrollment_type"], "aged_nondual");
  const auto p3 = Find(o->members.text(), "member_id", "P3");
  EXPECT_EQ(p3["coverage"][0]["program"], "medicare_advantage");
  EXPECT_EQ(p3["coverage"][0]["enrollment_type"], "esrd");
  EXPECT_EQ(p3["medicaid"], true);
}

TEST(TuvaImportTest, FailsWhenARequiredColumnIsMissing) {
  auto mc = CsvTable::Parse("claim_id,person_id\nA,P\n", "mc.csv");
  auto el = CsvTable::Parse("person_id,birth_date,enrollment_start_date\n", "el.csv");
  auto pr = CsvTable::Parse("npi\n", "pr.csv");
  generate::StringLineSink a, b, c, d;
  auto s = ImportTuva(*mc, *el, *pr, {}, {&a, &b, &c, &d});
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("claim_line_number"), std::string::npos);
}

TEST(TuvaMappingTest, ProviderClassFromTaxonomy) {
  EXPECT_EQ(ProviderClassOf("207Q00000X", "1"), ProviderClass::kPcp);
  EXPECT_EQ(ProviderClassOf("207R00000X", "1"), ProviderClass::kPcp);
  EXPECT_EQ(ProviderClassOf("207RG0300X", "1"), ProviderClass::kPcp);
  EXPECT_EQ(ProviderClassOf("208D00000X", "1"), ProviderClass::kPcp);
  EXPECT_EQ(ProviderClassOf("208000000X", "1"), ProviderClass::kPcp);
  EXPECT_EQ(ProviderClassOf("363L00000X", "1"), ProviderClass::kNpp);
  EXPECT_EQ(ProviderClassOf("363AM0700X", "1"), ProviderClass::kNpp);
  EXPECT_EQ(ProviderClassOf("364SA2100X", "1"), ProviderClass::kNpp);
  EXPECT_EQ(ProviderClassOf("207RC0000X", "1"), ProviderClass::kSpecialist);
  EXPECT_EQ(ProviderClassOf("2085R0202X", "1"), ProviderClass::kSpecialist);
  EXPECT_EQ(ProviderClassOf("213ES0103X", "1"), ProviderClass::kOther);
  EXPECT_EQ(ProviderClassOf("282N00000X", "2"), ProviderClass::kOther);
  EXPECT_EQ(ProviderClassOf("207Q00000X", "2"), ProviderClass::kOther);
  EXPECT_EQ(ProviderClassOf("", ""), ProviderClass::kOther);
}

TEST(TuvaMappingTest, EnrollmentTypeFromMedicareStatusCode) {
  EXPECT_EQ(EnrollmentTypeOf("10", false, "0", 70), EnrollmentType::kAgedNondual);
  EXPECT_EQ(EnrollmentTypeOf("10", true, "0", 70), EnrollmentType::kAgedDual);
  EXPECT_EQ(EnrollmentTypeOf("11", false, "0", 70), EnrollmentType::kEsrd);
  EXPECT_EQ(EnrollmentTypeOf("20", true, "1", 50), EnrollmentType::kDisabled);
  EXPECT_EQ(EnrollmentTypeOf("21", false, "1", 50), EnrollmentType::kEsrd);
  EXPECT_EQ(EnrollmentTypeOf("31", false, "2", 50), EnrollmentType::kEsrd);
  EXPECT_EQ(EnrollmentTypeOf("", false, "2", 70), EnrollmentType::kEsrd);
  EXPECT_EQ(EnrollmentTypeOf("", false, "1", 60), EnrollmentType::kDisabled);
  EXPECT_EQ(EnrollmentTypeOf("", true, "1", 66), EnrollmentType::kAgedDual);
  EXPECT_TRUE(IsDualStatus("2.0"));
  EXPECT_TRUE(IsDualStatus("08"));
  EXPECT_FALSE(IsDualStatus("00"));
  EXPECT_FALSE(IsDualStatus("09"));
  EXPECT_FALSE(IsDualStatus(""));
  EXPECT_EQ(SurrogateTin("1234567893"), "234567893");
}

TEST(TuvaImportTest, DISABLED_PrintReport) {
  std::printf("%s\n", Real().summary.report.dump(2).c_str());
  std::printf("%s", Real().contracts.text().c_str());
  std::printf("%s", Real().members.text().c_str());
}

}  // namespace
}  // namespace vbp::tuva
