#include "engine/core/claim_arena.h"

#include <xxhash.h>

namespace vbp {

// The header's narrow counts and the segment blocks hold any claim within the documented limits.
static_assert(kClaimLinesMax <= UINT16_MAX && kClaimDiagnosesMax <= UINT16_MAX);
static_assert(kClaimLinesMax <= size_t{1} << 16 && kClaimProceduresMax <= size_t{1} << 16);
static_assert(kIdCharsMax * 4 <= size_t{1} << 20);  // a UTF-8 code point is at most 4 bytes

std::optional<LimitProblem> ClaimArena::Unstorable(const Claim& c) {
  // A code wider than its inline storage is kept as a code that matches nothing
  // (rules::ShortCode, SPEC §6): only counts and ids can make a claim unstorable.
  return ClaimOverLimits(c);
}

Reject UnstorableReject(const Claim& c, LimitProblem problem, std::string record) {
  Reject r;
  r.source = c.source;
  r.kind = RecordKind::kClaim;
  r.key = c.claim_id.str();
  r.field = std::move(problem.field);
  r.reason = std::move(problem.reason);
  r.record = std::move(record);
  // What data quality reads from a rejected claim record (rules/core/data_quality.h).
  r.claim_facts =
      RejectedClaimFacts{c.member_id.str(), c.billing_tin.str(), NoteYear(c), PaidMicros(c)};
  return r;
}

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
  // Unstorable(c) is nullopt (callers check): these hold.
  VBP_CHECK(c.lines.size() <= kClaimLinesMax && c.diagnoses.size() <= kClaimDiagnosesMax);
  Header h;
  h.head = {c.version, c.frequency, c.content_hash};
  const std::string& id = c.claim_id.str();
  VBP_CHECK(id.size() <= decltype(ids_)::kBlock);
  h.id_length = static_cast<uint32_t>(id.size());
  h.id_offset = ids_.Extend(id.size());
  for (size_t k = 0; k < id.size(); ++k) ids_[h.id_offset + k] = id[k];
  h.member = members_.Intern(c.member_id.str());
  h.tin = tins_.Intern(c.billing_tin.str());
  h.npi = npis_.Intern(c.rendering_npi.str());
  h.claim_type = c.claim_type;
  h.from = c.from_date;
  h.through = c.through_date;
  h.paid = c.paid_date;
  h.source = static_cast<uint16_t>(sources_.Intern(c.source.source));
  h.source_partition = static_cast<int16_t>(c.source.partition);
  h.source_position = c.source.position;
  h.line_begin = static_cast<uint32_t>(lines_.Extend(c.lines.size()));
  h.line_count = static_cast<uint16_t>(c.lines.size());
  line_total_ += c.lines.size();
  size_t slot = h.line_begin;
  for (const ClaimLine& l : c.lines) {
    rules::LineFacts& f = lines_[slot++];
    f.line = l.line;
    f.service_date = l.service_date;
    f.hcpcs = rules::HcpcsCode::From(l.hcpcs);
    f.pos = rules::PosCode::From(l.pos);
    f.revenue_code = rules::RevenueCode::From(l.revenue_code);
    f.allowed = l.allowed;
    f.paid = l.paid;
  }
  h.diag_begin = static_cast<uint32_t>(codes_.Extend(c.diagnoses.size()));
  h.diag_count = static_cast<uint16_t>(c.diagnoses.size());
  slot = h.diag_begin;
  for (const auto& d : c.diagnoses) codes_[slot++] = rules::Icd10Code::From(d);
  if (c.claim_type == ClaimType::kInstitutional) {
    Institutional inst;
    inst.bill_type = c.bill_type;
    inst.drg = c.drg;
    inst.discharge_status = c.discharge_status;
    inst.facility_npi = c.facility_npi;
    inst.admission_date = c.admission_date;
    inst.discharge_date = c.discharge_date;
    VBP_CHECK(c.procedures.size() <= decltype(codes_)::kBlock);
    inst.proc_begin = static_cast<uint32_t>(codes_.Extend(c.procedures.size()));
    inst.proc_count = static_cast<uint32_t>(c.procedures.size());
    slot = inst.proc_begin;
    for (const auto& p : c.procedures) codes_[slot++] = rules::Icd10Code::From(p);
    h.institutional = static_cast<int32_t>(institutional_.size());
    institutional_.push_back(std::move(inst));
  }
  const CodeWarningCounts warned = CountCodeWarnings(c);
  if (warned != CodeWarningCounts{}) {
    h.warnings = static_cast<int32_t>(warnings_.size());
    warnings_.push_back(warned);
  }
  const size_t index = headers_.Extend(1);
  headers_[index] = h;
  return static_cast<uint32_t>(index);
}

SourcePos ClaimArena::source(uint32_t index) const {
  const Header& h = headers_[index];
  return {sources_.Get(h.source), h.source_partition, h.source_position};
}

rules::ClaimView ClaimArena::View(uint32_t index) const {
  const Header& h = headers_[index];
  rules::ClaimView v;
  v.claim_id = claim_id(index);
  v.version = h.head.version;
  v.claim_type = h.claim_type;
  v.billing_tin = tins_.Get(h.tin);
  v.rendering_npi = npis_.Get(h.npi);
  v.from_date = h.from;
  v.through_date = h.through;
  v.paid_date = h.paid;
  v.lines = std::span<const rules::LineFacts>(lines_.Run(h.line_begin, h.line_count), h.line_count);
  v.diagnoses =
      std::span<const rules::Icd10Code>(codes_.Run(h.diag_begin, h.diag_count), h.diag_count);
  if (h.institutional >= 0) {
    const Institutional& inst = institutional_[static_cast<size_t>(h.institutional)];
    inst.view.bill_type = inst.bill_type;
    inst.view.drg = inst.drg;
    inst.view.discharge_status = inst.discharge_status;
    inst.view.facility_npi = inst.facility_npi;
    inst.view.admission_date = inst.admission_date;
    inst.view.discharge_date = inst.discharge_date;
    inst.view.procedures = std::span<const rules::Icd10Code>(
        codes_.Run(inst.proc_begin, inst.proc_count), inst.proc_count);
    v.institutional = &inst.view;
  }
  if (h.warnings >= 0) v.code_warnings = &warnings_[static_cast<size_t>(h.warnings)];
  return v;
}

size_t ClaimArena::MemoryBytes() const {
  return headers_.MemoryBytes() + ids_.MemoryBytes() + lines_.MemoryBytes() + codes_.MemoryBytes() +
         institutional_.size() * sizeof(Institutional);
}

uint64_t ClaimIndex::Hash(std::string_view s) {
  uint64_t h = XXH3_64bits(s.data(), s.size());
  return h == 0 ? 1 : h;  // 0 marks an empty slot
}

uint32_t ClaimIndex::Find(std::string_view claim_id) const {
  if (hashes_.empty()) return ClaimArena::kNone;
  const uint64_t h = Hash(claim_id);
  const size_t mask = hashes_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    if (hashes_[i] == 0) return ClaimArena::kNone;
    if (hashes_[i] == h && arena_->claim_id(values_[i]) == claim_id) return values_[i];
  }
}

void ClaimIndex::Put(uint32_t index) {
  if ((size_ + 1) * 10 > hashes_.size() * 7) Grow();
  std::string_view id = arena_->claim_id(index);
  const uint64_t h = Hash(id);
  const size_t mask = hashes_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    if (hashes_[i] == 0) {
      hashes_[i] = h;
      values_[i] = index;
      ++size_;
      return;
    }
    if (hashes_[i] == h && arena_->claim_id(values_[i]) == id) {
      values_[i] = index;
      return;
    }
  }
}

void ClaimIndex::Grow() {
  std::vector<uint64_t> old_h = std::move(hashes_);
  std::vector<uint32_t> old_v = std::move(values_);
  size_t n = old_h.empty() ? 1024 : old_h.size() * 2;
  hashes_.assign(n, 0);
  values_.assign(n, ClaimArena::kNone);
  size_ = 0;
  const size_t mask = n - 1;
  for (size_t k = 0; k < old_h.size(); ++k) {
    if (old_h[k] == 0) continue;
    for (size_t i = old_h[k] & mask;; i = (i + 1) & mask) {
      if (hashes_[i] == 0) {
        hashes_[i] = old_h[k];
        values_[i] = old_v[k];
        ++size_;
        break;
      }
    }
  }
}

}  // namespace vbp
