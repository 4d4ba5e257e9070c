// The generator's expected outcome (connectors/ingest/generate/expected_outcome.cc, written from
// SPEC §3 independently) against the rules core (rules::EvaluateMember), member by member,
// on generated populations: eligibility, exclusion, attribution (contract and step),
// expenditure and truncation must agree exactly. A disagreement is a defect in one of them.
#include <gtest/gtest.h>

#include "connectors/ingest/generate/claim_model.h"
#include "connectors/ingest/generate/expected_outcome.h"
#include "connectors/ingest/generate/member_model.h"
#include "rules/core/embedded_rule_sets.h"
#include "rules/core/member_evaluation.h"

namespace vbp::generate {
namespace {

struct Engine {
  rules::Parameters params;
  std::vector<Contract> contracts;
  rules::UnitMap units;
  rules::ProviderRoster roster;
};

std::unique_ptr<Engine> EngineFor(const World& w) {
  auto e = std::make_unique<Engine>();
  auto p = rules::ParseParameters(rules::ReferenceRuleSet().default_parameters(), "test");
  EXPECT_TRUE(p.ok());
  e->params = *p;
  for (const auto& c : w.contracts) {
    Contract k;
    k.contract_id = ContractId(c.contract_id);
    k.performance_year = w.options.year;
    for (int g : c.groups) k.tins.push_back(Tin(w.groups[static_cast<size_t>(g)].tin));
    e->contracts.push_back(std::move(k));
  }
  std::vector<const Contract*> ptrs;
  for (const auto& k : e->contracts) ptrs.push_back(&k);
  std::vector<std::string> conflicts;
  e->units = rules::UnitMap::Build(w.options.year, ptrs, &conflicts);
  EXPECT_TRUE(conflicts.empty());
  for (const auto& plan : w.providers) {
    if (!plan.rostered) continue;
    for (const auto& r : plan.roster) {
      Provider pr;
      pr.npi = Npi(plan.npi);
      pr.tin = Tin(w.groups[static_cast<size_t>(r.group)].tin);
      pr.specialty = InfoOf(plan.spec).cms_code;
      pr.provider_class = plan.cls;
      pr.effective = Date::FromDays(r.effective);
      if (r.termination != kOpenEnded) pr.termination = Date::FromDays(r.termination);
      e->roster.Upsert(pr);
    }
  }
  return e;
}

void CrossCheck(int64_t members, uint64_t seed) {
  const World w = BuildWorld({members, seed, 2025});
  const auto engine = EngineFor(w);
  const ExpectationRules er = ExpectationRules::From(engine->params, 2025);
  rules::EvaluationContext ctx;
  ctx.performance_year = 2025;
  ctx.params = &engine->params;
  ctx.units = &engine->units;
  ctx.roster = &engine->roster;
  ctx.as_of = Date::FromDays(er.runout_cutoff);
  ClaimModelOptions co;
  co.runout_cutoff = er.runout_cutoff;
  co.id_salt = 1;
  int64_t attributed = 0;
  for (int64_t i = 0; i < members; ++i) {
    const MemberPlan m = PlanMember(w, static_cast<uint64_t>(i));
    const MemberClaims mc = GenerateClaims(w, m, co);
    Member mem;
    mem.member_id = MemberId(m.member_id);
    mem.birth_date = Date::FromDays(m.birth);
    for (const auto& span : m.coverage) {
      mem.coverage.push_back({Date::FromDays(span.from), Date::FromDays(span.through),
                              ProgramName(span.program), span.type});
    }
    if (m.aligned_provider >= 0) {
      mem.aligned_npi = Npi(w.providers[static_cast<size_t>(m.aligned_provider)].npi);
    }
    if (m.risk_e4[1] >= 0) mem.risk_scores[2025] = Rational(BigInt(m.risk_e4[1]), BigInt(10000));
    // Views of the effective versions.
    std::vector<std::vector<rules::LineFacts>> facts;
    std::vector<rules::ClaimView> views;
    facts.reserve(mc.claims.size());
    for (const ClaimRec& c : mc.claims) {
      const VersionRec* v = c.Effective();
      if (!v) continue;
      auto& lf = facts.emplace_back();
      for (const LineRec& l : v->lines) {
        rules::LineFacts f;
        f.line = l.line;
        f.service_date = Date::FromDays(l.service_day);
        f.hcpcs = rules::HcpcsCode::From(l.hcpcs);
        f.pos = rules::PosCode::From(l.pos);
        f.revenue_code = rules::RevenueCode::From(l.revenue);
        f.allowed = Money::FromCents(l.allowed);
        f.paid = Money::FromCents(l.paid);
        lf.push_back(f);
      }
      rules::ClaimView view;
      view.claim_id = c.claim_id;
      view.version = v->version;
      view.claim_type = c.type;
      view.billing_tin = w.groups[static_cast<size_t>(c.billing_group)].tin;
      view.rendering_npi = w.providers[static_cast<size_t>(c.rendering)].npi;
      view.from_date = Date::FromDays(c.from);
      view.through_date = Date::FromDays(c.through);
      view.paid_date = Date::FromDays(v->paid_day);
      view.lines = lf;
      views.push_back(view);
    }
    const rules::MemberOutcome out = rules::EvaluateMember(mem.member_id, &mem, views, ctx);
    const MemberExpectation e = ExpectMember(er, w, m, mc.claims);
    const std::string who = "seed " + std::to_string(seed) + " member " + std::to_string(i);
    ASSERT_EQ(out.eligible_months, e.eligible_months) << who;
    ASSERT_EQ(!out.exclusion.empty(), e.excluded) << who;
    for (size_t t = 0; t < kEnrollmentTypeCount; ++t) {
      ASSERT_EQ(out.months[t], e.months[t]) << who;
      ASSERT_EQ(out.expenditure[t], Money::FromCents(e.expenditure_cents[t])) << who;
      ASSERT_EQ(out.truncated_x12[t], Int128(e.truncated_x12_cents[t]) * Money::kMicrosPerCent)
          << who;
    }
    const std::string want_contract =
        e.contract >= 0 ? w.contracts[static_cast<size_t>(e.contract)].contract_id : "";
    ASSERT_EQ(out.contract ? out.contract->str() : "", want_contract) << who;
    if (out.contract) {
      ASSERT_EQ(static_cast<int>(out.step), e.step) << who;
      ++attributed;
    }
  }
  EXPECT_GT(attributed, members / 2);
}

TEST(ExpectationCrossCheckTest, AgreesWithTheRulesCoreMemberByMember) {
  CrossCheck(2000, 1);
  CrossCheck(2000, 2);
}

}  // namespace
}  // namespace vbp::generate
