// Statements as CSV and FHIR, and the member roster (connectors/codec/statement_formats.h).
// Expected values are the statement's own decimal texts, read back through the project's CSV
// reader and a JSON parser; the columns are checked against the statement JSON schema.
#include "connectors/codec/statement_formats.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "domain/csv.h"

namespace vbp::codec {
namespace {

using nlohmann::json;

// A statement as `vbp settle` writes it (figures of tests/golden/claims/descriptive_codes, a
// two-sided contract with a run-out cutoff before the as-of date, and one quality measure).
json Statement() {
  return json::parse(R"({
    "schema": "vbp.statement/1", "contract_id": "C1", "performance_year": 2025,
    "revision": 3, "as_of": "2026-04-30", "rule_set": "vbp-reference@2025.1",
    "rules_hash": "sha256:aa", "parameters_hash": "sha256:bb",
    "assigned_members": 5, "person_years": "4.5833333333",
    "benchmark_total": "60000.00", "expenditure_total": "50900.00", "gross_savings": "9100.00",
    "savings_rate": "0.1516666667", "msr": "0.0390000000", "mlr": "0.0200000000",
    "quality_score": "1.0000000000", "final_sharing_rate": "0.5000000000",
    "shared_savings": "4459.00", "shared_losses": "0.00", "pmpm_total": "120.10",
    "net_payment": "4579.10",
    "data_quality": {"rejected_claim_records": 1, "rejected_paid_total": "250.00",
      "superseded_claim_records": 2,
      "code_warnings": {"hcpcs": 59, "modifiers": 0, "pos": 2},
      "claims_of_unknown_members": 1, "claims_of_unknown_members_paid_total": "300.00",
      "unknown_rendering_npis": 4, "members_with_overlapping_coverage": 2,
      "overlapping_coverage_months": 7},
    "detail": {"outcome": "shared_savings", "runout_cutoff": "2026-03-31",
      "loss_rate": "0.3000000000", "quality_source": "measures",
      "quality": {"q": "1", "measures": [{"measure_id": "BCS",
        "tally": {"denominator": 3, "exclusions": 1, "numerator": 1, "rate": "1/3"},
        "scored": true, "points": "0.5", "weight": "1", "reason": ""}]}}
  })");
}

std::string SchemaText() {
  std::ifstream in(std::string(VBP_SOURCE_DIR) + "/schemas/statement.schema.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::map<std::string, std::string> OnlyRow(const std::string& csv) {
  auto table = CsvTable::Parse(csv, "statements.csv");
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->rows().size(), 1u);
  std::map<std::string, std::string> row;
  for (size_t i = 0; i < table->headers().size(); ++i) {
    row[table->headers()[i]] = table->rows()[0].fields[i];
  }
  return row;
}

TEST(StatementCsvTest, HasAColumnForEveryFigureTheSchemaRequires) {
  json schema = json::parse(SchemaText());
  std::vector<std::string> cols = StatementCsvColumns();
  std::set<std::string> have(cols.begin(), cols.end());
  ASSERT_TRUE(schema.contains("required"));
  for (const auto& field : schema["required"]) {
    const std::string f = field.get<std::string>();
    if (f == "schema" || f == "data_quality" || f == "detail") continue;
    EXPECT_TRUE(have.count(f)) << f;
  }
  const json& dq = schema["properties"]["data_quality"];
  for (const auto& field : dq["required"]) {
    const std::string f = field.get<std::string>();
    if (f == "code_warnings") continue;  // summed into one column
    EXPECT_TRUE(have.count(f)) << f;
  }
}

TEST(StatementCsvTest, CopiesEveryFigureAsItsExactText) {
  auto csv = StatementsCsv({Statement().dump()});
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  auto row = OnlyRow(*csv);
  const json s = Statement();
  for (const char* money : {"benchmark_total", "expenditure_total", "gross_savings",
                            "shared_savings", "shared_losses", "pmpm_total", "net_payment"}) {
    EXPECT_EQ(row[money], s[money].get<std::string>()) << money;
  }
  EXPECT_EQ(row["person_years"], "4.5833333333");
  EXPECT_EQ(row["assigned_members"], "5");
  EXPECT_EQ(row["revision"], "3");
  EXPECT_EQ(row["rejected_paid_total"], "250.00");
  EXPECT_EQ(row["unknown_rendering_npis"], "4");
  EXPECT_EQ(row["members_with_overlapping_coverage"], "2");
  EXPECT_EQ(row["overlapping_coverage_months"], "7");
  EXPECT_EQ(row["code_warnings"], "61");         // 59 + 0 + 2
  EXPECT_EQ(row["paid_through"], "2026-03-31");  // the cutoff comes before the as-of date
  EXPECT_EQ(row["quality_source"], "measures");
  EXPECT_EQ(csv->substr(0, 12), "contract_id,");
  EXPECT_NE(csv->find("\r\n"), std::string::npos);  // RFC 4180 record ends
}

TEST(StatementCsvTest, QuotesAContractIdWithACommaAndAQuote) {
  json s = Statement();
  s["contract_id"] = "ACO \"North\", East";
  auto csv = StatementsCsv({s.dump()});
  ASSERT_TRUE(csv.ok());
  EXPECT_NE(csv->find("\"ACO \"\"North\"\", East\""), std::string::npos);
  EXPECT_EQ(OnlyRow(*csv)["contract_id"], "ACO \"North\", East");
}

TEST(StatementCsvTest, RefusesWhatIsNotAStatement) {
  EXPECT_EQ(StatementsCsv({"[1,2]"}).status().code(), StatusCode::kInvalidArgument);
  json s = Statement();
  s["schema"] = "vbp.member/1";
  EXPECT_EQ(StatementsCsv({s.dump()}).status().code(), StatusCode::kInvalidArgument);
  s = Statement();
  s["shared_savings"] = 4459.0;  // a JSON number is not the statement's exact text
  EXPECT_EQ(StatementsCsv({s.dump()}).status().code(), StatusCode::kInvalidArgument);
}

const json* GroupById(const json& report, const std::string& id) {
  for (const auto& g : report["group"]) {
    if (g["id"] == id) return &g;
  }
  return nullptr;
}

TEST(StatementFhirTest, OneBundlePerStatementWithTheFiguresAsVbprGroups) {
  json other = Statement();
  other["contract_id"] = "C2";
  auto out = StatementsFhirNdjson({Statement().dump(), other.dump()});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  std::vector<std::string> lines;
  std::stringstream ss(*out);
  for (std::string l; std::getline(ss, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 2u);
  json b = json::parse(lines[0]);
  EXPECT_EQ(b["resourceType"], "Bundle");
  EXPECT_EQ(b["type"], "collection");
  EXPECT_EQ(b["identifier"]["value"], "C1/2025/3");
  ASSERT_EQ(b["entry"].size(), 2u);  // the performance report and one quality measure
  const json& r = b["entry"][0]["resource"];
  EXPECT_EQ(r["resourceType"], "MeasureReport");
  EXPECT_EQ(
      r["meta"]["profile"][0],
      "http://hl7.org/fhir/us/davinci-vbpr/StructureDefinition/vbp-performance-measurereport");
  EXPECT_EQ(r["subject"]["identifier"]["value"], "C1");
  EXPECT_EQ(r["period"]["start"], "2025-01-01");
  EXPECT_EQ(r["period"]["end"], "2025-12-31");
  EXPECT_EQ(r["date"], "2026-04-30");
  EXPECT_EQ(b["entry"][0]["fullUrl"], "urn:uuid:" + r["id"].get<std::string>());

  const json* savings = GroupById(r, "shared-savings");
  ASSERT_NE(savings, nullptr);
  EXPECT_EQ(savings->at("measureScore")["extension"][0]["valueMoney"]["currency"], "USD");
  // Two-sided (loss rate 0.3): the shared-savings stream is "ssl"; paid through the cutoff.
  EXPECT_EQ(
      savings->at("extension")[0]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"],
      "ssl");
  EXPECT_EQ(savings->at("extension")[2]["valueDate"], "2026-03-31");
  const json* fees = GroupById(r, "pmpm-total");
  ASSERT_NE(fees, nullptr);
  EXPECT_EQ(fees->at("code")["coding"][0]["code"], "ccf");
  EXPECT_EQ(GroupById(r, "assigned-members")->at("measureScore")["value"], 5);
  EXPECT_EQ(GroupById(r, "rejected-paid-total")->at("code")["coding"][0]["code"],
            "rejected_paid_total");
}

TEST(StatementFhirTest, WritesMoneyAndRatesWithTheStatementsDecimalText) {
  auto out = StatementsFhirNdjson({Statement().dump()});
  ASSERT_TRUE(out.ok());
  // Exact literals, not a binary double's rendering (4459.0, 0.15166666670000001, ...).
  EXPECT_NE(out->find("{\"value\":4459.00,\"currency\":\"USD\"}"), std::string::npos);
  EXPECT_NE(out->find("{\"value\":0.00,\"currency\":\"USD\"}"), std::string::npos);
  EXPECT_NE(out->find("\"measureScore\":{\"value\":0.1516666667}"), std::string::npos);
  EXPECT_NE(out->find("\"measureScore\":{\"value\":4.5833333333}"), std::string::npos);
  EXPECT_EQ(out->find("raw:"), std::string::npos);
}

TEST(StatementFhirTest, QualityMeasureReportCountsAndRoundsAFractionRate) {
  auto out = StatementsFhirNdjson({Statement().dump()});
  ASSERT_TRUE(out.ok());
  json b = json::parse(*out);
  const json& q = b["entry"][1]["resource"];
  EXPECT_EQ(q["meta"]["profile"][0],
            "http://hl7.org/fhir/us/davinci-vbpr/StructureDefinition/vbp-quality-measurereport");
  EXPECT_EQ(q["measure"], "urn:vbp:measure:BCS");
  const json& pop = q["group"][0]["population"];
  EXPECT_EQ(pop[0]["count"], 3);
  EXPECT_EQ(pop[1]["count"], 1);
  EXPECT_EQ(pop[2]["count"], 1);
  EXPECT_NE(out->find("\"measureScore\":{\"value\":0.3333333333}"), std::string::npos);
  EXPECT_EQ(b["entry"][0]["resource"]["evaluatedResource"][0]["reference"],
            b["entry"][1]["fullUrl"]);
}

TEST(StatementFhirTest, SameStatementSameBytesAndAnotherRevisionOtherIds) {
  auto a = StatementsFhirNdjson({Statement().dump()});
  auto b = StatementsFhirNdjson({Statement().dump()});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  json s = Statement();
  s["revision"] = 4;
  auto c = StatementsFhirNdjson({s.dump()});
  ASSERT_TRUE(c.ok());
  EXPECT_NE(json::parse(*a)["id"], json::parse(*c)["id"]);
  // A name-based UUID: version 8, RFC variant.
  const std::string id = json::parse(*a)["id"].get<std::string>();
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '8');
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
}

TEST(StatementFhirTest, OneSidedContractIsTheQualityGatedStream) {
  json s = Statement();
  s["detail"]["loss_rate"] = "0.0000000000";
  auto out = StatementsFhirNdjson({s.dump()});
  ASSERT_TRUE(out.ok());
  const json r = json::parse(*out)["entry"][0]["resource"];
  EXPECT_EQ(GroupById(r, "shared-savings")
                ->at("extension")[0]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"],
            "ssq");
}

TEST(RosterCsvTest, AttributedMembersSortedByContractYearAndMember) {
  RosterCsv roster;
  ASSERT_TRUE(
      roster
          .Add(
              R"({"member_id":"M9","performance_year":2025,"contract_id":"C2","step":1,"unit":"T1|N1","decided_by":"allowed","eligible_months":12,"expenditure_total":"10.00","risk_score":"1.000000","pmpm_total":"24.00"})")
          .ok());
  ASSERT_TRUE(
      roster
          .Add(
              R"({"member_id":"M2","performance_year":2025,"contract_id":null,"step":null,"unit":null})")
          .ok());
  ASSERT_TRUE(
      roster
          .Add(
              R"({"member_id":"M3","performance_year":2025,"contract_id":"C1","step":2,"unit":"T2|N7","decided_by":"latest","eligible_months":7,"expenditure_total":"5.50","risk_score":null,"pmpm_total":"0.00","care_gaps":[{"measure":"BCS","gap":"x"},{"measure":"CBP","gap":"y"}]})")
          .ok());
  // The same member in the pass of another contract's parameter group: not a roster row.
  ASSERT_TRUE(
      roster
          .Add(
              R"({"member_id":"M9","performance_year":2025,"contract_id":"C2","contracts_evaluated":["C5"],"step":1,"unit":"T1|N1","pmpm_total":"99.00"})")
          .ok());
  ASSERT_TRUE(
      roster
          .Add(
              R"({"member_id":"M4","performance_year":2025,"contract_id":"C2","contracts_evaluated":["C5","C2"],"step":1,"unit":"T1|N1","pmpm_total":"99.00"})")
          .ok());
  EXPECT_EQ(roster.Add("not json").code(), StatusCode::kInvalidArgument);
  auto table = CsvTable::Parse(roster.Finish(), "roster.csv");
  ASSERT_TRUE(table.ok());
  ASSERT_EQ(table->rows().size(), 3u);  // M2 is not attributed; M9's second line is not C2's pass
  EXPECT_EQ(table->rows()[0].fields[0], "C1");
  EXPECT_EQ(table->rows()[0].fields[2], "M3");
  EXPECT_EQ(table->rows()[0].fields[3], "2");
  EXPECT_EQ(table->rows()[0].fields[4], "T2|N7");
  EXPECT_EQ(table->rows()[0].fields[8], "");  // no risk score
  EXPECT_EQ(table->rows()[0].fields[10], "BCS;CBP");
  EXPECT_EQ(table->rows()[1].fields[2], "M4");
  EXPECT_EQ(table->rows()[2].fields[2], "M9");
  EXPECT_EQ(table->rows()[2].fields[9], "24.00");
}

TEST(StatementFormatTest, NamesTheFormatsItKnows) {
  EXPECT_EQ(*ParseStatementFormat("csv"), StatementFormat::kCsv);
  EXPECT_EQ(*ParseStatementFormat("fhir"), StatementFormat::kFhir);
  EXPECT_EQ(*ParseStatementFormat("json"), StatementFormat::kJson);
  EXPECT_FALSE(ParseStatementFormat("xml").ok());
}

}  // namespace
}  // namespace vbp::codec
