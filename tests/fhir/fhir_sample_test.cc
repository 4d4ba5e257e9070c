// `vbp import fhir` on the shared Blue Button STU3 sample (BCDA sandbox, CMSgov/bcda-app
// shared_files): 33 carrier EOBs, 1 Patient, 3 Coverage. Expected figures were computed
// independently of the importer with python3's json + decimal over the same files:
// 33 distinct clm_id, 52 items, line_nch_pmt_amt 1970, line_alowd_chrg_amt 2470.
#include <gtest/gtest.h>

#include "connectors/ingest/fhir/fhir_import.h"
#include "domain/decimal.h"
#include "tests/fhir/fhir_test_util.h"

namespace vbp::fhir {
namespace {

using testing::ExpectCountsAddUp;
using testing::Import;
using testing::Records;

const std::string kDir = VBP_SOURCE_DIR "/../shared/data/bcda-synthetic/";

std::vector<FhirSource> Sample() {
  std::vector<FhirSource> files;
  for (const char* name :
       {"bb-stu3-Coverage.json", "bb-stu3-ExplanationOfBenefit.json", "bb-stu3-Patient.json"}) {
    auto f = LoadFile(kDir + name);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    if (f.ok()) files.push_back(std::move(*f));
  }
  return files;
}

TEST(FhirSampleTest, Stu3SampleAsGivenHasNoProviderIdentityAndIsRejectedWithItsPaidCounted) {
  auto o = Import(Sample());
  const auto& rep = o->summary.report;
  EXPECT_EQ(rep["totals"]["ExplanationOfBenefit"]["read"], 33);
  EXPECT_EQ(rep["totals"]["ExplanationOfBenefit"]["rejected"], 33);
  EXPECT_EQ(rep["rejects_by_reason"]["careTeam: no rendering provider NPI"], 33);
  EXPECT_EQ(rep["claims"]["rejected_eob_lines_read"], 52);
  EXPECT_EQ(rep["claims"]["rejected_eob_paid_read"], "1970.00");
  const auto rejects = Records(o->rejects);
  ASSERT_EQ(rejects.size(), 33u);
  EXPECT_EQ(rejects[0]["source"], kDir + "bb-stu3-ExplanationOfBenefit.json");
  EXPECT_EQ(rejects[0]["entry"], 0);
  EXPECT_EQ(rejects[0]["resource"], "ExplanationOfBenefit/carrier-10300336722");
  // The beneficiary: MBI as member id; Part A and Part B (ms_cd 10, no dual code, no period)
  // make one open aged span from the birth date; Part D is out of scope.
  const auto members = Records(o->members);
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0], nlohmann::json::parse(R"({"schema":"vbp.member/1",
      "member_id":"-1Q03Z002871","birth_date":"1999-06-01","sex":"F","coverage":[
      {"from":"1999-06-01","through":"2199-12-31","program":"medicare_ffs",
       "enrollment_type":"aged_nondual"}],"orec":"0"})"));
  EXPECT_EQ(rep["totals"]["Coverage"]["mapped"], 2);
  EXPECT_EQ(rep["totals"]["Coverage"]["out_of_scope"], 1);
  ExpectCountsAddUp(*o);
}

// The sample with what real BCDA carrier claims carry and the sandbox omits: a performing
// care-team NPI with its tax_num (Blue Button's extension) on every EOB.
std::vector<FhirSource> SampleWithProviders() {
  std::vector<FhirSource> files = Sample();
  auto bundle = nlohmann::json::parse(files[1].text);
  for (auto& entry : bundle["entry"]) {
    auto& eob = entry["resource"];
    for (const auto& item : eob["item"]) {  // integers only: a plain parse keeps them exact
      for (const auto& adj : item["adjudication"]) {
        if (adj.contains("amount")) {
          EXPECT_TRUE(adj["amount"]["value"].is_number_integer());
        }
      }
    }
    eob["careTeam"] = nlohmann::json::parse(R"([{"sequence":1,
      "extension":[{"url":"https://bluebutton.cms.gov/resources/variables/tax_num",
                    "valueCoding":{"code":"123456789"}}],
      "provider":{"identifier":{"system":"http://hl7.org/fhir/sid/us-npi","value":"1245319599"}},
      "role":{"coding":[{"system":"http://hl7.org/fhir/claimcareteamrole","code":"primary"}]}}])");
  }
  files[1].text = bundle.dump();
  return files;
}

TEST(FhirSampleTest, Stu3SampleWithProvidersGivesEveryClaimLineAndDollar) {
  auto o = Import(SampleWithProviders());
  const auto claims = Records(o->claims);
  ASSERT_EQ(claims.size(), 33u) << o->rejects.text();
  int64_t lines = 0;
  Money paid, allowed;
  std::set<std::string> ids;
  for (const auto& c : claims) {
    ids.insert(c["claim_id"].get<std::string>());
    EXPECT_EQ(c["version"], 1);
    EXPECT_EQ(c["claim_type"], "professional");    // eob-type CARRIER
    EXPECT_EQ(c["paid_date"], c["through_date"]);  // no payment.date, no weekly process date
    for (const auto& l : c["lines"]) {
      ++lines;
      paid += *Money::Parse(l["paid"].get<std::string>());
      allowed += *Money::Parse(l["allowed"].get<std::string>());
    }
  }
  EXPECT_EQ(ids.size(), 33u);
  EXPECT_EQ(lines, 52);
  EXPECT_EQ(paid.ToString(), "1970.00");
  EXPECT_EQ(allowed.ToString(), "2470.00");
  EXPECT_EQ(claims[0]["claim_id"], "10300336722");  // clm_id, not "carrier-10300336722"
  EXPECT_EQ(claims[0]["member_id"], "-1Q03Z002871");
  EXPECT_EQ(claims[0]["diagnoses"], nlohmann::json({"2113", "9999999"}));  // ICD-9, as given
  EXPECT_EQ(claims[0]["lines"][0]["hcpcs"], "45384");
  EXPECT_EQ(claims[0]["lines"][0]["pos"], "99");
  EXPECT_EQ(claims[0]["lines"][0]["paid"], "250.00");
  EXPECT_EQ(claims[0]["lines"][0]["allowed"], "300.00");
  const auto& rep = o->summary.report;
  EXPECT_EQ(rep["claims"]["paid_total_written"], "1970.00");
  EXPECT_EQ(rep["assumptions"]["paid_date from billablePeriod.end (no payment.date)"], 33);
  EXPECT_EQ(rep["totals"]["ExplanationOfBenefit"]["mapped"], 33);
  ExpectCountsAddUp(*o);
}

}  // namespace
}  // namespace vbp::fhir
