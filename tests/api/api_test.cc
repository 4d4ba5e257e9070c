// The provider API over real HTTP: every refusal is tried, not assumed.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "connectors/api/api_server.h"
#include "tests/api/test_support.h"

namespace vbp::api {
namespace {

using nlohmann::json;

const std::string kAcme = "acme-0123456789abcdef0123456789abcdef";
const std::string kBeta = "beta-0123456789abcdef0123456789abcdef";
const std::string kAdmin = "admin-0123456789abcdef0123456789abcde";
const std::string kOther = "outside-0123456789abcdef0123456789abc";  // a TIN in no contract

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto tokens = TokenTable::Parse(R"({")" + TokenKey(kAcme) +
                                        R"(": {"name": "Acme ACO", "tins": ["111111111"]},
            ")" + TokenKey(kBeta) + R"(": {"name": "Beta group", "tins": ["333333333"]},
            ")" + TokenKey(kOther) + R"(": {"name": "Solo practice", "tins": ["444444444"]},
            ")" + TokenKey(kAdmin) + R"(": {"name": "payer operations", "admin": true}})",
                                    "test tokens");
    ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
    service_ = new ApiService(std::move(tokens).value());
    service_->SetSnapshot(std::shared_ptr<const Snapshot>(testing::LoadTestData()));
    auto server = ApiServer::Start(service_, ApiServerOptions{});
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value().release();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete service_;
  }

  static httplib::Result Get(const std::string& path, const std::string& token = "") {
    httplib::Client c("127.0.0.1", server_->port());
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    return c.Get(path.c_str(), h);
  }
  static json Body(const httplib::Result& r) { return json::parse(r->body); }
  static void ExpectError(const httplib::Result& r, int status, const std::string& code) {
    ASSERT_TRUE(r) << "no response";
    EXPECT_EQ(r->status, status) << r->body;
    json b = Body(r);
    EXPECT_EQ(b["error"], code) << r->body;
    EXPECT_TRUE(b["detail"].is_string() && !b["detail"].get<std::string>().empty());
  }

  static ApiService* service_;
  static ApiServer* server_;
};
ApiService* ApiTest::service_ = nullptr;
ApiServer* ApiTest::server_ = nullptr;

TEST_F(ApiTest, HealthNeedsNoToken) {
  auto r = Get("/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)["status"], "ok");
  EXPECT_EQ(Body(r)["source"], "data");
}

TEST_F(ApiTest, MissingTokenIsRefusedWith401AndBearerChallenge) {
  for (const char* path :
       {"/v1/contracts", "/v1/contracts/C-ACME/statements", "/v1/contracts/C-ACME/members",
        "/v1/contracts/C-ACME/members/M01/explanation"}) {
    auto r = Get(path);
    ExpectError(r, 401, "unauthorized");
    EXPECT_EQ(r->get_header_value("WWW-Authenticate").rfind("Bearer", 0), 0u) << path;
    EXPECT_EQ(Body(r).dump().find("C-ACME"), std::string::npos);
  }
}

TEST_F(ApiTest, UnknownTokenIsRefusedWith401) {
  auto r = Get("/v1/contracts", "not-a-token-0123456789abcdef0123456789");
  ExpectError(r, 401, "unauthorized");
  EXPECT_NE(r->get_header_value("WWW-Authenticate").find("invalid_token"), std::string::npos);
  // A known token with one character changed.
  std::string near = kAcme;
  near.back() = near.back() == 'f' ? 'e' : 'f';
  ExpectError(Get("/v1/contracts", near), 401, "unauthorized");
  // A prefix of a known token.
  ExpectError(Get("/v1/contracts", kAcme.substr(0, kAcme.size() - 1)), 401, "unauthorized");
}

TEST_F(ApiTest, NonBearerSchemeIsRefusedWith401) {
  httplib::Client c("127.0.0.1", server_->port());
  auto r = c.Get("/v1/contracts", {{"Authorization", "Basic " + kAcme}});
  ExpectError(r, 401, "unauthorized");
  auto r2 = c.Get("/v1/contracts", {{"Authorization", kAcme}});
  ExpectError(r2, 401, "unauthorized");
}

TEST_F(ApiTest, AnotherTinsContractIsAnswered404LikeAnUnknownOneAndAbsentFromTheListing) {
  auto list = Get("/v1/contracts", kAcme);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  json b = Body(list);
  ASSERT_EQ(b["contracts"].size(), 1u) << list->body;
  EXPECT_EQ(b["contracts"][0]["contract_id"], "C-ACME");
  EXPECT_EQ(list->body.find("C-BETA"), std::string::npos);
  EXPECT_EQ(list->body.find("333333333"), std::string::npos);
  // Every route of C-BETA answers exactly as the same route of a contract that does not
  // exist (C-NONE), the id aside: probing cannot tell the two apart.
  for (const char* route : {"statements", "revisions", "revisions/1", "revisions?year=2025",
                            "members", "members/M02/explanation", "members/M08/explanation"}) {
    auto beta = Get(std::string("/v1/contracts/C-BETA/") + route, kAcme);
    auto none = Get(std::string("/v1/contracts/C-NONE/") + route, kAcme);
    ExpectError(beta, 404, "not_found");
    ExpectError(none, 404, "not_found");
    EXPECT_EQ(Body(beta)["detail"], "no contract C-BETA") << route;
    EXPECT_EQ(Body(none)["detail"], "no contract C-NONE") << route;
    EXPECT_EQ(beta->headers.size(), none->headers.size()) << route;
    EXPECT_EQ(beta->body.find("150.00"), std::string::npos) << route;
  }
  // And the other way round.
  ExpectError(Get("/v1/contracts/C-ACME/statements", kBeta), 404, "not_found");
  // A TIN in no contract sees nothing.
  auto none = Get("/v1/contracts", kOther);
  ASSERT_TRUE(none);
  EXPECT_EQ(Body(none)["contracts"].size(), 0u);
  ExpectError(Get("/v1/contracts/C-ACME/members", kOther), 404, "not_found");
}

TEST_F(ApiTest, UnknownContractAndRouteAre404) {
  ExpectError(Get("/v1/contracts/NOPE/statements", kAcme), 404, "not_found");
  ExpectError(Get("/v1/contracts/C-ACME/revisions/2", kAcme), 404, "not_found");
  ExpectError(Get("/v1/nothing", kAcme), 404, "not_found");
  ExpectError(Get("/v1/contracts/C-ACME/statements/", kAcme), 404, "not_found");
}

TEST_F(ApiTest, MalformedRequestsAre400) {
  const char* bad[] = {
      "/v1/contracts/C-ACME/revisions?year=20x5",            // not a year
      "/v1/contracts/C-ACME/revisions?year=1800",            // out of range
      "/v1/contracts/C-ACME/revisions?year=",                // empty
      "/v1/contracts/C-ACME/revisions?year=2025&year=2025",  // repeated
      "/v1/contracts/C-ACME/revisions/abc",                  // revision not a number
      "/v1/contracts/C-ACME/revisions/0",                    // not positive
      "/v1/contracts/C-ACME/revisions/-1",
      "/v1/contracts/C-ACME/revisions/99999999999999999999",  // over int64
      "/v1/contracts/C-ACME/revisions/01",                    // leading zero
      "/v1/contracts/C%zzACME/statements",                    // bad percent-encoding
      "/v1/contracts/C%00ACME/statements",                    // control character
      "/v1/contracts/C-ACME/statements?foo=1",                // unknown parameter
      "/v1/contracts/C-ACME/members?limit=0",
      "/v1/contracts/C-ACME/members?limit=10001",
      "/v1/contracts/C-ACME/members?limit=ten",
      "/v1/contracts?year=2025",
  };
  for (const char* path : bad) {
    auto r = Get(path, kAcme);
    ExpectError(r, 400, "bad_request");
  }
  // Authentication comes first: a malformed request without a token learns nothing more.
  ExpectError(Get("/v1/contracts/C-ACME/revisions?year=20x5"), 401, "unauthorized");
  // A malformed request on another TIN's contract is still a 400 (syntax before scope).
  ExpectError(Get("/v1/contracts/C-BETA/revisions/abc", kAcme), 400, "bad_request");
}

TEST_F(ApiTest, NonGetMethodsAre405) {
  httplib::Client c("127.0.0.1", server_->port());
  httplib::Headers h{{"Authorization", "Bearer " + kAdmin}};
  auto post = c.Post("/v1/contracts", h, "{}", "application/json");
  ExpectError(post, 405, "method_not_allowed");
  EXPECT_EQ(post->get_header_value("Allow"), "GET, HEAD");
  ExpectError(c.Put("/v1/contracts/C-ACME/statements", h, "{}", "application/json"), 405,
              "method_not_allowed");
  ExpectError(c.Delete("/v1/contracts/C-ACME/members", h), 405, "method_not_allowed");
  ExpectError(c.Patch("/health", h, "{}", "application/json"), 405, "method_not_allowed");
  auto head = c.Head("/v1/contracts", h);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
}

TEST_F(ApiTest, AdminSeesEveryContract) {
  auto r = Get("/v1/contracts", kAdmin);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  json b = Body(r);
  ASSERT_EQ(b["contracts"].size(), 2u);
  EXPECT_EQ(b["contracts"][0]["contract_id"], "C-ACME");
  EXPECT_EQ(b["contracts"][1]["contract_id"], "C-BETA");
  auto beta = Get("/v1/contracts/C-BETA/members", kAdmin);
  ASSERT_EQ(beta->status, 200);
  EXPECT_EQ(Body(beta)["assigned_members"], 2);
}

TEST_F(ApiTest, StatementsAndRevisionsOfTheCallersContract) {
  auto s = Get("/v1/contracts/C-ACME/statements", kAcme);
  ASSERT_EQ(s->status, 200) << s->body;
  json st = Body(s)["statements"];
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0]["contract_id"], "C-ACME");
  EXPECT_EQ(st[0]["performance_year"], 2025);
  EXPECT_EQ(st[0]["revision"], 1);
  EXPECT_EQ(st[0]["assigned_members"], 5);
  EXPECT_EQ(st[0]["as_of"], "2026-04-15");
  auto list = Get("/v1/contracts/C-ACME/revisions?year=2025", kAcme);
  ASSERT_EQ(list->status, 200);
  ASSERT_EQ(Body(list)["revisions"].size(), 1u);
  EXPECT_EQ(Body(list)["revisions"][0]["revision"], 1);
  auto none = Get("/v1/contracts/C-ACME/revisions?year=2024", kAcme);
  ASSERT_EQ(none->status, 200);
  EXPECT_EQ(Body(none)["revisions"].size(), 0u);
  auto one = Get("/v1/contracts/C-ACME/revisions/1", kAcme);
  ASSERT_EQ(one->status, 200);
  EXPECT_EQ(Body(one), st[0]);
}

TEST_F(ApiTest, RosterListsAttributedMembersWithPaging) {
  auto r = Get("/v1/contracts/C-ACME/members", kAcme);
  ASSERT_EQ(r->status, 200) << r->body;
  json b = Body(r);
  EXPECT_EQ(b["assigned_members"], 5);
  std::vector<std::string> ids;
  for (const auto& m : b["members"]) ids.push_back(m["member_id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"M01", "M04", "M05", "M06", "M10"}));
  EXPECT_TRUE(b["next_after"].is_null());
  const json& m06 = b["members"][3];
  EXPECT_EQ(m06["step"], 1);
  EXPECT_EQ(m06["unit"], "contract:C-ACME");
  EXPECT_EQ(m06["expenditure"], "1500.00");
  EXPECT_EQ(m06["expenditure_truncated"], "1200.000000");
  EXPECT_EQ(b["members"][2]["eligible_months"], 6);     // M05: January to June
  EXPECT_EQ(b["members"][1]["expenditure"], "100.00");  // M04: A6 v2 60 + A8 40

  auto page1 = Get("/v1/contracts/C-ACME/members?limit=2", kAcme);
  ASSERT_EQ(page1->status, 200);
  EXPECT_EQ(Body(page1)["members"].size(), 2u);
  EXPECT_EQ(Body(page1)["next_after"], "M04");
  auto page2 = Get("/v1/contracts/C-ACME/members?limit=2&after=M04", kAcme);
  ASSERT_EQ(page2->status, 200);
  EXPECT_EQ(Body(page2)["members"][0]["member_id"], "M05");
  EXPECT_EQ(Body(page2)["members"][1]["member_id"], "M06");
}

TEST_F(ApiTest, ExplanationOfAnAttributedMemberIsComplete) {
  auto r = Get("/v1/contracts/C-ACME/members/M04/explanation", kAcme);
  ASSERT_EQ(r->status, 200) << r->body;
  json b = Body(r);
  EXPECT_EQ(b["view"], "full");
  EXPECT_EQ(b["attributed"], true);
  EXPECT_EQ(b["status"], "attributed");
  EXPECT_EQ(b["step"], 1);
  EXPECT_EQ(b["expenditure"]["paid"], "100.00");
  // A6 (replacement), A7 (paid after the cutoff), A8; the voided A5 only in `claims`.
  ASSERT_EQ(b["lines"].size(), 3u);
  EXPECT_EQ(b["lines"][0]["claim_id"], "A6");
  EXPECT_EQ(b["lines"][0]["version"], 2);
  EXPECT_EQ(b["lines"][1]["claim_id"], "A7");
  EXPECT_EQ(b["lines"][1]["expenditure"]["counted"], false);
  EXPECT_EQ(b["lines"][1]["expenditure"]["note"], "paid after the run-out cutoff");
  ASSERT_EQ(b["claims"].size(), 4u);
  EXPECT_EQ(b["claims"][0]["claim_id"], "A5");
  EXPECT_EQ(b["claims"][0]["effective_frequency"], "void");
  EXPECT_EQ(b["claims"][0]["versions"].size(), 2u);
}

TEST_F(ApiTest, ExplanationOfAMemberWonElsewhereShowsOnlyTheContractsOwnLines) {
  auto r = Get("/v1/contracts/C-ACME/members/M02/explanation", kAcme);
  ASSERT_EQ(r->status, 200) << r->body;
  json b = Body(r);
  EXPECT_EQ(b["view"], "contract_lines");
  EXPECT_EQ(b["attributed"], false);
  EXPECT_EQ(b["status"], "attributed_to_other_contract");
  EXPECT_EQ(b["step"], 1);
  EXPECT_EQ(b["unit"], "another unit");
  ASSERT_EQ(b["lines"].size(), 1u);
  EXPECT_EQ(b["lines"][0]["claim_id"], "A3");
  ASSERT_EQ(b["contract_tallies"].size(), 1u);
  EXPECT_EQ(b["contract_tallies"][0]["allowed"], "100.00");
  EXPECT_EQ(b["contract_tallies"][0]["rank"], 2);
  ASSERT_EQ(b["claims"].size(), 1u);
  EXPECT_FALSE(b.contains("expenditure"));
  EXPECT_FALSE(b.contains("step1_allowed_by_unit"));
  // M02 is C-BETA's member: its enrollment months (12, aged_nondual) are not Acme's to see.
  EXPECT_TRUE(b["eligible_months"].is_null()) << r->body;
  EXPECT_TRUE(b["months"].is_null()) << r->body;
  EXPECT_NE(b["withheld"].get<std::string>().find("enrollment months"), std::string::npos);
  // A3 is line 4 of claims.ndjson, named without the server's directories.
  EXPECT_EQ(b["claims"][0]["versions"][0]["source"], "claims.ndjson:4");
  // Nothing of the winner leaks: its contract, TIN, claim or amounts.
  for (const char* secret : {"C-BETA", "333333333", "B1", "200.00", "150.00", "1000000003"}) {
    EXPECT_EQ(r->body.find(secret), std::string::npos) << secret;
  }
  // A member won by a TIN outside every contract: same rule.
  auto m03 = Get("/v1/contracts/C-ACME/members/M03/explanation", kAcme);
  ASSERT_EQ(m03->status, 200);
  EXPECT_EQ(Body(m03)["status"], "won_by_non_contract_unit");
  // No other contract's member: its eligibility explains its status and stays.
  EXPECT_EQ(Body(m03)["eligible_months"], 12);
  EXPECT_EQ(Body(m03)["months"]["aged_nondual"], 12);
  EXPECT_EQ(m03->body.find("444444444"), std::string::npos);
  EXPECT_EQ(m03->body.find("D1"), std::string::npos);
  // An excluded member with a line under the contract's TINs: status and that line.
  auto m07 = Get("/v1/contracts/C-ACME/members/M07/explanation", kAcme);
  ASSERT_EQ(m07->status, 200);
  EXPECT_EQ(Body(m07)["status"], "excluded_program");
  EXPECT_EQ(Body(m07)["lines"].size(), 1u);
}

TEST_F(ApiTest, ExplanationWithoutAnyRelationToTheContractIs404LikeAnUnknownMember) {
  auto unrelated = Get("/v1/contracts/C-ACME/members/M08/explanation", kAcme);
  auto unknown = Get("/v1/contracts/C-ACME/members/M99/explanation", kAcme);
  ExpectError(unrelated, 404, "not_found");
  ExpectError(unknown, 404, "not_found");
  EXPECT_EQ(unrelated->body.find("333333333"), std::string::npos);
  // The admin sees the full explanation, winner included.
  auto admin = Get("/v1/contracts/C-ACME/members/M02/explanation", kAdmin);
  ASSERT_EQ(admin->status, 200);
  EXPECT_EQ(Body(admin)["view"], "full");
  EXPECT_EQ(Body(admin)["unit"], "contract:C-BETA");
  EXPECT_EQ(Body(admin)["lines"].size(), 2u);
  EXPECT_EQ(Body(admin)["eligible_months"], 12);
  ExpectError(Get("/v1/contracts/C-ACME/members/M99/explanation", kAdmin), 404, "not_found");
}

TEST_F(ApiTest, PercentEncodedIdsAreDecoded) {
  auto r = Get("/v1/contracts/C%2DACME/members/M%301/explanation", kAcme);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["member_id"], "M01");
}

TEST_F(ApiTest, NoResponseNamesAServerPath) {
  // Everything the admin can read: every route, every member of both contracts.
  std::vector<std::string> paths = {"/health", "/v1/contracts"};
  for (const char* c : {"C-ACME", "C-BETA"}) {
    const std::string base = std::string("/v1/contracts/") + c;
    for (const char* route : {"/statements", "/revisions", "/revisions/1", "/members"}) {
      paths.push_back(base + route);
    }
    for (const char* m : {"M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08", "M10"}) {
      paths.push_back(base + "/members/" + m + "/explanation");
    }
  }
  size_t claims_seen = 0;
  for (const std::string& path : paths) {
    auto r = Get(path, kAdmin);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->body.find(VBP_SOURCE_DIR), std::string::npos) << path << ": " << r->body;
    if (r->status == 200 && Body(r).contains("claims")) claims_seen += Body(r)["claims"].size();
  }
  EXPECT_GT(claims_seen, 0u) << "no claim source was looked at";
}

// Service-level cases that need a snapshot the data directory cannot give: a contract whose
// TINs changed between years.
class ApiScopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tokens = TokenTable::Parse(R"({")" + TokenKey(kAcme) +
                                        R"(": {"name": "Acme ACO", "tins": ["111111111"]},
            ")" + TokenKey(kAdmin) + R"(": {"name": "payer operations", "admin": true}})",
                                    "test tokens");
    ASSERT_TRUE(tokens.ok());
    service_ = std::make_unique<ApiService>(std::move(tokens).value());
    snapshot_ = testing::LoadTestData();
    ASSERT_NE(snapshot_, nullptr);
  }
  ApiResponse Get(const std::string& target, const std::string& token) {
    if (snapshot_) service_->SetSnapshot(std::shared_ptr<const Snapshot>(std::move(snapshot_)));
    ApiRequest r;
    r.method = "GET";
    r.target = target;
    r.authorization = "Bearer " + token;
    return service_->Handle(r);
  }
  std::unique_ptr<ApiService> service_;
  std::unique_ptr<Snapshot> snapshot_;
};

TEST_F(ApiScopeTest, AYearTheCallerMayNotSeeIsAnsweredAsOneWithoutRevisions) {
  // C-ACME's 2024 statement listed only a TIN that is not Acme's.
  const ContractId acme(std::string("C-ACME"));
  StoredRevision hidden = snapshot_->revisions.at(acme).at(2025).front();
  hidden.tins = {"999999999"};
  snapshot_->revisions[acme][2024] = {hidden};
  const ApiResponse list = Get("/v1/contracts/C-ACME/revisions?year=2024", kAcme);
  EXPECT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(json::parse(list.body)["revisions"].size(), 0u);
  const ApiResponse one = Get("/v1/contracts/C-ACME/revisions/1?year=2024", kAcme);
  EXPECT_EQ(one.status, 404) << one.body;
  EXPECT_EQ(json::parse(one.body)["detail"], "no revision 1 of contract C-ACME for 2024");
  const ApiResponse absent = Get("/v1/contracts/C-ACME/revisions/1?year=2023", kAcme);
  EXPECT_EQ(json::parse(absent.body)["detail"], "no revision 1 of contract C-ACME for 2023");
  // Without a year, revision 1 is the 2025 one, the only one Acme sees.
  const ApiResponse any = Get("/v1/contracts/C-ACME/revisions/1", kAcme);
  EXPECT_EQ(any.status, 200) << any.body;
  EXPECT_EQ(json::parse(any.body)["performance_year"], 2025);
  EXPECT_EQ(json::parse(Get("/v1/contracts/C-ACME/revisions", kAcme).body)["revisions"].size(), 1u);
  // The admin sees both years.
  EXPECT_EQ(json::parse(Get("/v1/contracts/C-ACME/revisions", kAdmin).body)["revisions"].size(),
            2u);
  EXPECT_EQ(Get("/v1/contracts/C-ACME/revisions/1?year=2024", kAdmin).status, 200);
}

TEST_F(ApiScopeTest, TheMembersOfAContractThatNoLongerListsTheCallersTinsAre404) {
  // C-ACME's current record lists another TIN; its 2025 statement still lists Acme's.
  snapshot_->contracts.at(ContractId(std::string("C-ACME"))).tins = {Tin(std::string("555555555"))};
  EXPECT_EQ(Get("/v1/contracts/C-ACME/statements", kAcme).status, 200);
  for (const char* path :
       {"/v1/contracts/C-ACME/members", "/v1/contracts/C-ACME/members/M04/explanation"}) {
    const ApiResponse r = Get(path, kAcme);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(json::parse(r.body)["error"], "not_found") << path;
  }
  EXPECT_EQ(Get("/v1/contracts/C-ACME/members", kAdmin).status, 200);
}

TEST_F(ApiScopeTest, ADeclaredBodyOverTheLimitIs413BeforeAnyOtherCheck) {
  service_->SetSnapshot(std::shared_ptr<const Snapshot>(std::move(snapshot_)));
  ApiRequest r;
  r.method = "POST";  // 405 otherwise
  r.target = "/v1/contracts";
  r.body_bytes = 4097;
  EXPECT_EQ(service_->Handle(r).status, 413);
  EXPECT_EQ(json::parse(service_->Handle(r).body)["error"], "payload_too_large");
  r.body_bytes = std::nullopt;  // chunked: no declared length
  EXPECT_EQ(service_->Handle(r).status, 413);
  r.body_bytes = 4096;
  EXPECT_EQ(service_->Handle(r).status, 405);
  r.method = "GET";
  r.target = "/health";
  EXPECT_EQ(service_->Handle(r).status, 200);
}

TEST_F(ApiScopeTest, HandleNamesTheRouteTemplateAndTheCallerForTheAccessLog) {
  const ApiResponse ok = Get("/v1/contracts/C-ACME/members/M04/explanation", kAcme);
  ASSERT_NE(ok.route, nullptr);
  EXPECT_STREQ(ok.route, "/v1/contracts/{contract_id}/members/{member_id}/explanation");
  EXPECT_EQ(ok.caller, "Acme ACO");
  const ApiResponse unknown =
      Get("/v1/contracts/C-ACME/members", "not-a-token-0123456789abcdef01234");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_STREQ(unknown.route, "/v1/contracts/{contract_id}/members");
  EXPECT_EQ(unknown.caller, "");
  const ApiResponse unrouted = Get("/v1/M04", kAcme);
  EXPECT_EQ(unrouted.status, 404);
  EXPECT_EQ(unrouted.route, nullptr);
}

TEST(TokenTableTest, AKeyIsTheSha256OfTheToken) {
  // FIPS 180-2 test vector: SHA-256("abc").
  EXPECT_EQ(TokenKey("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(TokenTableTest, RefusesWeakOrMalformedFiles) {
  const std::string good = TokenKey("0123456789abcdef0123456789abcdef");
  EXPECT_TRUE(
      TokenTable::Parse(R"({")" + good + R"(": {"name": "a", "tins": ["111111111"]}})", "t").ok());
  const std::string upper =
      "sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";
  const std::string cases[] = {
      R"({"sha256:0123": {"name": "a", "tins": ["111111111"]}})",                 // short digest
      R"({")" + upper + R"(": {"name": "a", "tins": ["111111111"]}})",            // not lowercase
      R"({")" + good.substr(7) + R"(x": {"name": "a", "tins": ["111111111"]}})",  // no prefix
      R"({")" + good + R"(": {"name": "a"}})",                     // no tins, no admin
      R"({")" + good + R"(": {"name": "a", "tins": ["12345"]}})",  // bad TIN
      R"({")" + good + R"(": {"name": "a", "admin": true, "tins": ["111111111"]}})",
      R"({")" + good + R"(": {"name": "a", "tins": ["111111111"], "role": "x"}})",
      R"({")" + good + R"(": {"tins": ["111111111"]}})",  // no name
      R"({")" + good + R"(": {"name": "a", "admin": true}, ")" + good +
          R"(": {"name": "b", "admin": true}})",
      R"([])",
      R"({})",
      R"(not json)",
  };
  for (const auto& c : cases) {
    auto t = TokenTable::Parse(c, "t");
    EXPECT_FALSE(t.ok()) << c;
  }
}

TEST(TokenTableTest, AFileOfPlainTokensIsRefusedWithTheWayToConvertIt) {
  const std::string token = "0123456789abcdef0123456789abcdef";
  auto t = TokenTable::Parse(R"({")" + token + R"(": {"name": "Acme", "tins": ["111111111"]}})",
                             "/etc/vbp/tokens.json");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("plain text"), std::string::npos) << t.status().message();
  EXPECT_NE(t.status().message().find("vbp token migrate --tokens /etc/vbp/tokens.json"),
            std::string::npos)
      << t.status().message();
  EXPECT_NE(t.status().message().find("entry 1 ('Acme')"), std::string::npos);
  EXPECT_EQ(t.status().message().find(token), std::string::npos) << "leaks the token";
}

TEST(TokenTableTest, AuthenticatesOnlyExactTokens) {
  const std::string a = "0123456789abcdef0123456789abcdef";
  const std::string b = "fedcba9876543210fedcba9876543210";
  auto t = TokenTable::Parse(R"({")" + TokenKey(a) +
                                 R"(": {"name": "A", "tins": ["222222222", "111111111"]},
          ")" + TokenKey(b) + R"(": {"name": "B", "admin": true}})",
                             "t");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_NE(t->Authenticate(a), nullptr);
  EXPECT_EQ(t->Authenticate(a)->name, "A");
  EXPECT_TRUE(t->Authenticate(a)->HasTin("111111111"));
  EXPECT_FALSE(t->Authenticate(a)->HasTin("333333333"));
  EXPECT_TRUE(t->Authenticate(b)->admin);
  EXPECT_EQ(t->Authenticate(""), nullptr);
  EXPECT_EQ(t->Authenticate(a + "0"), nullptr);
  EXPECT_EQ(t->Authenticate(a.substr(1)), nullptr);
  // The stored digest is not a token.
  EXPECT_EQ(t->Authenticate(TokenKey(a)), nullptr);
}

TEST(TokenTableTest, MigrationReplacesPlainTokensByTheirDigestsAndKeepsThemValid) {
  const std::string a = "0123456789abcdef0123456789abcdef";
  const std::string b = "fedcba9876543210fedcba9876543210";
  const std::string before = R"({")" + a + R"(": {"name": "A", "tins": ["111111111"]},
                                 ")" +
                             TokenKey(b) + R"(": {"name": "B", "admin": true}})";
  int converted = -1;
  auto after = HashPlainTokens(before, "t", &converted);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(converted, 1);
  EXPECT_EQ(after->find(a), std::string::npos) << *after;
  EXPECT_NE(after->find(TokenKey(a)), std::string::npos) << *after;
  auto table = TokenTable::Parse(*after, "t");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_NE(table->Authenticate(a), nullptr);
  EXPECT_EQ(table->Authenticate(a)->name, "A");
  EXPECT_TRUE(table->Authenticate(b)->admin);
  // Once is enough.
  auto again = HashPlainTokens(*after, "t", &converted);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(converted, 0);
  EXPECT_EQ(*again, *after);
  // The same token in both forms is refused.
  EXPECT_FALSE(HashPlainTokens(R"({")" + a + R"(": {"name": "A", "admin": true}, ")" + TokenKey(a) +
                                   R"(": {"name": "B", "admin": true}})",
                               "t", &converted)
                   .ok());
}

TEST(TokenTableTest, AddingATokenStoresOnlyItsDigest) {
  const std::string a = "0123456789abcdef0123456789abcdef";
  const std::string b = "fedcba9876543210fedcba9876543210";
  auto first = AddTokenEntry("", a, "Acme ACO", {"111111111"}, false, "t");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, "{\n  \"" + TokenKey(a) +
                        "\": {\n    \"name\": \"Acme ACO\",\n    \"tins\": [\n      "
                        "\"111111111\"\n    ]\n  }\n}\n");
  auto second = AddTokenEntry(*first, b, "payer operations", {}, true, "t");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->find(a), std::string::npos);
  EXPECT_EQ(second->find(b), std::string::npos);
  auto table = TokenTable::Parse(*second, "t");
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->size(), 2u);
  EXPECT_EQ(table->Authenticate(a)->name, "Acme ACO");
  EXPECT_TRUE(table->Authenticate(b)->admin);
  // Refused: the same token again, a name in use, tins with admin, neither, a bad TIN.
  EXPECT_FALSE(AddTokenEntry(*second, a, "other", {"111111111"}, false, "t").ok());
  EXPECT_FALSE(
      AddTokenEntry(*second, std::string(40, 'c'), "Acme ACO", {"111111111"}, false, "t").ok());
  EXPECT_FALSE(AddTokenEntry("", a, "x", {"111111111"}, true, "t").ok());
  EXPECT_FALSE(AddTokenEntry("", a, "x", {}, false, "t").ok());
  EXPECT_FALSE(AddTokenEntry("", a, "x", {"1234"}, false, "t").ok());
  EXPECT_FALSE(AddTokenEntry("", "short", "x", {}, true, "t").ok());
}

TEST(TokenTableTest, NewTokensAre256RandomBitsInHex) {
  auto a = NewToken();
  auto b = NewToken();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->size(), 64u);
  EXPECT_EQ(a->find_first_not_of("0123456789abcdef"), std::string::npos) << *a;
  EXPECT_NE(*a, *b);
}

}  // namespace
}  // namespace vbp::api

namespace vbp::api {
namespace {

// Issue 19 item 4: a contract's own member explanation carries the CMS-HCC trail when the rules
// computed the score, and the quality measure results, as `vbp explain --member` does.
// Member H (male, born 1948-03-10: 76 on 2025-02-01, community non-dual aged) has E11.22 (V24
// HCC18), E11.9 (V24 HCC19, dropped by HCC18) and hypertension (I10, by June 30 of the PY as
// CBP needs) in 2024, and a blood pressure of 3074F/3078F (< 130/80) in 2025.
TEST(ApiTrailTest, OwnMemberExplanationCarriesTheHccTrailAndTheMeasures) {
  const std::string dir = ::testing::TempDir() + "/vbp_api_trail";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto write = [&](const char* name, const std::string& text) {
    std::ofstream(dir + "/" + name) << text;
  };
  write("contracts.ndjson",
        R"({"schema":"vbp.contract/1","contract_id":"C-HCC","performance_year":2025,)"
        R"("tins":["111111111"],"rule_set":"vbp-reference@2025.1","parameters":{)"
        R"("benchmark_pbpy":"10000.00","risk_score_source":"record_else_hcc",)"
        R"("quality_source":"measures","quality_scoring":{"min_denominator":1,"max_points":"10",)"
        R"("measures":{"CBP":{"weight":"1","steps":[["0","4"],["0.5","10"]]}}}}})"
        "\n");
  write("members.ndjson",
        R"({"schema":"vbp.member/1","member_id":"H","birth_date":"1948-03-10","sex":"M",)"
        R"("coverage":[{"from":"2023-01-01","through":"2025-12-31","program":"medicare_ffs",)"
        R"("enrollment_type":"aged_nondual"}]})"
        "\n");
  write("providers.ndjson",
        R"({"schema":"vbp.provider/1","npi":"1000000001","tin":"111111111",)"
        R"("specialty":"family medicine","provider_class":"pcp","effective":"2020-01-01"})"
        "\n");
  const std::string claim =
      R"({"schema":"vbp.claim/1","version":1,"frequency":"original","member_id":"H",)"
      R"("billing_tin":"111111111","rendering_npi":"1000000001","claim_type":"professional",)";
  write("claims.ndjson",
        claim +
            R"("claim_id":"D1","from_date":"2024-03-01","through_date":"2024-03-01",)"
            R"("paid_date":"2024-03-20","diagnoses":["E1122","E119","I10"],"lines":[{"line":1,)"
            R"("hcpcs":"99214","modifiers":[],"units":"1","service_date":"2024-03-01","pos":"11",)"
            R"("allowed":"150.00","paid":"120.00"}]})"
            "\n" +
            claim +
            R"("claim_id":"BP","from_date":"2025-11-01","through_date":"2025-11-01",)"
            R"("paid_date":"2025-11-20","diagnoses":["I10"],"lines":[{"line":1,"hcpcs":"3074F",)"
            R"("modifiers":[],"units":"1","service_date":"2025-11-01","pos":"11",)"
            R"("allowed":"0.00","paid":"0.00"},{"line":2,"hcpcs":"3078F","modifiers":[],)"
            R"("units":"1","service_date":"2025-11-01","pos":"11","allowed":"0.00","paid":"0.00"},)"
            R"({"line":3,"hcpcs":"99213","modifiers":[],"units":"1","service_date":"2025-11-01",)"
            R"("pos":"11","allowed":"100.00","paid":"80.00"}]})"
            "\n");
  const std::string token = "hcc-0123456789abcdef0123456789abcdef01";
  auto tokens = TokenTable::Parse(
      R"({")" + TokenKey(token) + R"(": {"name": "Acme ACO", "tins": ["111111111"]}})", "tokens");
  ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
  ApiService service(std::move(tokens).value());
  SnapshotOptions o;
  auto snapshot = LoadDataSnapshot(dir, testing::TestRegistry(), o);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  service.SetSnapshot(std::shared_ptr<const Snapshot>(std::move(snapshot).value()));
  ApiRequest req;
  req.method = "GET";
  req.target = "/v1/contracts/C-HCC/members/H/explanation";
  req.authorization = "Bearer " + token;
  const ApiResponse r = service.Handle(req);
  ASSERT_EQ(r.status, 200) << r.body;
  const json b = json::parse(r.body);
  ASSERT_TRUE(b.contains("risk_score_trail")) << r.body;
  bool v24 = false;
  for (const auto& m : b["risk_score_trail"]["models"]) {
    if (m["model"] != "CMS-HCC-V24") continue;
    v24 = true;
    EXPECT_EQ(m["segment"], "CNA");
    for (const auto& h : m["hccs"]) {
      if (h["hcc"] == 19) {
        EXPECT_EQ(h["kept"], false);
        EXPECT_EQ(h["trumped_by"], 18);
      }
      if (h["hcc"] == 18) {
        EXPECT_EQ(h["kept"], true);
      }
    }
  }
  EXPECT_TRUE(v24);
  ASSERT_TRUE(b.contains("quality_measures")) << r.body;
  bool cbp = false;
  for (const auto& m : b["quality_measures"]["measures"]) {
    if (m["measure_id"] != "CBP") continue;
    cbp = true;
    EXPECT_EQ(m["status"], "met");
    ASSERT_EQ(m["evidence"].size(), 3u);  // the I10 diagnosis and the two readings
  }
  EXPECT_TRUE(cbp);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vbp::api
