#include "domain/limits.h"

namespace vbp {

std::string TooManyReason(std::string_view items, size_t max, std::string_view per,
                          std::optional<size_t> count) {
  std::string r = "too many ";
  r.append(items);
  r += ": ";
  r += count ? std::to_string(*count) : "more than " + std::to_string(max);
  r += " (at most " + std::to_string(max) + " per ";
  r.append(per);
  r += ")";
  return r;
}

std::string TooLongReason(size_t chars, size_t max) {
  return "too long: " + std::to_string(chars) + " characters (at most " + std::to_string(max) + ")";
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

namespace {

std::optional<LimitProblem> IdOverLimit(const char* field, const std::string& id) {
  if (id.size() <= kIdCharsMax) return std::nullopt;  // bytes >= code points
  const size_t chars = CodePoints(id);
  if (chars <= kIdCharsMax) return std::nullopt;
  return LimitProblem{field, TooLongReason(chars, kIdCharsMax)};
}

std::optional<LimitProblem> CountOverLimit(const char* field, size_t count, size_t max,
                                           const char* per) {
  if (count <= max) return std::nullopt;
  return LimitProblem{field, TooManyReason(field, max, per, count)};
}

}  // namespace

std::optional<LimitProblem> ClaimOverLimits(const Claim& c) {
  if (auto p = IdOverLimit("claim_id", c.claim_id.str())) return p;
  if (auto p = IdOverLimit("member_id", c.member_id.str())) return p;
  if (auto p = CountOverLimit("diagnoses", c.diagnoses.size(), kClaimDiagnosesMax, "claim")) {
    return p;
  }
  if (auto p = CountOverLimit("lines", c.lines.size(), kClaimLinesMax, "claim")) return p;
  for (size_t i = 0; i < c.lines.size(); ++i) {
    const size_t n = c.lines[i].modifiers.size();
    if (n > kLineModifiersMax) {
      return LimitProblem{"lines[" + std::to_string(i) + "].modifiers",
                          TooManyReason("modifiers", kLineModifiersMax, "line", n)};
    }
  }
  return CountOverLimit("procedures", c.procedures.size(), kClaimProceduresMax, "claim");
}

}  // namespace vbp
