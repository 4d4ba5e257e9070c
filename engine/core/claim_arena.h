#pragma once
// Compact in-memory storage of claim versions for batch settlement: fixed-size headers and
// lines in flat vectors, claim ids in one byte arena, TINs/NPIs/member ids interned, and an
// open-addressing index by claim_id. About 50 bytes per line and 70 per claim version, with
// no per-claim heap allocation, so a multi-million-line year fits in a few hundred MB.
// Views (rules::ClaimView) point into it and stay valid while the arena lives and is not
// appended to. View() of distinct claims may run on several threads at once.

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/limits.h"
#include "domain/records.h"
#include "domain/reject.h"
#include "engine/core/claim_versions.h"
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

// Append-only storage in fixed blocks of 2^Shift elements: growing never copies or holds two
// copies at once (a std::vector peaks at three times its size while it reallocates), and
// element addresses are stable. Extend(n) hands out n slots contiguous in one block.
template <typename T, unsigned Shift = 16>
class Segmented {
 public:
  static constexpr size_t kBlock = size_t{1} << Shift;
  // Index of the first of n (<= kBlock) new contiguous slots; a run that would straddle a
  // block starts the next one (the gap is never read).
  size_t Extend(size_t n) {
    if ((size_ & (kBlock - 1)) + n > kBlock) size_ = (size_ + kBlock - 1) & ~(kBlock - 1);
    const size_t first = size_;
    size_ += n;
    while (blocks_.size() * kBlock < size_) blocks_.push_back(std::make_unique<T[]>(kBlock));
    return first;
  }
  T& operator[](size_t i) { return blocks_[i >> Shift][i & (kBlock - 1)]; }
  const T& operator[](size_t i) const { return blocks_[i >> Shift][i & (kBlock - 1)]; }
  // Pointer to n contiguous elements from i (nullptr when n is 0).
  const T* Run(size_t i, size_t n) const { return n == 0 ? nullptr : &(*this)[i]; }
  size_t size() const { return size_; }
  size_t MemoryBytes() const { return blocks_.size() * kBlock * sizeof(T); }

 private:
  std::vector<std::unique_ptr<T[]>> blocks_;
  size_t size_ = 0;
};

class ClaimArena {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // Why `c` cannot be stored, or nullopt: a count or id over its limit (domain/limits.h, which
  // the record decoder enforces). A code longer than its inline width is stored as a code
  // that matches nothing (rules::ShortCode), never refused.
  // Callers check it before Add and reject the claim instead (a claim from outside must never
  // reach an invariant); a claim the record decoder accepted always fits.
  static std::optional<LimitProblem> Unstorable(const Claim& c);
  // Stores a claim version (Unstorable(c) must be nullopt); returns its index.
  uint32_t Add(const Claim& c);
  rules::ClaimView View(uint32_t index) const;
  uint32_t member(uint32_t index) const { return headers_[index].member; }
  Frequency frequency(uint32_t index) const { return headers_[index].head.frequency; }
  std::string_view claim_id(uint32_t index) const {
    const Header& h = headers_[index];
    return {ids_.Run(h.id_offset, h.id_length), h.id_length};
  }
  int64_t version(uint32_t index) const { return headers_[index].head.version; }
  const ClaimHead& head(uint32_t index) const { return headers_[index].head; }
  SourcePos source(uint32_t index) const;
  const Interner& members() const { return members_; }
  Interner& members() { return members_; }
  size_t claims() const { return headers_.size(); }
  size_t lines() const { return line_total_; }
  // Approximate bytes held.
  size_t MemoryBytes() const;

 private:
  struct Institutional {
    std::string bill_type, drg, discharge_status, facility_npi;
    std::optional<Date> admission_date, discharge_date;
    uint32_t proc_begin = 0;
    uint32_t proc_count = 0;
    mutable rules::InstitutionalFacts view;  // rebuilt by View() (one claim, one thread)
  };
  struct Header {
    ClaimHead head;
    uint64_t id_offset = 0;
    int64_t source_position = 0;
    uint32_t id_length = 0;
    uint32_t member = 0;
    uint32_t tin = 0;
    uint32_t npi = 0;
    uint32_t line_begin = 0;
    uint32_t diag_begin = 0;
    int32_t institutional = -1;
    Date from, through, paid;
    uint16_t line_count = 0;
    uint16_t diag_count = 0;
    uint16_t source = 0;
    int16_t source_partition = -1;
    ClaimType claim_type = ClaimType::kProfessional;
    int32_t warnings = -1;  // index in warnings_ when a descriptive code warns
  };
  Segmented<Header> headers_;
  Segmented<char, 20> ids_;
  Segmented<rules::LineFacts> lines_;
  Segmented<rules::Icd10Code> codes_;  // diagnoses and procedures
  size_t line_total_ = 0;
  std::deque<Institutional> institutional_;
  std::deque<CodeWarningCounts> warnings_;  // few claims warn: kept apart from the headers
  Interner tins_, npis_, members_, sources_;
};

// The reject of a claim that Unstorable refused: its source, key, the problem's field and
// reason; `record` is the original text when the caller has it.
Reject UnstorableReject(const Claim& c, LimitProblem problem, std::string record = {});

// claim_id -> arena index of its effective version: open addressing with linear probing on
// 64-bit hashes; keys are compared against the arena's claim ids. No per-entry allocation.
class ClaimIndex {
 public:
  explicit ClaimIndex(const ClaimArena* arena) : arena_(arena) {}
  // The arena index stored for `claim_id`, or ClaimArena::kNone.
  uint32_t Find(std::string_view claim_id) const;
  // Inserts or replaces the entry of the claim id of arena index `index`.
  void Put(uint32_t index);
  size_t size() const { return size_; }
  // Calls fn(arena_index) for every entry (in slot order: callers must not depend on it).
  template <typename F>
  void ForEach(F&& fn) const {
    for (uint32_t v : values_) {
      if (v != ClaimArena::kNone) fn(v);
    }
  }

 private:
  static uint64_t Hash(std::string_view s);
  void Grow();
  const ClaimArena* arena_;
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> values_;
  size_t size_ = 0;
};

}  // namespace vbp
