#include "connectors/codec/content_hash.h"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <string_view>
#include <vector>

namespace vbp::codec::internal {
namespace {

// Appends tagged, self-delimiting values to a byte buffer (the caller's scratch string,
// reused between calls): writes go through a pointer into the buffer, growing it only when
// a record needs more room, and the bytes hashed are the first size() of it. The byte
// stream is pinned by ContentHashTest.IsStableAcrossReleases.
class CanonicalWriter {
 public:
  explicit CanonicalWriter(std::string* out) : out_(out) {
    if (out_->size() < kInitialBytes) out_->resize(kInitialBytes);
  }

  void U8(uint8_t v) { *Room(1) = static_cast<char>(v); }
  void U32(uint32_t v) { Little(v); }
  void I64(int64_t v) { Little(static_cast<uint64_t>(v)); }
  void Str(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    if (!s.empty()) std::memcpy(Room(s.size()), s.data(), s.size());
  }
  void Day(const Date& d) { I64(d.days()); }
  void OptDay(bool present, const Date& d) {
    U8(present ? 1 : 0);
    if (present) Day(d);
  }
  void OptDay(const std::optional<Date>& d) { OptDay(d.has_value(), d.value_or(Date())); }
  void Micros(const Money& m) {
    // One input amount is at most 10^12 dollars = 10^18 micro-dollars: fits in 64 bits.
    I64(static_cast<int64_t>(m.micros()));
  }
  void Strings(const std::vector<std::string>& v) {
    U32(static_cast<uint32_t>(v.size()));
    for (const auto& s : v) Str(s);
  }

  std::array<uint64_t, 2> Hash() const {
    XXH128_hash_t h = XXH3_128bits(out_->data(), size_);
    return {h.low64, h.high64};
  }

 private:
  static constexpr size_t kInitialBytes = 1024;

  // Little-endian bytes of `v` (one store on a little-endian machine).
  template <typename U>
  void Little(U v) {
    char b[sizeof(U)];
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(b, &v, sizeof(U));
    } else {
      for (size_t i = 0; i < sizeof(U); ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
    }
    std::memcpy(Room(sizeof(U)), b, sizeof(U));
  }

  char* Room(size_t n) {
    if (size_ + n > out_->size()) out_->resize(std::max(2 * out_->size(), size_ + n));
    char* at = out_->data() + size_;
    size_ += n;
    return at;
  }

  std::string* out_;
  size_t size_ = 0;
};

}  // namespace

std::array<uint64_t, 2> ClaimContentHash(const Claim& c, const ClaimPresence& presence,
                                         std::string* scratch) {
  CanonicalWriter w(scratch);
  w.Str("vbp.claim/1");
  w.Str(c.claim_id.str());
  w.I64(c.version);
  w.U8(static_cast<uint8_t>(c.frequency));
  w.Str(c.member_id.str());
  w.Str(c.billing_tin.str());
  w.Str(c.rendering_npi.str());
  w.U8(presence.claim_type ? 1 : 0);
  if (presence.claim_type) w.U8(static_cast<uint8_t>(c.claim_type));
  w.OptDay(presence.from_date, c.from_date);
  w.OptDay(presence.through_date, c.through_date);
  w.OptDay(presence.paid_date, c.paid_date);
  w.Strings(c.diagnoses);
  // Lines are stored in line-number order (the decoder sorts them), so the order in which
  // they were written does not matter.
  w.U32(static_cast<uint32_t>(c.lines.size()));
  for (const ClaimLine& l : c.lines) {
    w.I64(l.line);
    w.Str(l.hcpcs);
    w.Strings(l.modifiers);
    w.Str(l.units);
    w.Day(l.service_date);
    w.Str(l.pos);
    w.Micros(l.allowed);
    w.Micros(l.paid);
    w.Str(l.revenue_code);
  }
  w.Str(c.facility_npi);
  w.Str(c.bill_type);
  w.OptDay(c.admission_date);
  w.OptDay(c.discharge_date);
  w.Str(c.discharge_status);
  w.Str(c.drg);
  w.Strings(c.procedures);
  return w.Hash();
}

std::array<uint64_t, 2> MemberContentHash(const Member& m, std::string* scratch) {
  CanonicalWriter w(scratch);
  w.Str("vbp.member/1");
  w.Str(m.member_id.str());
  w.Day(m.birth_date);
  w.U8(static_cast<uint8_t>(m.sex));
  w.U32(static_cast<uint32_t>(m.coverage.size()));
  for (const Coverage& cov : m.coverage) {
    w.Day(cov.from);
    w.Day(cov.through);
    w.Str(cov.program);
    w.U8(static_cast<uint8_t>(cov.enrollment_type));
  }
  w.U8(m.aligned_npi ? 1 : 0);
  if (m.aligned_npi) w.Str(m.aligned_npi->str());
  w.U32(static_cast<uint32_t>(m.risk_scores.size()));
  for (const auto& [year, score] : m.risk_scores) {
    w.I64(year);
    auto text = ExactDecimalString(score);  // scores are validated decimals: always exact
    w.Str(text.ok() ? *text : std::string("?"));
  }
  w.U8(m.orec ? 1 : 0);
  if (m.orec) w.Str(*m.orec);
  w.U8(m.medicaid ? (*m.medicaid ? 2 : 1) : 0);
  return w.Hash();
}

std::array<uint64_t, 2> ProviderContentHash(const Provider& p, std::string* scratch) {
  CanonicalWriter w(scratch);
  w.Str("vbp.provider/1");
  w.Str(p.npi.str());
  w.Str(p.tin.str());
  w.Str(p.specialty);
  w.U8(static_cast<uint8_t>(p.provider_class));
  w.Day(p.effective);
  w.OptDay(p.termination);
  return w.Hash();
}

std::array<uint64_t, 2> ContractContentHash(const Contract& c, std::string* scratch) {
  CanonicalWriter w(scratch);
  w.Str("vbp.contract/1");
  w.Str(c.contract_id.str());
  w.I64(c.performance_year);
  // TINs are a set (the decoder rejects duplicates): hashed in sorted order.
  std::vector<std::string_view> tins;
  tins.reserve(c.tins.size());
  for (const Tin& t : c.tins) tins.push_back(t.str());
  std::sort(tins.begin(), tins.end());
  w.U32(static_cast<uint32_t>(tins.size()));
  for (std::string_view t : tins) w.Str(t);
  w.Str(c.rule_set);
  w.Str(c.parameters_json);  // canonical JSON text: sorted keys, no whitespace
  return w.Hash();
}

}  // namespace vbp::codec::internal
