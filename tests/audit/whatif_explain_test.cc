// What-if deltas and explanations on a population small enough to check by hand.
//
// Contracts (PY 2025, one-sided, benchmark per person-year as below, no truncation, no
// sequestration, MSR fixed 0.02): A = TIN 111111111 (pbpy 195.00), B = TIN 222222222 (pbpy
// 100.00); TIN 333333333 is in no contract. Roster: 1000000001 pcp@111, 1000000002 pcp@222,
// 1000000003 specialist@333, 1000000005 specialist@111. Six members, full year, aged non-dual:
//   M1  99213 at A 100.00, 99214 at B 80.00            -> step 1, A (100 > 80)
//   M2  99214 at A 200.00, 99213 at B 50.00            -> step 1, A (200 > 50)
//   M3  99214 at B 70.00                               -> step 1, B
//   M4  specialist 99213 at 333 90.00, at A 120.00     -> step 2, A (120 > 90)
//   M5  99213 at A 60.00 (Mar 1), at B 60.00 (May 1)   -> tie, most recent service: B
//   M6  99213 at A 60.00, at B 60.00, both Apr 1       -> tie, smallest unit id: A
// Paid = allowed on every line. Side "own":
//   A: M1 M2 M4 M6 = 4 members; expenditure 180+250+210+120 = 760.00; benchmark 4 x 195 =
//      780.00; gross 20.00; rate 20/780 = 0.0256410256 >= 0.02: shared min(20 x 0.5, 78) = 10.00
//   B: M3 M5 = 2; expenditure 70+120 = 190.00; benchmark 200.00; gross 10.00; rate 0.05:
//      shared min(5, 20) = 5.00
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "engine/audit/audit_book.h"
#include "engine/report/explain.h"
#include "engine/report/whatif.h"
#include "tests/engine/scenario.h"

namespace vbp::testing {
namespace {

using nlohmann::ordered_json;

constexpr const char* kCommon =
    R"("truncation_threshold": "100000.00", "payment_reduction": "0", "msr": "0.02")";

struct Tiny {
  Scenario s;
  audit::AuditBook book;
  Tiny() {
    s.AddProvider("1000000001", "111111111", ProviderClass::kPcp);
    s.AddProvider("1000000002", "222222222", ProviderClass::kPcp);
    s.AddProvider("1000000003", "333333333", ProviderClass::kSpecialist);
    s.AddProvider("1000000005", "111111111", ProviderClass::kSpecialist);
    s.AddContract("A", {"111111111"},
                  std::string("{\"benchmark_pbpy\": \"195.00\", ") + kCommon + "}");
    s.AddContract("B", {"222222222"},
                  std::string("{\"benchmark_pbpy\": \"100.00\", ") + kCommon + "}");
    for (const char* m : {"M1", "M2", "M3", "M4", "M5", "M6"}) s.AddMember(m);
    s.AddClaim("C1a", "M1", "111111111", "1000000001", "2025-12-01",
               {{"99213", "2025-02-01", "100.00", "100.00"}});
    s.AddClaim("C1b", "M1", "222222222", "1000000002", "2025-12-01",
               {{"99214", "2025-02-03", "80.00", "80.00"}});
    s.AddClaim("C2a", "M2", "111111111", "1000000001", "2025-12-01",
               {{"99214", "2025-03-01", "200.00", "200.00"}});
    s.AddClaim("C2b", "M2", "222222222", "1000000002", "2025-12-01",
               {{"99213", "2025-03-05", "50.00", "50.00"}});
    s.AddClaim("C3", "M3", "222222222", "1000000002", "2025-12-01",
               {{"99214", "2025-04-01", "70.00", "70.00"}});
    s.AddClaim("C4a", "M4", "333333333", "1000000003", "2025-12-01",
               {{"99213", "2025-05-01", "90.00", "90.00"}});
    s.AddClaim("C4b", "M4", "111111111", "1000000005", "2025-12-01",
               {{"99213", "2025-06-01", "120.00", "120.00"}});
    s.AddClaim("C5a", "M5", "111111111", "1000000001", "2025-12-01",
               {{"99213", "2025-03-01", "60.00", "60.00"}});
    s.AddClaim("C5b", "M5", "222222222", "1000000002", "2025-12-01",
               {{"99213", "2025-05-01", "60.00", "60.00"}});
    s.AddClaim("C6a", "M6", "111111111", "1000000001", "2025-12-01",
               {{"99213", "2025-04-01", "60.00", "60.00"}});
    s.AddClaim("C6b", "M6", "222222222", "1000000002", "2025-12-01",
               {{"99213", "2025-04-01", "60.00", "60.00"}});
    for (const auto& m : s.members_) book.AddMember(m);
    for (const auto& p : s.providers_) book.AddProvider(p);
    for (const auto& c : s.contracts_) book.AddContract(c);
    for (const auto& c : s.claims_) book.AddClaim(c);
    book.Finish();
  }
  std::unique_ptr<audit::Evaluation> Run(const audit::SideSpec& spec) {
    auto ev = audit::Evaluation::Run(book, s.registry_, spec);
    EXPECT_TRUE(ev.ok()) << ev.status().ToString();
    return std::move(ev).value();
  }
};

ordered_json Figure(const audit::WhatIfOutput& out, const std::string& contract,
                    const std::string& figure) {
  for (const auto& c : out.deltas["contracts"]) {
    if (c["contract_id"] == contract) return c["figures"][figure];
  }
  ADD_FAILURE() << "no contract " << contract;
  return {};
}

const ordered_json* Move(const audit::WhatIfOutput& out, const std::string& member) {
  for (const auto& m : out.members) {
    if (m["member_id"] == member) return &m;
  }
  return nullptr;
}

TEST(AuditBookTest, SettlesExactlyLikeBatchSettlement) {
  Tiny t;
  auto ev = t.Run({});
  auto batch = t.s.Settle();
  ASSERT_EQ(ev->contracts().size(), batch.result.contracts.size());
  for (size_t i = 0; i < ev->contracts().size(); ++i) {
    const auto& c = ev->contracts()[i];
    EXPECT_EQ(StatementJson(c.figures, 1, c.tins).dump(),
              batch.StatementText(c.figures.contract_id.str()));
  }
  // The hand-computed figures of the header comment.
  auto a = StatementJson(ev->Find(ContractId(std::string("A")))->figures, 1, {});
  EXPECT_EQ(a["assigned_members"], 4);
  EXPECT_EQ(a["expenditure_total"], "760.00");
  EXPECT_EQ(a["benchmark_total"], "780.00");
  EXPECT_EQ(a["savings_rate"], "0.0256410256");
  EXPECT_EQ(a["shared_savings"], "10.00");
  auto b = StatementJson(ev->Find(ContractId(std::string("B")))->figures, 1, {});
  EXPECT_EQ(b["assigned_members"], 2);
  EXPECT_EQ(b["expenditure_total"], "190.00");
  EXPECT_EQ(b["shared_savings"], "5.00");
}

TEST(WhatIfTest, AnMsrTableTakesContractABelowItsMinimumSavingsRate) {
  // B: msr = band table [1, 10]: 0.05 -> 0.03, then flat 0.02 from 10.
  //   A: N = 4: msr = 0.05 + (0.03 - 0.05) x 3/9 = 0.0433333333 > 0.0256: shared 0.00 (-10.00)
  //   B: N = 2: msr = 0.05 - 0.02 x 1/9 = 0.0477777778 <= 0.05: shared 5.00 (unchanged)
  Tiny t;
  auto a = t.Run({});
  audit::SideSpec spec;
  spec.overrides["msr"] = nlohmann::json::parse(
      R"([{"lo": 1, "hi": 10, "r_lo": "0.05", "r_hi": "0.03"}, {"lo": 10, "r_lo": "0.02"}])");
  auto b = t.Run(spec);
  audit::WhatIfOutput out =
      audit::CompareSides({a.get(), b.get(), {"own", "", {}}, {"own", "", spec.overrides}, "test"});
  EXPECT_EQ(
      Figure(out, "A", "msr"),
      (ordered_json{{"a", "0.0200000000"}, {"b", "0.0433333333"}, {"delta", "0.0233333333"}}));
  EXPECT_EQ(Figure(out, "A", "shared_savings")["delta"], "-10.00");
  EXPECT_EQ(Figure(out, "A", "net_payment"),
            (ordered_json{{"a", "10.00"}, {"b", "0.00"}, {"delta", "-10.00"}}));
  EXPECT_EQ(Figure(out, "B", "msr")["b"], "0.0477777778");
  EXPECT_EQ(Figure(out, "B", "net_payment")["delta"], "0.00");
  EXPECT_EQ(Figure(out, "A", "assigned_members")["delta"], "0");
  EXPECT_EQ(out.deltas["totals"]["net_payment"],
            (ordered_json{{"a", "15.00"}, {"b", "5.00"}, {"delta", "-10.00"}}));
  EXPECT_EQ(out.attribution_moves, 0u);  // MSR is contract-level: nobody moves
  EXPECT_EQ(out.expenditure_changes, 0u);
  for (const auto& c : out.deltas["contracts"]) {
    if (c["contract_id"] == "A") {
      EXPECT_EQ(c["outcome"], (ordered_json{{"a", "shared_savings"}, {"b", "savings_below_msr"}}));
    }
  }
}

TEST(WhatIfTest, DroppingACodeFromThePrimaryCareListMovesMembersAndMoney) {
  // B: 99214 is no longer primary care.
  //   M2: A's 99214 stops counting -> B wins with 50.00 (attribution A -> B, step 1)
  //   M3: its only line is 99214 -> no qualifying service (B -> none)
  //   M1: B's 99214 stops counting -> still A (no move)
  //   A: M1 M4 M6: expenditure 180+210+120 = 510.00, benchmark 585.00, gross 75.00,
  //      rate 0.1282051282: shared min(37.50, 58.50) = 37.50 (+27.50)
  //   B: M2 M5: expenditure 250+120 = 370.00, benchmark 200.00, gross -170.00: one-sided,
  //      nothing shared (-5.00)
  Tiny t;
  auto a = t.Run({});
  nlohmann::json codes =
      t.s.registry_.Find("vbp-reference@2025.1")->default_parameters()["primary_care_codes"];
  nlohmann::json without = nlohmann::json::array();
  for (const auto& c : codes) {
    if (c != "99214") without.push_back(c);
  }
  ASSERT_EQ(without.size() + 1, codes.size());
  // Side B as a rule-set file: the reference set with the shorter list, another version.
  nlohmann::json doc = t.s.registry_.Find("vbp-reference@2025.1")->document();
  doc["version"] = "2025.1-no99214";
  doc["parameters"]["primary_care_codes"] = without;
  RuleRegistry registry = t.s.registry_;
  ASSERT_TRUE(registry.AddText(doc.dump(), "test").ok());
  audit::SideSpec spec;
  spec.force_rule_set = registry.Find("vbp-reference@2025.1-no99214");
  ASSERT_NE(spec.force_rule_set, nullptr);
  auto ev = audit::Evaluation::Run(t.book, registry, spec);
  ASSERT_TRUE(ev.ok());
  audit::WhatIfOutput out =
      audit::CompareSides({a.get(),
                           ev->get(),
                           {"own", "", {}},
                           {spec.force_rule_set->id(), spec.force_rule_set->hash(), {}},
                           "test"});
  EXPECT_EQ(Figure(out, "A", "assigned_members"),
            (ordered_json{{"a", "4"}, {"b", "3"}, {"delta", "-1"}}));
  EXPECT_EQ(Figure(out, "A", "expenditure_total")["b"], "510.00");
  EXPECT_EQ(Figure(out, "A", "savings_rate")["b"], "0.1282051282");
  EXPECT_EQ(Figure(out, "A", "net_payment"),
            (ordered_json{{"a", "10.00"}, {"b", "37.50"}, {"delta", "27.50"}}));
  EXPECT_EQ(Figure(out, "B", "assigned_members")["b"], "2");
  EXPECT_EQ(Figure(out, "B", "expenditure_total")["b"], "370.00");
  EXPECT_EQ(Figure(out, "B", "net_payment"),
            (ordered_json{{"a", "5.00"}, {"b", "0.00"}, {"delta", "-5.00"}}));
  EXPECT_EQ(out.deltas["totals"]["net_payment"]["delta"], "22.50");
  EXPECT_EQ(out.attribution_moves, 2u);
  const ordered_json* m2 = Move(out, "M2");
  ASSERT_NE(m2, nullptr);
  EXPECT_EQ((*m2)["from"]["contract_id"], "A");
  EXPECT_EQ((*m2)["to"]["contract_id"], "B");
  EXPECT_EQ((*m2)["to"]["step"], 1);
  EXPECT_EQ((*m2)["change"], "attribution");
  EXPECT_NE((*m2)["why"].get<std::string>().find("contract:B has allowed 50.00"), std::string::npos)
      << (*m2)["why"];
  const ordered_json* m3 = Move(out, "M3");
  ASSERT_NE(m3, nullptr);
  EXPECT_EQ((*m3)["from"]["contract_id"], "B");
  EXPECT_TRUE((*m3)["to"]["contract_id"].is_null());
  EXPECT_EQ((*m3)["to"]["status"], "no_qualifying_service");
  EXPECT_EQ(Move(out, "M1"), nullptr);
  // The CSV and HTML carry the same.
  EXPECT_NE(out.members_csv.find("M2,2025,attribution,A,contract:A,1,attributed"),
            std::string::npos)
      << out.members_csv;
  EXPECT_NE(
      out.contracts_csv.find("A,2025,vbp-reference@2025.1,vbp-reference@2025.1-no99214,4,3,-1"),
      std::string::npos)
      << out.contracts_csv;
  EXPECT_NE(out.html.find("<svg"), std::string::npos);
  EXPECT_EQ(out.html.find("http://"),
            out.html.find("http://www.w3.org/2000/svg"));  // no external assets
  EXPECT_NE(out.html.find("27.50"), std::string::npos);

  // report.html, summary first: the TOTAL row sums by hand to members 4 + 2 = 6 (A) and
  // 3 + 2 = 5 (B), net payment 10.00 + 5.00 = 15.00 (A) and 37.50 + 0.00 = 37.50 (B), change
  // 22.50, i.e. 22.50 / 15.00 = +150.0%.
  const std::string& h = out.html;
  EXPECT_NE(h.find("<tr class=\"total\" data-check=\"total\"><td>TOTAL</td><td></td><td>2 "
                   "contracts</td><td class=\"n\" data-v=\"6\">6</td><td class=\"n\" "
                   "data-v=\"5\">5</td><td data-check=\"net-a\" class=\"n\" data-v=\"15.00\">15.00"
                   "</td><td data-check=\"net-b\" class=\"n\" data-v=\"37.50\">37.50</td><td "
                   "data-check=\"net-delta\" class=\"chg n\" data-v=\"22.50\">22.50</td><td "
                   "class=\"n\" data-v=\"22.50\">+150.0%</td></tr>"),
            std::string::npos)
      << h;
  // Contract B's row: 5.00 -> 0.00 is -5.00, -100.0%.
  EXPECT_NE(h.find("data-v=\"-5.00\">-5.00</td><td class=\"n neg\" data-v=\"-5.00\">-100.0%</td>"),
            std::string::npos);
  // The order an actuary reads in.
  const size_t summary = h.find("id=\"summary\"");
  const size_t params = h.find("<h2>Parameters that differ</h2>");
  const size_t moves = h.find("<h2>Member moves by contract</h2>");
  const size_t members = h.find("<h2>Members</h2>");
  EXPECT_LT(summary, params);
  EXPECT_LT(params, moves);
  EXPECT_LT(moves, members);
  EXPECT_LT(members, std::string::npos);
  // Moves by contract: M2 A -> B, M3 B -> nowhere, with the reason.
  EXPECT_NE(h.find("<tr><td>A</td><td>B</td><td class=\"n\" data-v=\"1\">1</td></tr>"),
            std::string::npos);
  EXPECT_NE(h.find("<tr><td>B</td><td>unattributed (no qualifying primary-care service)</td>"),
            std::string::npos);
  EXPECT_NE(h.find("unattributed <small>(no qualifying primary-care service)</small>"),
            std::string::npos);
  EXPECT_EQ(h.find("step <br>"), std::string::npos);  // no bare "step" for an unattributed side
  EXPECT_NE(h.find("class=\"sortable filterable\" aria-label=\"members\""), std::string::npos);
  EXPECT_NE(h.find("@media print"), std::string::npos);
}

// Side B: the reference rule set with a fixed MSR of 0.03, as another version. Both Tiny
// contracts set their own msr (0.02), so by default B's MSR reaches neither.
struct Msr3 {
  RuleRegistry registry;
  const rules::RuleSet* b = nullptr;
  explicit Msr3(const Tiny& t) : registry(t.s.registry_) {
    nlohmann::json doc = registry.Find("vbp-reference@2025.1")->document();
    doc["version"] = "2025.1-msr3";
    doc["parameters"]["msr"] = "0.03";
    EXPECT_TRUE(registry.AddText(doc.dump(), "test").ok());
    b = registry.Find("vbp-reference@2025.1-msr3");
  }
};

TEST(WhatIfTest, AChangeEveryContractOverridesIsReportedAndReachesNoContract) {
  Tiny t;
  Msr3 m(t);
  ASSERT_NE(m.b, nullptr);
  auto a = t.Run({});
  audit::SideSpec spec;
  spec.force_rule_set = m.b;
  auto b = audit::Evaluation::Run(t.book, m.registry, spec);
  ASSERT_TRUE(b.ok());
  audit::WhatIfInput in{a.get(), b->get(), {"own", "", {}}, {m.b->id(), m.b->hash(), {}}, "test"};
  in.parameter_changes = audit::CompareParameters(t.book, m.registry, nullptr, m.b, {});
  audit::WhatIfOutput out = audit::CompareSides(in);
  // Only msr differs between the two rule sets; both contracts set their own.
  const nlohmann::json reference_msr =
      m.registry.Find("vbp-reference@2025.1")->default_parameters()["msr"];
  ASSERT_TRUE(reference_msr.is_array());
  EXPECT_EQ(out.deltas["parameter_changes"],
            (ordered_json{{{"parameter", "msr"},
                           {"a", ordered_json::parse(reference_msr.dump())},
                           {"b", "0.03"},
                           {"overridden_by", {"A", "B"}}}}));
  EXPECT_EQ(out.deltas["applied_over_contracts"], false);
  EXPECT_EQ(Figure(out, "A", "net_payment")["delta"], "0.00");
  EXPECT_EQ(Figure(out, "B", "net_payment")["delta"], "0.00");
  EXPECT_EQ(Figure(out, "A", "msr")["delta"], "0.0000000000");
  ASSERT_EQ(out.notices.size(), 1u);
  const std::string& n = out.notices[0];
  EXPECT_EQ(n.rfind("Note: parameter msr changed ([{\"hi\":5999,", 0), 0u) << n;
  EXPECT_NE(n.find("-> \"0.03\") but every contract overrides it (A, B): the what-if shows no "
                   "effect of it. Use --apply-over-contracts"),
            std::string::npos)
      << n;
  EXPECT_EQ(out.deltas["notices"], ordered_json{n});
  EXPECT_NE(out.html.find("class=\"notice\""), std::string::npos);
  EXPECT_LT(out.html.find("every contract overrides it (A, B)"), out.html.find("<svg"));
}

TEST(WhatIfTest, ApplyOverContractsReplacesTheContractsOwnValueOnSideB) {
  // msr 0.03 over both contracts on side B:
  //   A: rate 20/780 = 0.0256410256 < 0.03: shared 0.00 (was 10.00): delta -10.00
  //   B: rate 10/200 = 0.05 >= 0.03: shared 5.00 (unchanged)
  Tiny t;
  Msr3 m(t);
  auto a = t.Run({});
  auto found = audit::CompareParameters(t.book, m.registry, nullptr, m.b, {});
  std::vector<std::string> applied;
  auto over = audit::ApplyChangesOverContracts(found, nlohmann::json::object(), &applied);
  ASSERT_TRUE(over.ok());
  EXPECT_EQ(*over, (nlohmann::json{{"msr", "0.03"}}));
  EXPECT_EQ(applied, std::vector<std::string>{"msr"});
  audit::SideSpec spec;
  spec.force_rule_set = m.b;
  spec.overrides = *over;
  auto b = audit::Evaluation::Run(t.book, m.registry, spec);
  ASSERT_TRUE(b.ok());
  audit::WhatIfInput in{a.get(), b->get(), {"own", "", {}}, {m.b->id(), m.b->hash(), {}}, "test"};
  in.parameter_changes = audit::CompareParameters(t.book, m.registry, nullptr, m.b, *over);
  in.applied_over_contracts = true;
  in.applied_parameters = applied;
  audit::WhatIfOutput out = audit::CompareSides(in);
  EXPECT_EQ(Figure(out, "A", "net_payment"),
            (ordered_json{{"a", "10.00"}, {"b", "0.00"}, {"delta", "-10.00"}}));
  EXPECT_EQ(Figure(out, "B", "net_payment"),
            (ordered_json{{"a", "5.00"}, {"b", "5.00"}, {"delta", "0.00"}}));
  EXPECT_EQ(Figure(out, "A", "msr")["b"], "0.0300000000");
  EXPECT_EQ(out.deltas["parameter_changes"][0]["overridden_by"], ordered_json::array());
  EXPECT_EQ(out.deltas["applied_over_contracts"], true);
  EXPECT_EQ(out.deltas["applied_parameters"],
            (ordered_json{{{"parameter", "msr"}, {"b", "0.03"}, {"replaced_in", {"A", "B"}}}}));
  EXPECT_TRUE(out.notices.empty());
  // Independent route: the contracts edited to msr 0.03 and settled in batch.
  Scenario edited = t.s;
  for (auto& c : edited.contracts_) {
    auto p = nlohmann::json::parse(c.parameters_json);
    p["msr"] = "0.03";
    c.parameters_json = p.dump();
  }
  auto settled = edited.Settle();
  for (const char* id : {"A", "B"}) {
    auto st = nlohmann::json::parse(settled.StatementText(id));
    EXPECT_EQ(Figure(out, id, "net_payment")["b"].get<std::string>(),
              st["net_payment"].get<std::string>())
        << id;
  }
}

TEST(WhatIfTest, ARuleSetDocumentedForAnotherPerformanceYearWarnsOnEveryRoute) {
  Tiny t;
  const rules::RuleSet* ref = t.s.registry_.Find("vbp-reference@2025.1");
  ASSERT_EQ(ref->performance_year(), 2025);
  // The documented year is advisory and not hashed: the statements' rules_hash is the same as
  // without it.
  nlohmann::json undated = ref->document();
  undated.erase("performance_year");
  auto rs = rules::RuleSet::FromJson(undated, "test");
  ASSERT_TRUE(rs.ok());
  EXPECT_EQ(rs->hash(), ref->hash());
  EXPECT_FALSE(rs->performance_year().has_value());
  const std::string expected =
      "contract P24 (performance year 2024) uses rule set vbp-reference@2025.1, which is "
      "documented for performance year 2025: check that its parameters (code lists, MSR table, "
      "benchmarks) fit 2024";
  // Batch settlement (vbp settle).
  t.s.AddContract("P24", {"444444444"}, "{}", 2024);
  auto settled = t.s.Settle();
  EXPECT_EQ(settled.result.warnings, std::vector<std::string>{expected});
  // What-if: in deltas.json warnings, once when both sides have it.
  audit::AuditBook book;
  for (const auto& x : t.s.members_) book.AddMember(x);
  for (const auto& x : t.s.providers_) book.AddProvider(x);
  for (const auto& x : t.s.contracts_) book.AddContract(x);
  for (const auto& x : t.s.claims_) book.AddClaim(x);
  book.Finish();
  auto a = audit::Evaluation::Run(book, t.s.registry_, {});
  auto b = audit::Evaluation::Run(book, t.s.registry_, {});
  ASSERT_TRUE(a.ok() && b.ok());
  audit::WhatIfOutput out =
      audit::CompareSides({a->get(), b->get(), {"own", "", {}}, {"own", "", {}}, "test"});
  EXPECT_EQ(out.deltas["warnings"], ordered_json{expected});
  // A rule set that documents no year (or the contract's) gives none.
  EXPECT_FALSE(ref->YearWarning("C", 2025).has_value());
  EXPECT_FALSE(rs->YearWarning("C", 2024).has_value());
}

TEST(ExplainTest, ATieOnAllowedIsDecidedByTheMostRecentServiceThenTheSmallestUnitId) {
  Tiny t;
  auto ev = t.Run({});
  auto m5 = audit::ExplainMember(t.book, *ev, {"M5", std::nullopt, std::nullopt});
  ASSERT_TRUE(m5.ok()) << m5.status().ToString();
  const auto& e5 = (*m5)["evaluations"][0];
  EXPECT_EQ(e5["result"]["contract_id"], "B");
  EXPECT_EQ(e5["result"]["step"], 1);
  EXPECT_EQ(e5["result"]["decided_by"], "tie on allowed: most recent service");
  EXPECT_EQ(e5["tie"]["between"].size(), 2u);
  EXPECT_EQ(e5["tie"]["between"][0]["unit"], "contract:B");
  EXPECT_EQ(e5["tie"]["between"][0]["last_service"], "2025-05-01");
  EXPECT_EQ(e5["tie"]["between"][1]["unit"], "contract:A");
  EXPECT_EQ(e5["step1_allowed_by_unit"][1]["allowed"], "60.00");
  auto m6 = audit::ExplainMember(t.book, *ev, {"M6", ContractId(std::string("B")), std::nullopt});
  ASSERT_TRUE(m6.ok());
  const auto& e6 = (*m6)["evaluations"][0];
  EXPECT_EQ(e6["result"]["decided_by"], "tie on allowed and most recent service: smallest unit id");
  EXPECT_EQ(e6["tie"]["winner"], "contract:A");
  EXPECT_EQ(e6["verdict_for_contract"], "not attributed to B: attributed to A instead");
  const std::string text = audit::ExplainMemberText(*m6);
  EXPECT_NE(text.find("tie between: contract:A contract:B -> tie on allowed and most recent "
                      "service: smallest unit id -> contract:A"),
            std::string::npos)
      << text;
}

TEST(ExplainTest, AMemberWithOnlySpecialistServicesIsAttributedAtStepTwo) {
  Tiny t;
  auto ev = t.Run({});
  auto r = audit::ExplainMember(t.book, *ev, {"M4", ContractId(std::string("A")), 2025});
  ASSERT_TRUE(r.ok());
  const auto& e = (*r)["evaluations"][0];
  EXPECT_EQ(e["result"]["step"], 2);
  EXPECT_EQ(e["result"]["unit"], "contract:A");
  EXPECT_TRUE(e["step1_allowed_by_unit"].empty());
  ASSERT_EQ(e["step2_allowed_by_unit"].size(), 2u);
  EXPECT_EQ(e["step2_allowed_by_unit"][0]["unit"], "contract:A");
  EXPECT_EQ(e["step2_allowed_by_unit"][0]["allowed"], "120.00");
  EXPECT_EQ(e["step2_allowed_by_unit"][1]["unit"], "tin:333333333");
  EXPECT_EQ(e["verdict_for_contract"], "attributed to A");
  ASSERT_EQ(e["lines"].size(), 2u);
  for (const auto& l : e["lines"]) {
    EXPECT_EQ(l["attribution"]["counted_at_step"], 2);
    EXPECT_EQ(l["attribution"]["provider_class"], "specialist");
    EXPECT_TRUE(l["expenditure"]["counted"].get<bool>());
  }
  EXPECT_EQ(e["expenditure"]["paid_total"], "210.00");
  EXPECT_EQ(e["expenditure"]["contribution_to_expenditure_total"], "210.000000");
  EXPECT_EQ(e["eligibility"]["eligible_months"], 12);
  EXPECT_NE(e["result"]["why"].get<std::string>().find("step 2"), std::string::npos);
  // A member the book does not know.
  EXPECT_EQ(audit::ExplainMember(t.book, *ev, {"M99", std::nullopt, std::nullopt}).status().code(),
            StatusCode::kNotFound);
}

TEST(ExplainTest, AFigureDrillsDownToItsMembersAndTheirLines) {
  Tiny t;
  auto ev = t.Run({});
  audit::FigureQuery q{ContractId(std::string("A")), "expenditure_total", std::string("M2"), ""};
  q.statement_text = StatementJson(ev->Find(q.contract)->figures, 7, {}).dump();
  auto r = audit::ExplainFigure(t.book, *ev, q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["recomputed_value"], "760.00");
  EXPECT_EQ((*r)["statement_value"], "760.00");
  EXPECT_TRUE((*r)["matches_statement"].get<bool>());
  EXPECT_EQ((*r)["member_count"], 4);
  std::vector<std::string> ids, contributions;
  for (const auto& m : (*r)["members"]) {
    ids.push_back(m["member_id"]);
    contributions.push_back(m["contribution"]);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"M1", "M2", "M4", "M6"}));
  EXPECT_EQ(contributions,
            (std::vector<std::string>{"180.000000", "250.000000", "210.000000", "120.000000"}));
  EXPECT_EQ((*r)["sum_of_contributions"], "760.00");
  EXPECT_TRUE((*r)["sum_equals_recomputed_value"].get<bool>());
  EXPECT_EQ((*r)["member_detail"]["lines"].size(), 2u);
  // Benchmark: 4 members x 12 months x 195.00 / 12.
  q.figure = "benchmark_total";
  q.member_id.reset();
  auto b = audit::ExplainFigure(t.book, *ev, q);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)["members"][0]["contribution"], "195.000000");
  EXPECT_EQ((*b)["sum_of_contributions"], "780.00");
  // A derived figure lists its inputs.
  q.figure = "net_payment";
  auto n = audit::ExplainFigure(t.book, *ev, q);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ((*n)["inputs"]["shared_savings"], "10.00");
  EXPECT_EQ((*n)["inputs"]["outcome"], "shared_savings");
  EXPECT_NE(audit::ExplainFigureText(*n).find("drill into"), std::string::npos);
  q.figure = "nonsense";
  EXPECT_EQ(audit::ExplainFigure(t.book, *ev, q).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vbp::testing

namespace vbp::testing {
namespace {

// Issue 19 item 4: `vbp explain --member` shows why a computed risk score is what it is (the
// CMS-HCC trail) and the member's quality measure results with the claim lines that decided.
// Member D (male, born 1948-03-10: 76 on 2025-02-01, CNA) has, in 2024, E11.22 (V24 HCC18),
// E11.9 (V24 HCC19, dropped by HCC18: cms_hcc__disease_hierarchy.csv), I50.22 (V24 HCC85) and
// essential hypertension (I10, before June 30 of the PY as CBP needs), and in 2025 a
// blood-pressure reading 3074F/3078F (< 130/80).
TEST(ExplainTest, AMemberExplanationCarriesTheHccTrailAndTheMeasureResults) {
  Scenario s;
  s.AddProvider("1000000001", "111111111", ProviderClass::kPcp);
  s.AddContract("C1", {"111111111"}, R"({"benchmark_pbpy": "10000.00",
    "risk_score_source": "record_else_hcc", "quality_source": "measures",
    "quality_scoring": {"min_denominator": 1, "max_points": "10",
      "measures": {"CBP": {"weight": "1", "steps": [["0", "4"], ["0.5", "10"]]}}}})");
  Member& m = s.AddMember("D");
  m.birth_date = D("1948-03-10");
  m.sex = Sex::kMale;
  m.coverage.front().from = D("2023-01-01");
  Claim& c1 = s.AddClaim("d1", "D", "111111111", "1000000001", "2024-03-20",
                         {{"99214", "2024-03-01", "150.00", "120.00"}});
  c1.diagnoses = {"E1122", "E119", "I5022", "I10"};
  Claim& c2 = s.AddClaim(
      "bp", "D", "111111111", "1000000001", "2025-11-20",
      {{"3074F", "2025-11-01", "0.00", "0.00"}, {"3078F", "2025-11-01", "0.00", "0.00"}});
  c2.diagnoses = {"I10"};
  audit::AuditBook book;
  for (const auto& x : s.members_) book.AddMember(x);
  for (const auto& x : s.providers_) book.AddProvider(x);
  for (const auto& x : s.contracts_) book.AddContract(x);
  for (const auto& x : s.claims_) book.AddClaim(x);
  book.Finish();
  auto ev = audit::Evaluation::Run(book, s.registry_, {});
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  auto r = audit::ExplainMember(book, **ev, {"D", std::nullopt, 2025});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ordered_json& e = (*r)["evaluations"][0];
  EXPECT_EQ(e["risk_score_source"], "computed");
  ASSERT_TRUE(e.contains("risk_score_trail"));
  const ordered_json& trail = e["risk_score_trail"];
  EXPECT_EQ(trail["profile"]["age"], 76);
  bool v24 = false;
  for (const auto& model : trail["models"]) {
    if (model["model"] != "CMS-HCC-V24") continue;
    v24 = true;
    EXPECT_EQ(model["segment"], "CNA");
    std::map<int, std::pair<bool, int>> hccs;  // hcc -> (kept, trumped_by)
    for (const auto& h : model["hccs"]) {
      hccs[h["hcc"].get<int>()] = {h["kept"].get<bool>(), h.value("trumped_by", 0)};
    }
    EXPECT_EQ(hccs[18], std::make_pair(true, 0));
    EXPECT_EQ(hccs[19], std::make_pair(false, 18));
    EXPECT_EQ(hccs[85], std::make_pair(true, 0));
    std::vector<std::string> names;
    for (const auto& f : model["factors"]) names.push_back(f["name"].get<std::string>());
    EXPECT_NE(std::find(names.begin(), names.end(), "Diabetes_CHF"), names.end());
  }
  EXPECT_TRUE(v24);
  ASSERT_TRUE(e.contains("quality_measures"));
  bool cbp = false;
  for (const auto& q : e["quality_measures"]["measures"]) {
    if (q["measure_id"] != "CBP") continue;
    cbp = true;
    EXPECT_EQ(q["status"], "met");
    std::set<std::pair<std::string, std::string>> claims;  // (claim, code)
    for (const auto& x : q["evidence"]) {
      claims.insert({x["claim_id"].get<std::string>(), x["code"].get<std::string>()});
    }
    EXPECT_TRUE(claims.count({"bp", "3074F"}));
    EXPECT_TRUE(claims.count({"bp", "3078F"}));
  }
  EXPECT_TRUE(cbp);
  const std::string text = audit::ExplainMemberText(*r);
  EXPECT_NE(text.find("HCC19 dropped by HCC18"), std::string::npos) << text;
  EXPECT_NE(text.find("CBP        met"), std::string::npos) << text;
}

}  // namespace
}  // namespace vbp::testing
