#pragma once
// Test fixtures shared by tests/hcc and tests/quality: claims built from a few fields (or
// from vbp::Claim records), owned here, viewed as rules::ClaimView exactly as the engine's
// arena would present them. Header-only; test code only.

#include <deque>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "domain/records.h"
#include "rules/core/claim_view.h"

namespace vbp::testing {

inline Date D(const char* ymd) { return Date::Parse(ymd).value(); }

struct LineSpec {
  std::string hcpcs;
  Date service_date;
};

struct InstitutionalSpec {
  std::string bill_type;
  std::optional<Date> admission_date;
  std::optional<Date> discharge_date;
  std::string discharge_status;
  std::string facility_npi;
  std::string drg;
  std::vector<std::string> procedures;
};

class ClaimSet {
 public:
  // A professional claim; from/through span its lines.
  ClaimSet& Professional(std::string id, std::vector<std::string> diagnoses,
                         std::vector<LineSpec> lines) {
    Owned& o = owned_.emplace_back();
    o.claim_id = std::move(id);
    o.type = ClaimType::kProfessional;
    o.from = lines.empty() ? Date() : lines.front().service_date;
    o.through = o.from;
    for (const LineSpec& l : lines) {
      if (l.service_date < o.from) o.from = l.service_date;
      if (l.service_date > o.through) o.through = l.service_date;
    }
    Fill(o, diagnoses, lines);
    return *this;
  }

  // An institutional claim; lines without a date take `from`.
  ClaimSet& Institutional(std::string id, Date from, Date through,
                          std::vector<std::string> diagnoses, std::vector<std::string> hcpcs,
                          InstitutionalSpec inst) {
    Owned& o = owned_.emplace_back();
    o.claim_id = std::move(id);
    o.type = ClaimType::kInstitutional;
    o.from = from;
    o.through = through;
    std::vector<LineSpec> lines;
    for (auto& h : hcpcs) lines.push_back({h, from});
    Fill(o, diagnoses, lines);
    o.inst = std::move(inst);
    for (const auto& p : o.inst->procedures) o.procedures.push_back(rules::Icd10Code::From(p));
    return *this;
  }

  // Any domain claim record (the Tuva driver builds these).
  ClaimSet& Add(const Claim& c) {
    Owned& o = owned_.emplace_back();
    o.claim_id = c.claim_id.str();
    o.type = c.claim_type;
    o.from = c.from_date;
    o.through = c.through_date;
    o.paid = c.paid_date;
    for (const auto& d : c.diagnoses) o.diagnoses.push_back(rules::Icd10Code::From(d));
    for (const ClaimLine& l : c.lines) {
      rules::LineFacts f;
      f.line = l.line;
      f.service_date = l.service_date;
      f.hcpcs = rules::HcpcsCode::From(l.hcpcs);
      f.pos = rules::PosCode::From(l.pos);
      f.revenue_code = rules::RevenueCode::From(l.revenue_code);
      f.allowed = l.allowed;
      f.paid = l.paid;
      o.lines.push_back(f);
    }
    if (c.claim_type == ClaimType::kInstitutional) {
      o.inst = InstitutionalSpec{c.bill_type,        c.admission_date, c.discharge_date,
                                 c.discharge_status, c.facility_npi,   c.drg,
                                 c.procedures};
      for (const auto& p : c.procedures) o.procedures.push_back(rules::Icd10Code::From(p));
    }
    return *this;
  }

  // Sets the paid date of the claim added last (claims are otherwise paid on day 0, before
  // any cutoff).
  ClaimSet& PaidOn(Date paid) {
    owned_.back().paid = paid;
    return *this;
  }

  std::span<const rules::ClaimView> views() {
    views_.clear();
    for (Owned& o : owned_) {
      rules::ClaimView v;
      v.claim_id = o.claim_id;
      v.version = 1;
      v.claim_type = o.type;
      v.from_date = o.from;
      v.through_date = o.through;
      v.paid_date = o.paid;
      v.lines = o.lines;
      v.diagnoses = o.diagnoses;
      if (o.inst) {
        o.facts.bill_type = o.inst->bill_type;
        o.facts.drg = o.inst->drg;
        o.facts.discharge_status = o.inst->discharge_status;
        o.facts.facility_npi = o.inst->facility_npi;
        o.facts.admission_date = o.inst->admission_date;
        o.facts.discharge_date = o.inst->discharge_date;
        o.facts.procedures = o.procedures;
        v.institutional = &o.facts;
      }
      views_.push_back(v);
    }
    return views_;
  }

  size_t size() const { return owned_.size(); }

 private:
  struct Owned {
    std::string claim_id;
    ClaimType type = ClaimType::kProfessional;
    Date from, through, paid;
    std::vector<rules::LineFacts> lines;
    std::vector<rules::Icd10Code> diagnoses;
    std::vector<rules::Icd10Code> procedures;
    std::optional<InstitutionalSpec> inst;
    rules::InstitutionalFacts facts;
  };
  static void Fill(Owned& o, const std::vector<std::string>& diagnoses,
                   const std::vector<LineSpec>& lines) {
    for (const auto& d : diagnoses) o.diagnoses.push_back(rules::Icd10Code::From(d));
    int32_t n = 0;
    for (const LineSpec& l : lines) {
      rules::LineFacts f;
      f.line = ++n;
      f.hcpcs = rules::HcpcsCode::From(l.hcpcs);
      f.service_date = l.service_date;
      o.lines.push_back(f);
    }
  }
  std::deque<Owned> owned_;
  std::vector<rules::ClaimView> views_;
};

// A member with one coverage span per (from, through, type).
inline Member MakeMember(const char* id, const char* birth, Sex sex,
                         std::vector<std::pair<const char*, const char*>> spans,
                         EnrollmentType type = EnrollmentType::kAgedNondual) {
  Member m;
  m.member_id = MemberId(std::string(id));
  m.birth_date = D(birth);
  m.sex = sex;
  for (const auto& [from, through] : spans) {
    m.coverage.push_back(Coverage{D(from), D(through), "medicare_ffs", type});
  }
  return m;
}

}  // namespace vbp::testing
