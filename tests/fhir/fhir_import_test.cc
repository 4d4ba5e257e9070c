// `vbp import fhir` on hand-written R4 CARIN Blue Button resources: one EOB mapped field by
// field, replacement chains and cancellations, exact money, rejects, patients and coverage.
#include "connectors/ingest/fhir/fhir_import.h"

#include <gtest/gtest.h>

#include "connectors/ingest/fhir/fhir_json.h"
#include "tests/fhir/fhir_test_util.h"

namespace vbp::fhir {
namespace {

using testing::ExpectCountsAddUp;
using testing::Import;
using testing::Records;

// Pretty JSON in the test -> one NDJSON line (drops newlines and the indentation after them).
std::string OneLine(std::string_view pretty) {
  std::string out;
  bool skip = false;
  for (char c : pretty) {
    if (c == '\n') {
      skip = true;
      continue;
    }
    if (skip && c == ' ') continue;
    skip = false;
    out.push_back(c);
  }
  return out;
}

constexpr std::string_view kPatient = R"({"resourceType":"Patient","id":"p1",
  "identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203",
  "code":"MC"}]},"system":"http://hl7.org/fhir/sid/us-mbi","value":"1EG4TE5MK73"}],
  "gender":"female","birthDate":"1950-04-02"})";

// A professional EOB as a CARIN BB payer writes it: the billing TIN on a contained
// Organization, a referring and a performing care-team member, diagnoses out of order.
constexpr std::string_view kEob = R"({"resourceType":"ExplanationOfBenefit","id":"eob-1",
  "meta":{"lastUpdated":"2025-03-01T00:00:00Z"},
  "contained":[{"resourceType":"Organization","id":"org1","identifier":[
    {"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"TAX"}]},
     "system":"urn:oid:2.16.840.1.113883.4.4","value":"12-3456789"},
    {"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"NPI"}]},
     "system":"http://hl7.org/fhir/sid/us-npi","value":"1999999984"}]}],
  "identifier":[{"type":{"coding":[{"system":
    "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBIdentifierType","code":"uc"}]},
    "system":"https://payer.example/claim","value":"CLM-100"}],
  "status":"active",
  "type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/claim-type",
    "code":"professional"}]},
  "use":"claim","created":"2025-02-20T10:00:00Z",
  "patient":{"reference":"Patient/p1"},
  "billablePeriod":{"start":"2025-02-03","end":"2025-02-04"},
  "provider":{"reference":"#org1"},
  "careTeam":[
    {"sequence":1,"provider":{"identifier":{"system":"http://hl7.org/fhir/sid/us-npi",
      "value":"1234567893"}},"role":{"coding":[{"system":
      "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBClaimCareTeamRole","code":"referring"}]}},
    {"sequence":2,"provider":{"identifier":{"system":"http://hl7.org/fhir/sid/us-npi",
      "value":"1245319599"}},"role":{"coding":[{"system":
      "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBClaimCareTeamRole","code":"performing"}]},
      "qualification":{"coding":[{"system":
      "https://bluebutton.cms.gov/resources/variables/prvdr_spclty","code":"08"}]}}],
  "diagnosis":[
    {"sequence":2,"diagnosisCodeableConcept":{"coding":[{"system":
      "http://hl7.org/fhir/sid/icd-10-cm","code":"E11.9"}]}},
    {"sequence":3,"diagnosisCodeableConcept":{"coding":[{"system":
      "http://hl7.org/fhir/sid/icd-10-cm","code":"Z00.00"}]}},
    {"sequence":1,"diagnosisCodeableConcept":{"coding":[{"system":
      "http://hl7.org/fhir/sid/icd-10-cm","code":"I10"}]},"type":[{"coding":[{"system":
      "http://terminology.hl7.org/CodeSystem/ex-diagnosistype","code":"principal"}]}]}],
  "item":[
    {"sequence":1,"careTeamSequence":[2],
     "productOrService":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"99214"}]},
     "modifier":[{"coding":[{"code":"25"}]}],"servicedDate":"2025-02-03",
     "locationCodeableConcept":{"coding":[{"code":"11"}]},"quantity":{"value":1},
     "adjudication":[
       {"category":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/adjudication",
         "code":"submitted"}]},"amount":{"value":200.00,"currency":"USD"}},
       {"category":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/adjudication",
         "code":"eligible"}]},"amount":{"value":126.40,"currency":"USD"}},
       {"category":{"coding":[{"system":
         "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudication",
         "code":"paidtoprovider"}]},"amount":{"value":99.06,"currency":"USD"}}]},
    {"sequence":2,"productOrService":{"coding":[{"code":"36415"}]},
     "servicedPeriod":{"start":"2025-02-04","end":"2025-02-04"},
     "locationCodeableConcept":{"coding":[{"code":"11"}]},"quantity":{"value":2.5},
     "adjudication":[
       {"category":{"coding":[{"code":"eligible"}]},"amount":{"value":10.10}},
       {"category":{"coding":[{"code":"benefit"}]},"amount":{"value":8.08}}]}],
  "payment":{"date":"2025-02-21","amount":{"value":107.14,"currency":"USD"}}})";

FhirSource Ndjson(std::string name, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return {std::move(name), std::move(text)};
}

TEST(FhirImportTest, MapsOneR4EobFieldByField) {
  auto o = Import({Ndjson("Patient.ndjson", {OneLine(kPatient)}),
                   Ndjson("ExplanationOfBenefit.ndjson", {OneLine(kEob)})});
  const auto claims = Records(o->claims);
  ASSERT_EQ(claims.size(), 1u) << o->rejects.text();
  const auto& c = claims[0];
  EXPECT_EQ(c["schema"], "vbp.claim/1");
  EXPECT_EQ(c["claim_id"], "CLM-100");  // the uc identifier, not the resource id
  EXPECT_EQ(c["version"], 1);
  EXPECT_EQ(c["frequency"], "original");
  EXPECT_EQ(c["member_id"], "1EG4TE5MK73");     // Patient/p1 resolved to its MBI
  EXPECT_EQ(c["billing_tin"], "123456789");     // contained Organization's TAX id, hyphen gone
  EXPECT_EQ(c["rendering_npi"], "1245319599");  // performing, linked from item[0]
  EXPECT_EQ(c["claim_type"], "professional");
  EXPECT_EQ(c["from_date"], "2025-02-03");
  EXPECT_EQ(c["through_date"], "2025-02-04");
  EXPECT_EQ(c["paid_date"], "2025-02-21");
  EXPECT_EQ(c["diagnoses"], nlohmann::json({"I10", "E11.9", "Z00.00"}));  // principal first
  ASSERT_EQ(c["lines"].size(), 2u);
  EXPECT_EQ(c["lines"][0], nlohmann::json::parse(R"({"line":1,"hcpcs":"99214","modifiers":["25"],
      "units":"1","service_date":"2025-02-03","pos":"11","allowed":"126.40","paid":"99.06"})"));
  EXPECT_EQ(c["lines"][1], nlohmann::json::parse(R"({"line":2,"hcpcs":"36415","modifiers":[],
      "units":"2.5","service_date":"2025-02-04","pos":"11","allowed":"10.10","paid":"8.08"})"));
  EXPECT_FALSE(c.contains("facility_npi"));
  // One provider from the care team: the performing NPI, under the claim's TIN, family
  // practice (CMS 08) -> pcp. The referring NPI bills nothing and has no TIN: skipped.
  const auto providers = Records(o->providers);
  ASSERT_EQ(providers.size(), 1u);
  EXPECT_EQ(providers[0]["npi"], "1245319599");
  EXPECT_EQ(providers[0]["tin"], "123456789");
  EXPECT_EQ(providers[0]["specialty"], "08");
  EXPECT_EQ(providers[0]["provider_class"], "pcp");
  EXPECT_EQ(o->summary.report["providers"]["care_team_npis_without_tin_skipped"], 1);
  EXPECT_EQ(o->rejects.lines(), 0);
  ExpectCountsAddUp(*o);
}

// A carrier claim in Blue Button 2.0 (R4, BCDA v2) shape: claim number in clm_id, the NPI typed
// with C4BB's lower-case "npi", tax_num on the line, Medicare and provider payments both given,
// the paid date only in the weekly process date extension.
constexpr std::string_view kBb2Carrier = R"({"resourceType":"ExplanationOfBenefit",
  "id":"carrier-5555","extension":[{"url":
  "https://bluebutton.cms.gov/resources/variables/nch_wkly_proc_dt","valueDate":"2021-07-09"}],
  "identifier":[{"system":"https://bluebutton.cms.gov/resources/variables/clm_id",
    "value":"5555"},{"system":"https://bluebutton.cms.gov/resources/identifier/claim-group",
    "value":"900"}],
  "status":"active","type":{"coding":[
    {"system":"https://bluebutton.cms.gov/resources/variables/nch_clm_type_cd","code":"71"},
    {"system":"https://bluebutton.cms.gov/resources/codesystem/eob-type","code":"CARRIER"},
    {"system":"http://terminology.hl7.org/CodeSystem/claim-type","code":"professional"}]},
  "patient":{"reference":"Patient/p1"},
  "billablePeriod":{"start":"2021-06-30","end":"2021-06-30"},
  "careTeam":[{"sequence":1,"provider":{"identifier":{"type":{"coding":[{"system":
    "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBIdentifierType","code":"npi"}]},
    "value":"1245319599"}},"role":{"coding":[{"system":
    "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBClaimCareTeamRole","code":"performing"}]},
    "qualification":{"coding":[{"system":
    "https://bluebutton.cms.gov/resources/variables/prvdr_spclty","code":"50"}]}}],
  "item":[{"sequence":1,"careTeamSequence":[1],"extension":[{"url":
    "https://bluebutton.cms.gov/resources/variables/tax_num","valueCoding":{"code":"987654321"}}],
    "productOrService":{"coding":[{"system":
    "https://bluebutton.cms.gov/resources/codesystem/hcpcs","code":"99213"}]},
    "servicedPeriod":{"start":"2021-06-30","end":"2021-06-30"},
    "locationCodeableConcept":{"coding":[{"system":
    "https://bluebutton.cms.gov/resources/variables/line_place_of_srvc_cd","code":"11"}]},
    "quantity":{"value":1},
    "adjudication":[
      {"category":{"coding":[{"system":"http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudication",
        "code":"paidtoprovider"},{"system":
        "https://bluebutton.cms.gov/resources/codesystem/adjudication","code":
        "https://bluebutton.cms.gov/resources/variables/line_prvdr_pmt_amt"}]},
        "amount":{"value":70.11,"currency":"USD"}},
      {"category":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/adjudication",
        "code":"benefit"},{"system":
        "https://bluebutton.cms.gov/resources/codesystem/adjudication","code":
        "https://bluebutton.cms.gov/resources/variables/line_nch_pmt_amt"}]},
        "amount":{"value":72.33,"currency":"USD"}},
      {"category":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/adjudication",
        "code":"eligible"},{"system":
        "https://bluebutton.cms.gov/resources/codesystem/adjudication","code":
        "https://bluebutton.cms.gov/resources/variables/line_alowd_chrg_amt"}]},
        "amount":{"value":92.27,"currency":"USD"}}]}]})";

TEST(FhirImportTest, MapsABlueButton2CarrierClaim) {
  auto o = Import({Ndjson("Patient.ndjson", {OneLine(kPatient)}),
                   Ndjson("eob.ndjson", {OneLine(kBb2Carrier)})});
  const auto claims = Records(o->claims);
  ASSERT_EQ(claims.size(), 1u) << o->rejects.text();
  const auto& c = claims[0];
  EXPECT_EQ(c["claim_id"], "5555");
  EXPECT_EQ(c["rendering_npi"], "1245319599");
  EXPECT_EQ(c["billing_tin"], "987654321");   // the line's tax_num
  EXPECT_EQ(c["paid_date"], "2021-07-09");    // nch_wkly_proc_dt
  EXPECT_EQ(c["lines"][0]["paid"], "72.33");  // the Medicare payment, not the provider's part
  EXPECT_EQ(c["lines"][0]["allowed"], "92.27");
  const auto providers = Records(o->providers);
  ASSERT_EQ(providers.size(), 1u);
  EXPECT_EQ(providers[0]["provider_class"], "npp");  // CMS specialty 50: nurse practitioner
  EXPECT_EQ(o->summary.report["assumptions"]
                             ["paid_date from the NCH weekly process date (nch_wkly_proc_dt)"],
            1);
  ExpectCountsAddUp(*o);
}

// An EOB with its identifier, created date and status/related replaced.
std::string Version(std::string_view id, std::string_view claim, std::string_view created,
                    std::string_view status, std::string_view related) {
  auto j = ParseJsonPreservingNumbers(OneLine(kEob));
  EXPECT_TRUE(j.ok());
  std::string text = OneLine(kEob);
  auto replace = [&](std::string_view from, std::string_view to) {
    const size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  };
  replace(R"("id":"eob-1")", std::string(R"("id":")") + std::string(id) + "\"");
  replace(R"("value":"CLM-100")", std::string(R"("value":")") + std::string(claim) + "\"");
  replace(R"("created":"2025-02-20T10:00:00Z")",
          std::string(R"("created":")") + std::string(created) + "\"");
  replace(R"("status":"active")",
          std::string(R"("status":")") + std::string(status) + "\"" + std::string(related));
  return text;
}

std::string Prior(std::string_view target) {
  return std::string(R"(,"related":[{"claim":{"reference":"ExplanationOfBenefit/)") +
         std::string(target) +
         R"("},"relationship":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship","code":"prior"}]}}])";
}

TEST(FhirImportTest, ReplacementChainAndCancellationBecomeVersionsAndVoid) {
  // Delivered out of order: the cancellation first, the original last. The replacement
  // carries a new claim number (as some payers do): the chain keeps the original's.
  const std::string original = Version("a", "CLM-7", "2025-01-10", "active", "");
  const std::string replacement = Version("b", "CLM-7R", "2025-02-01", "active", Prior("a"));
  const std::string cancel = Version("c", "CLM-7R", "2025-01-01", "cancelled", Prior("b"));
  auto o = Import({Ndjson("Patient.ndjson", {OneLine(kPatient)}),
                   Ndjson("eob.ndjson", {cancel, replacement, original, original})});
  const auto claims = Records(o->claims);
  ASSERT_EQ(claims.size(), 4u) << o->rejects.text();
  // Input order kept; the version comes from the chain, not from `created` (c is older).
  EXPECT_EQ(claims[0]["claim_id"], "CLM-7");
  EXPECT_EQ(claims[0]["version"], 3);
  EXPECT_EQ(claims[0]["frequency"], "void");
  EXPECT_EQ(claims[1]["claim_id"], "CLM-7");
  EXPECT_EQ(claims[1]["version"], 2);
  EXPECT_EQ(claims[1]["frequency"], "replacement");
  EXPECT_EQ(claims[2]["version"], 1);
  EXPECT_EQ(claims[2]["frequency"], "original");
  EXPECT_EQ(claims[3], claims[2]);  // the same resource twice: the same version, a no-op
  EXPECT_EQ(o->summary.voids, 1);
  EXPECT_EQ(o->summary.report["claims"]["claim_ids_written"], 1);
  ExpectCountsAddUp(*o);
}

TEST(FhirImportTest, ReplacedByAndIdentifierReferencesLinkVersionsToo) {
  // "a" says it is replaced by "b" (C4BB replacedby); "c" names its prior by claim identifier.
  const std::string replaced_by =
      R"(,"related":[{"claim":{"reference":"ExplanationOfBenefit/b"},"relationship":{"coding":[{"code":"replacedby"}]}}])";
  const std::string by_identifier =
      R"(,"related":[{"claim":{"identifier":{"value":"CLM-B"}},"relationship":{"coding":[{"code":"replaces"}]}}])";
  const std::string a = Version("a", "CLM-A", "2025-03-01", "active", replaced_by);
  const std::string b = Version("b", "CLM-B", "2025-01-01", "active", "");
  const std::string c = Version("c", "CLM-C", "2025-02-01", "active", by_identifier);
  auto o = Import({Ndjson("Patient.ndjson", {OneLine(kPatient)}), Ndjson("e.ndjson", {c, b, a})});
  const auto claims = Records(o->claims);
  ASSERT_EQ(claims.size(), 3u) << o->rejects.text();
  // Chain a -> b -> c although created says b, c, a.
  EXPECT_EQ(claims[0]["version"], 3);
  EXPECT_EQ(claims[1]["version"], 2);
  EXPECT_EQ(claims[2]["version"], 1);
  for (const auto& cl : claims) EXPECT_EQ(cl["claim_id"], "CLM-A");
}

TEST(FhirImportTest, WithoutRelatedVersionsFollowCreatedThenLastUpdatedThenId) {
  // Three EOBs sharing a claim identifier and no `related`: ordered by created; the two
  // created the same day by resource id.
  const std::string x = Version("x", "CLM-9", "2025-03-01", "active", "");
  const std::string y = Version("y", "CLM-9", "2025-02-01", "active", "");
  const std::string w = Version("w", "CLM-9", "2025-03-01", "active", "");
  auto o = Import({Ndjson("Patient.ndjson", {OneLine(kPatient)}), Ndjson("e.ndjson", {x, y, w})});
  const auto claims = Records(o->claims);
  ASSERT_EQ(claims.size(), 3u);
  EXPECT_EQ(claims[0]["version"], 3);  // x: 2025-03-01, id x > w
  EXPECT_EQ(claims[1]["version"], 1);  // y: the earliest
  EXPECT_EQ(claims[2]["version"], 2);  // w
}

// The EOB with its first line's paid amount literal replaced.
std::string WithPaid(std::string_view id, std::string_view literal) {
  std::string text = Version(id, std::string("M-") + std::string(id), "2025-01-01", "active", "");
  const std::string from = R"("value":99.06)";
  text.replace(text.find(from), from.size(), std::string(R"("value":)") + std::string(literal));
  return text;
}

TEST(FhirImportTest, MoneyKeepsItsExactDecimalText) {
  auto o = Import({Ndjson("Patient.ndjson", {OneLine(kPatient)}),
                   Ndjson("e.ndjson", {WithPaid("m1", "123.45"), WithPaid("m2", "0.30"),
                                       WithPaid("m3", "99999999.99"), WithPaid("m4", "0.1")})});
  const auto claims = Records(o->claims);
  ASSERT_EQ(claims.size(), 4u) << o->rejects.text();
  EXPECT_EQ(claims[0]["lines"][0]["paid"], "123.45");
  EXPECT_EQ(claims[1]["lines"][0]["paid"], "0.30");
  EXPECT_EQ(claims[2]["lines"][0]["paid"], "99999999.99");
  EXPECT_EQ(claims[3]["lines"][0]["paid"], "0.10");
  // 123.45 + 0.30 + 99999999.99 + 0.10 + 4 × 8.08 (second lines), exactly: in doubles the
  // sum of these literals is 100000156.16000001.
  EXPECT_EQ(o->summary.report["claims"]["paid_total_written"], "100000156.16");
}

TEST(FhirImportTest, NumberPreservingParseKeepsLiterals) {
  auto j = ParseJsonPreservingNumbers(R"({"a":0.30,"b":12,"c":-1e2,"d":"0.1","e":[1.10]})");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(DecimalText(Field(*j, "a")), "0.30");
  EXPECT_EQ(DecimalText(Field(*j, "b")), "12");
  EXPECT_EQ(DecimalText(Field(*j, "c")), "-1e2");
  EXPECT_EQ(DecimalText(&(*j)["e"][0]), "1.10");
  EXPECT_FALSE(ParseJsonPreservingNumbers(R"({"a":)").ok());
}

// A line that is not UTF-8 is rejected as not JSON, and its reject (which quotes it) is
// written with U+FFFD (it used to throw out of the import: found by tests/fuzz).
TEST(FhirImportTest, ALineThatIsNotUtf8IsRejectedAndTheRunGoesOn) {
  auto o = Import({Ndjson("Patient.ndjson", {OneLine(kPatient)}),
                   Ndjson("e.ndjson", {"{\"resourceType\":\"Explanation\xE9\xFF\"}",
                                       WithPaid("good", "1.00")})});
  const auto rejects = Records(o->rejects);
  ASSERT_EQ(rejects.size(), 1u) << o->rejects.text();
  EXPECT_EQ(rejects[0]["line"], 1);
  EXPECT_EQ(Records(o->claims).size(), 1u);
}

TEST(FhirImportTest, BadResourcesGoToRejectsWithPositionFieldAndReasonAndTheRunGoesOn) {
  std::string euro = WithPaid("bad1", "5.00");
  euro.replace(euro.find(R"("value":5.00,"currency":"USD")"), 29,
               R"("value":5.00,"currency":"EUR")");
  const std::string exponent = WithPaid("bad2", "1e2");
  std::string no_tin = WithPaid("bad3", "1.00");
  no_tin.replace(no_tin.find(R"("provider":{"reference":"#org1"},)"), 33, "");
  const std::string pharmacy =
      R"({"resourceType":"ExplanationOfBenefit","id":"rx","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/claim-type","code":"pharmacy"}]},"patient":{"reference":"Patient/p1"}})";
  auto o = Import({Ndjson("Patient.ndjson", {OneLine(kPatient)}),
                   Ndjson("e.ndjson", {euro, "{not json", "", exponent, WithPaid("good", "1.00"),
                                       no_tin, pharmacy, R"({"resourceType":"Claim","id":"q"})"})});
  const auto rejects = Records(o->rejects);
  ASSERT_EQ(rejects.size(), 4u) << o->rejects.text();
  EXPECT_EQ(rejects[0]["source"], "e.ndjson");
  EXPECT_EQ(rejects[0]["line"], 2);  // the unparsable line, rejected while reading
  EXPECT_EQ(rejects[0]["field"], "");
  EXPECT_NE(rejects[0]["reason"].get<std::string>().find("not valid JSON"), std::string::npos);
  EXPECT_EQ(rejects[1]["line"], 1);
  EXPECT_EQ(rejects[1]["resource"], "ExplanationOfBenefit/bad1");
  EXPECT_EQ(rejects[1]["field"], "item[0].adjudication(paid).amount.currency");
  EXPECT_EQ(rejects[1]["reason"], "currency 'EUR', expected USD");
  EXPECT_EQ(rejects[2]["line"], 4);
  EXPECT_EQ(rejects[2]["field"], "item[0].adjudication(paid).amount.value");
  EXPECT_NE(rejects[2]["reason"].get<std::string>().find("exponent"), std::string::npos);
  EXPECT_EQ(rejects[3]["line"], 6);
  EXPECT_EQ(rejects[3]["field"], "provider.identifier");
  // The good EOB after the bad ones is written; pharmacy and Claim are out of scope.
  const auto claims = Records(o->claims);
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0]["claim_id"], "M-good");
  const auto& eob = o->summary.report["totals"]["ExplanationOfBenefit"];
  EXPECT_EQ(eob["read"], 5);
  EXPECT_EQ(eob["mapped"], 1);
  EXPECT_EQ(eob["rejected"], 3);
  EXPECT_EQ(eob["out_of_scope"], 1);
  EXPECT_EQ(o->summary.report["totals"]["Claim"]["out_of_scope"], 1);
  EXPECT_EQ(o->summary.report["totals"]["(unparsed)"]["rejected"], 1);
  EXPECT_EQ(o->summary.report["inputs"][1]["blank_lines"], 1);
  ExpectCountsAddUp(*o);
}

TEST(FhirImportTest, CoverageGivesSpansEnrollmentTypeAndMedicaid) {
  auto cov = [](std::string id, std::string part, std::string ms, std::string dual,
                std::string start, std::string end) {
    return R"({"resourceType":"Coverage","id":")" + id +
           R"(","extension":[{"url":"https://bluebutton.cms.gov/resources/variables/ms_cd","valueCoding":{"code":")" +
           ms +
           R"("}},{"url":"https://bluebutton.cms.gov/resources/variables/dual_06","valueCoding":{"code":")" +
           dual +
           R"("}},{"url":"https://bluebutton.cms.gov/resources/variables/orec","valueCoding":{"code":"1"}}],"type":{"coding":[{"system":"Medicare","code":")" +
           part + R"("}]},"beneficiary":{"reference":"Patient/p1"},"period":{"start":")" + start +
           R"(","end":")" + end + R"("}})";
  };
  auto o = Import(
      {Ndjson("Patient.ndjson", {OneLine(kPatient)}),
       Ndjson("Coverage.ndjson", {cov("a", "Part A", "20", "00", "2024-01-01", "2024-12-31"),
                                  cov("b", "Part B", "20", "00", "2024-01-01", "2024-12-31"),
                                  cov("c", "Part C", "10", "02", "2025-01-01", "2025-12-31"),
                                  cov("d", "Part D", "10", "02", "2025-01-01", "2025-12-31"),
                                  cov("e", "Part B", "10", "02", "2026-01-01", "2026-06-30")})});
  const auto members = Records(o->members);
  ASSERT_EQ(members.size(), 1u) << o->rejects.text();
  const auto& m = members[0];
  EXPECT_EQ(m["member_id"], "1EG4TE5MK73");
  EXPECT_EQ(m["birth_date"], "1950-04-02");
  EXPECT_EQ(m["sex"], "F");
  EXPECT_EQ(m["orec"], "1");
  EXPECT_EQ(m["medicaid"], true);  // dual code 02 on some coverage
  EXPECT_EQ(m["coverage"], nlohmann::json::parse(R"([
    {"from":"2024-01-01","through":"2024-12-31","program":"medicare_ffs","enrollment_type":"disabled"},
    {"from":"2025-01-01","through":"2025-12-31","program":"medicare_advantage","enrollment_type":"aged_dual"},
    {"from":"2026-01-01","through":"2026-06-30","program":"medicare_ffs","enrollment_type":"aged_dual"}])"));
  const auto& c = o->summary.report["totals"]["Coverage"];
  EXPECT_EQ(c["read"], 5);
  EXPECT_EQ(c["mapped"], 4);        // Part A and Part B of 2024 are merged into one span
  EXPECT_EQ(c["out_of_scope"], 1);  // Part D
  ExpectCountsAddUp(*o);
}

TEST(FhirImportTest, BundlesAreReadEntryByEntryAndRejectsNameTheEntry) {
  const std::string bundle =
      R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":)" + OneLine(kPatient) +
      R"(},{"fullUrl":"x"},{"resource":)" + OneLine(kEob) + "}]}";
  auto o = Import({{"b.json", bundle}});
  EXPECT_EQ(o->claims.lines(), 1);
  EXPECT_EQ(o->members.lines(), 1);
  const auto rejects = Records(o->rejects);
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0]["entry"], 1);
  EXPECT_FALSE(rejects[0].contains("line"));
  EXPECT_EQ(o->summary.report["inputs"][0]["format"], "bundle (searchset)");
  ExpectCountsAddUp(*o);
}

}  // namespace
}  // namespace vbp::fhir
