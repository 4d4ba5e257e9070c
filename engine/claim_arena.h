#pragma once
// Compact in-memory storage of claim versions for batch settlement: fixed-size headers and
// lines in flat vectors, TINs/NPIs/member ids interned. About 60 bytes per line and 90 per
// claim, so a 2M-line year fits in a few hundred MB. Views (rules::ClaimView) point into it
// and stay valid while the arena lives and is not appended to.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "domain/records.h"
#include "rules/core/claim_view.h"
#include "rules/core/reference.h"

namespace vbp {

// Maps strings to dense ids; ids are stable, strings never move.
class Interner {
 public:
  uint32_t Intern(std::string_view s);
  // -1 when absent.
  int64_t Find(std::string_view s) const;
  const std::string& Get(uint32_t id) const { return strings_[id]; }
  size_t size() const { return strings_.size(); }

 private:
  std::deque<std::string> strings_;
  rules::StringMap<uint32_t> ids_;
};

class ClaimArena {
 public:
  // Stores a claim version; returns its index.
  uint32_t Add(const Claim& c);
  rules::ClaimView View(uint32_t index) const;
  uint32_t member(uint32_t index) const { return headers_[index].member; }
  Frequency frequency(uint32_t index) const { return headers_[index].frequency; }
  const std::string& claim_id(uint32_t index) const { return headers_[index].claim_id; }
  int64_t version(uint32_t index) const { return headers_[index].version; }
  const Interner& members() const { return members_; }
  Interner& members() { return members_; }
  size_t claims() const { return headers_.size(); }
  size_t lines() const { return lines_.size(); }
  // Approximate bytes held.
  size_t MemoryBytes() const;

 private:
  struct Institutional {
    std::string bill_type, drg, discharge_status, facility_npi;
    std::optional<Date> admission_date, discharge_date;
    uint32_t proc_begin = 0;
    uint32_t proc_count = 0;
    mutable rules::InstitutionalFacts view;  // rebuilt by View()
  };
  struct Header {
    std::string claim_id;
    int64_t version = 0;
    uint32_t member = 0;
    uint32_t tin = 0;
    uint32_t npi = 0;
    ClaimType claim_type = ClaimType::kProfessional;
    Frequency frequency = Frequency::kOriginal;
    Date from, through, paid;
    uint32_t line_begin = 0;
    uint32_t line_count = 0;
    uint32_t diag_begin = 0;
    uint32_t diag_count = 0;
    int32_t institutional = -1;
  };
  std::vector<Header> headers_;
  std::vector<rules::LineFacts> lines_;
  std::vector<rules::Icd10Code> codes_;  // diagnoses and procedures
  std::deque<Institutional> institutional_;
  Interner tins_, npis_, members_;
};

}  // namespace vbp
