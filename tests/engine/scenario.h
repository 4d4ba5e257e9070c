#pragma once
// Builds records in code for settlement tests: every figure a test asserts is computed by
// hand from these few records (the comments next to each expectation show the arithmetic).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/batch/batch_settlement.h"
#include "engine/core/statement_json.h"

namespace vbp::testing {

inline Date D(const char* s) { return *Date::Parse(s); }
inline Money M(const char* s) { return *Money::Parse(s); }

struct LineSpec {
  std::string hcpcs;
  const char* service_date;
  const char* allowed;
  const char* paid;
  std::string pos = "11";
};

class Scenario {
 public:
  Scenario() : registry_(RuleRegistry::Shipped()) {}

  // A member covered in medicare_ffs for the months [from, through] of 2025.
  Member& AddMember(const std::string& id, const char* from = "2025-01-01",
                    const char* through = "2025-12-31",
                    EnrollmentType type = EnrollmentType::kAgedNondual) {
    Member m;
    m.member_id = MemberId(id);
    m.birth_date = D("1950-06-15");
    m.sex = Sex::kFemale;
    m.coverage.push_back({D(from), D(through), "medicare_ffs", type});
    m.source = {"members.ndjson", -1, static_cast<int64_t>(members_.size() + 1)};
    members_.push_back(m);
    return members_.back();
  }

  void AddProvider(const std::string& npi, const std::string& tin, ProviderClass cls,
                   const char* effective = "2020-01-01",
                   std::optional<const char*> termination = std::nullopt) {
    Provider p;
    p.npi = Npi(npi);
    p.tin = Tin(tin);
    p.specialty = "08";
    p.provider_class = cls;
    p.effective = D(effective);
    if (termination) p.termination = D(*termination);
    p.source = {"providers.ndjson", -1, static_cast<int64_t>(providers_.size() + 1)};
    providers_.push_back(p);
  }

  // A contract on the reference rule set with parameter overrides (JSON object text).
  void AddContract(const std::string& id, std::vector<std::string> tins,
                   const std::string& params_json = "{}", int year = 2025,
                   const std::string& rule_set = "vbp-reference@2025.1") {
    Contract c;
    c.contract_id = ContractId(id);
    c.performance_year = year;
    for (auto& t : tins) c.tins.push_back(Tin(t));
    c.rule_set = rule_set;
    c.parameters_json = nlohmann::json::parse(params_json).dump();
    c.source = {"contracts.ndjson", -1, static_cast<int64_t>(contracts_.size() + 1)};
    contracts_.push_back(c);
  }

  Claim& AddClaim(const std::string& claim_id, const std::string& member, const std::string& tin,
                  const std::string& npi, const char* paid_date, std::vector<LineSpec> lines,
                  int64_t version = 1, Frequency freq = Frequency::kOriginal,
                  ClaimType type = ClaimType::kProfessional) {
    Claim c;
    c.claim_id = ClaimId(claim_id);
    c.version = version;
    c.frequency = freq;
    c.member_id = MemberId(member);
    c.billing_tin = Tin(tin);
    c.rendering_npi = Npi(npi);
    c.claim_type = type;
    c.paid_date = D(paid_date);
    c.diagnoses = {"I10"};
    int n = 1;
    for (const auto& l : lines) {
      ClaimLine cl;
      cl.line = n++;
      cl.hcpcs = l.hcpcs;
      cl.units = "1";
      cl.service_date = D(l.service_date);
      cl.pos = l.pos;
      cl.allowed = M(l.allowed);
      cl.paid = M(l.paid);
      c.lines.push_back(cl);
    }
    c.from_date = c.lines.empty() ? D(paid_date) : c.lines.front().service_date;
    c.through_date = c.lines.empty() ? D(paid_date) : c.lines.back().service_date;
    // A content hash that changes with every field the tests vary.
    std::string key = claim_id + "|" + std::to_string(version) + "|" + member + "|" + tin + "|" +
                      npi + "|" + paid_date + "|" + std::to_string(static_cast<int>(freq));
    for (const auto& l : lines) {
      key += "|" + l.hcpcs + "," + l.service_date + "," + l.allowed + "," + l.paid + "," + l.pos;
    }
    c.content_hash = {std::hash<std::string>()(key), key.size()};
    c.source = {"claims.ndjson", -1, static_cast<int64_t>(claims_.size() + 1)};
    claims_.push_back(c);
    return claims_.back();
  }

  struct Output {
    SettlementResult result;
    std::vector<nlohmann::json> members;
    std::vector<Reject> rejects;
    RunCounts counts;
    const rules::StatementFigures& Statement(const std::string& id) const {
      for (const auto& c : result.contracts) {
        if (c.figures.contract_id.str() == id) return c.figures;
      }
      ADD_FAILURE() << "no statement for " << id;
      static rules::StatementFigures none;
      return none;
    }
    nlohmann::json Member(const std::string& id) const {
      for (const auto& m : members) {
        if (m["member_id"] == id) return m;
      }
      ADD_FAILURE() << "no member line for " << id;
      return {};
    }
    std::string StatementText(const std::string& id) const {
      for (const auto& c : result.contracts) {
        if (c.figures.contract_id.str() == id) return StatementJson(c.figures, 1, c.tins).dump();
      }
      return "";
    }
  };

  // Feeds every record (members, providers, contracts, then claims, each in insertion order)
  // and settles.
  Output Settle(std::optional<const char*> as_of = std::nullopt, int threads = 2) {
    BatchSettlement book(&registry_);
    for (const auto& m : members_) book.AddMember(m);
    for (const auto& p : providers_) book.AddProvider(p);
    for (const auto& c : contracts_) book.AddContract(c);
    for (const auto& c : claims_) book.AddClaim(c);
    Output out;
    SettleOptions opt;
    if (as_of) opt.as_of = D(*as_of);
    opt.threads = threads;
    opt.member_sink = [&out](std::string_view lines) {
      size_t pos = 0;
      while (pos < lines.size()) {
        size_t nl = lines.find('\n', pos);
        out.members.push_back(nlohmann::json::parse(lines.substr(pos, nl - pos)));
        pos = nl + 1;
      }
    };
    auto r = book.Settle(opt);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) out.result = std::move(r).value();
    out.rejects = book.rejects();
    out.counts = book.counts();
    return out;
  }

  std::vector<Member> members_;
  std::vector<Provider> providers_;
  std::vector<Contract> contracts_;
  std::vector<Claim> claims_;
  RuleRegistry registry_;
};

}  // namespace vbp::testing
