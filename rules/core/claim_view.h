#pragma once
// The facts of one effective claim version that the calculation reads (a SPEC §2 subset), as
// a non-owning view. Storage decides the layout (an arena for `vbp settle`, RocksDB values
// for the streaming service); the rules see only views, so both paths run the same code.

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "domain/code_shape.h"
#include "domain/date.h"
#include "domain/decimal.h"
#include "domain/records.h"

namespace vbp::rules {

// A short fixed-width code (HCPCS, POS, ICD-10, revenue code) stored inline: no heap.
template <size_t N>
class ShortCode {
 public:
  static constexpr size_t kCapacity = N;  // bytes
  ShortCode() = default;
  // A code longer than N (kept as given, SPEC §6: descriptive codes of unexpected shape are
  // never rejected) is stored as kOverlongView, which no code list holds: it matches nothing.
  static ShortCode From(std::string_view s) {
    ShortCode c;
    if (s.size() > N) {
      c.len_ = kOverlong;
      return c;
    }
    std::memcpy(c.c_.data(), s.data(), s.size());
    c.len_ = static_cast<uint8_t>(s.size());
    return c;
  }
  static constexpr std::string_view kOverlongView = "?";
  std::string_view view() const {
    return len_ == kOverlong ? kOverlongView : std::string_view(c_.data(), len_);
  }
  std::string str() const { return std::string(view()); }
  bool empty() const { return len_ == 0; }
  friend bool operator==(const ShortCode& a, const ShortCode& b) { return a.view() == b.view(); }
  friend bool operator<(const ShortCode& a, const ShortCode& b) { return a.view() < b.view(); }

 private:
  static constexpr uint8_t kOverlong = 0xFF;
  std::array<char, N> c_{};
  uint8_t len_ = 0;
};

using HcpcsCode = ShortCode<5>;
using PosCode = ShortCode<2>;
using RevenueCode = ShortCode<4>;
using Icd10Code = ShortCode<7>;

// A line amount in 64 bits: input amounts are bounded by 10^12 dollars (Money::Parse), i.e.
// 10^18 micro-dollars < 2^63. Converts losslessly to and from Money; sums use Money.
class LineAmount {
 public:
  LineAmount() = default;
  LineAmount(const Money& m) : micros_(static_cast<int64_t>(m.micros())) {  // NOLINT
    VBP_CHECK(Int128(micros_) == m.micros());
  }
  operator Money() const { return Money::FromMicros(Int128(micros_)); }  // NOLINT
  Money money() const { return *this; }
  bool IsZero() const { return micros_ == 0; }
  std::string ToString() const { return money().ToString(); }

 private:
  int64_t micros_ = 0;
};

struct LineFacts {
  int32_t line = 0;
  Date service_date;
  HcpcsCode hcpcs;
  PosCode pos;
  RevenueCode revenue_code;
  LineAmount allowed;
  LineAmount paid;
};

// Institutional header facts (quality measures and risk adjustment read them).
struct InstitutionalFacts {
  std::string_view bill_type;
  std::string_view drg;
  std::string_view discharge_status;
  std::string_view facility_npi;
  std::optional<Date> admission_date;
  std::optional<Date> discharge_date;
  std::span<const Icd10Code> procedures;
};

struct ClaimView {
  std::string_view claim_id;
  int64_t version = 0;
  ClaimType claim_type = ClaimType::kProfessional;
  std::string_view billing_tin;
  std::string_view rendering_npi;
  Date from_date;
  Date through_date;
  Date paid_date;
  std::span<const LineFacts> lines;
  std::span<const Icd10Code> diagnoses;               // [0] is principal
  const InstitutionalFacts* institutional = nullptr;  // null on professional claims
  // Descriptive codes of unexpected shape by field (domain/code_shape.h); null when none.
  const CodeWarningCounts* code_warnings = nullptr;
};

}  // namespace vbp::rules
