#include "engine/claim_versions.h"

namespace vbp {

const char* VersionDecisionName(VersionDecision d) {
  switch (d) {
    case VersionDecision::kApply: return "apply";
    case VersionDecision::kDuplicate: return "duplicate";
    case VersionDecision::kStale: return "stale";
    case VersionDecision::kConflict: return "conflict";
  }
  return "?";
}

VersionDecision DecideVersion(const ClaimHead* current, int64_t version,
                              const std::array<uint64_t, 2>& content_hash) {
  if (!current || version > current->version) return VersionDecision::kApply;
  if (version < current->version) return VersionDecision::kStale;
  return content_hash == current->content_hash ? VersionDecision::kDuplicate
                                               : VersionDecision::kConflict;
}

KindCounts& RunCounts::For(RecordKind k) {
  switch (k) {
    case RecordKind::kClaim: return claims;
    case RecordKind::kMember: return members;
    case RecordKind::kProvider: return providers;
    case RecordKind::kContract: return contracts;
  }
  return claims;
}

const KindCounts& RunCounts::For(RecordKind k) const {
  return const_cast<RunCounts*>(this)->For(k);
}

}  // namespace vbp
