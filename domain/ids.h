#pragma once
// Strong identifier types: a MemberId cannot be passed where a Tin is expected.

#include <compare>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace vbp {

template <typename Tag>
class StrongId {
 public:
  StrongId() = default;
  explicit StrongId(std::string v) : v_(std::move(v)) {}
  explicit StrongId(std::string_view v) : v_(v) {}
  const std::string& str() const { return v_; }
  bool empty() const { return v_.empty(); }
  friend auto operator<=>(const StrongId&, const StrongId&) = default;
  friend bool operator==(const StrongId&, const StrongId&) = default;

 private:
  std::string v_;
};

struct MemberIdTag {};
struct ClaimIdTag {};
struct NpiTag {};
struct TinTag {};
struct ContractIdTag {};

using MemberId = StrongId<MemberIdTag>;
using ClaimId = StrongId<ClaimIdTag>;
using Npi = StrongId<NpiTag>;
using Tin = StrongId<TinTag>;
using ContractId = StrongId<ContractIdTag>;

}  // namespace vbp

template <typename Tag>
struct std::hash<vbp::StrongId<Tag>> {
  size_t operator()(const vbp::StrongId<Tag>& id) const noexcept {
    return std::hash<std::string>()(id.str());
  }
};
