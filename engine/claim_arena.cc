#include "engine/claim_arena.h"

namespace vbp {

uint32_t Interner::Intern(std::string_view s) {
  auto f = ids_.find(s);
  if (f != ids_.end()) return f->second;
  uint32_t id = static_cast<uint32_t>(strings_.size());
  strings_.emplace_back(s);
  ids_.emplace(strings_.back(), id);
  return id;
}

int64_t Interner::Find(std::string_view s) const {
  auto f = ids_.find(s);
  return f == ids_.end() ? -1 : static_cast<int64_t>(f->second);
}

uint32_t ClaimArena::Add(const Claim& c) {
  Header h;
  h.claim_id = c.claim_id.str();
  h.version = c.version;
  h.member = members_.Intern(c.member_id.str());
  h.tin = tins_.Intern(c.billing_tin.str());
  h.npi = npis_.Intern(c.rendering_npi.str());
  h.claim_type = c.claim_type;
  h.frequency = c.frequency;
  h.from = c.from_date;
  h.through = c.through_date;
  h.paid = c.paid_date;
  h.line_begin = static_cast<uint32_t>(lines_.size());
  h.line_count = static_cast<uint32_t>(c.lines.size());
  for (const ClaimLine& l : c.lines) {
    rules::LineFacts f;
    f.line = l.line;
    f.service_date = l.service_date;
    f.hcpcs = rules::HcpcsCode::From(l.hcpcs);
    f.pos = rules::PosCode::From(l.pos);
    f.revenue_code = rules::RevenueCode::From(l.revenue_code);
    f.allowed = l.allowed;
    f.paid = l.paid;
    lines_.push_back(f);
  }
  h.diag_begin = static_cast<uint32_t>(codes_.size());
  h.diag_count = static_cast<uint32_t>(c.diagnoses.size());
  for (const auto& d : c.diagnoses) codes_.push_back(rules::Icd10Code::From(d));
  if (c.claim_type == ClaimType::kInstitutional) {
    Institutional inst;
    inst.bill_type = c.bill_type;
    inst.drg = c.drg;
    inst.discharge_status = c.discharge_status;
    inst.facility_npi = c.facility_npi;
    inst.admission_date = c.admission_date;
    inst.discharge_date = c.discharge_date;
    inst.proc_begin = static_cast<uint32_t>(codes_.size());
    inst.proc_count = static_cast<uint32_t>(c.procedures.size());
    for (const auto& p : c.procedures) codes_.push_back(rules::Icd10Code::From(p));
    h.institutional = static_cast<int32_t>(institutional_.size());
    institutional_.push_back(std::move(inst));
  }
  headers_.push_back(std::move(h));
  return static_cast<uint32_t>(headers_.size() - 1);
}

rules::ClaimView ClaimArena::View(uint32_t index) const {
  const Header& h = headers_[index];
  rules::ClaimView v;
  v.claim_id = h.claim_id;
  v.version = h.version;
  v.claim_type = h.claim_type;
  v.billing_tin = tins_.Get(h.tin);
  v.rendering_npi = npis_.Get(h.npi);
  v.from_date = h.from;
  v.through_date = h.through;
  v.paid_date = h.paid;
  v.lines = std::span<const rules::LineFacts>(lines_.data() + h.line_begin, h.line_count);
  v.diagnoses = std::span<const rules::Icd10Code>(codes_.data() + h.diag_begin, h.diag_count);
  if (h.institutional >= 0) {
    const Institutional& inst = institutional_[static_cast<size_t>(h.institutional)];
    inst.view.bill_type = inst.bill_type;
    inst.view.drg = inst.drg;
    inst.view.discharge_status = inst.discharge_status;
    inst.view.facility_npi = inst.facility_npi;
    inst.view.admission_date = inst.admission_date;
    inst.view.discharge_date = inst.discharge_date;
    inst.view.procedures =
        std::span<const rules::Icd10Code>(codes_.data() + inst.proc_begin, inst.proc_count);
    v.institutional = &inst.view;
  }
  return v;
}

size_t ClaimArena::MemoryBytes() const {
  return headers_.capacity() * sizeof(Header) + lines_.capacity() * sizeof(rules::LineFacts) +
         codes_.capacity() * sizeof(rules::Icd10Code) +
         institutional_.size() * sizeof(Institutional);
}

}  // namespace vbp
