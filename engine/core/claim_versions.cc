#include "engine/core/claim_versions.h"

namespace vbp {

const char* VersionDecisionName(VersionDecision d) {
  switch (d) {
    case VersionDecision::kApply:
      return "apply";
    case VersionDecision::kDuplicate:
      return "duplicate";
    case VersionDecision::kStale:
      return "stale";
    case VersionDecision::kConflict:
      return "conflict";
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
    case RecordKind::kClaim:
      return claims;
    case RecordKind::kMember:
      return members;
    case RecordKind::kProvider:
      return providers;
    case RecordKind::kContract:
      return contracts;
  }
  return claims;
}

const KindCounts& RunCounts::For(RecordKind k) const {
  return const_cast<RunCounts*>(this)->For(k);
}

void CountClaimVersion(const Claim& c, VersionDecision decision, bool had_effective,
                       RunCounts* counts, std::optional<Date>* max_paid) {
  ++counts->claims.read;
  counts->claim_lines_read += static_cast<int64_t>(c.lines.size());
  if (decision != VersionDecision::kConflict && (!*max_paid || c.paid_date > **max_paid)) {
    *max_paid = c.paid_date;
  }
  switch (decision) {
    case VersionDecision::kApply:
      ++(had_effective ? counts->claims.superseded : counts->claims.applied);
      return;
    case VersionDecision::kDuplicate:
      ++counts->claims.superseded;
      ++counts->duplicates;
      return;
    case VersionDecision::kStale:
      ++counts->claims.superseded;
      ++counts->stale;
      return;
    case VersionDecision::kConflict:
      ++counts->claims.rejected;
      ++counts->conflicts;
      return;
  }
}

Reject ConflictReject(const Claim& c, const SourcePos& first) {
  Reject r;
  r.source = c.source;
  r.kind = RecordKind::kClaim;
  r.key = c.claim_id.str();
  r.field = "version";
  r.reason = "conflict: claim " + c.claim_id.str() + " version " + std::to_string(c.version) +
             " was already received with different content at " + first.ToString() +
             "; the first one stays (send a higher version to correct it)";
  return r;
}

int NoteYear(const Claim& c) { return c.frequency == Frequency::kVoid ? 0 : c.from_date.year(); }

void NoteClaimVersion(rules::RecordNotes* notes, std::string_view billing_tin, int year,
                      const Int128& paid_micros, rules::RecordNoteKind kind) {
  rules::AddRecordNote(notes, kind, std::string(billing_tin), year,
                       kind == rules::RecordNoteKind::kRejected ? paid_micros : Int128(0));
}

void NoteRejectedClaim(rules::RecordNotes* notes, const RejectedClaimFacts& facts) {
  rules::AddRecordNote(notes, rules::RecordNoteKind::kRejected, facts.billing_tin, facts.year,
                       facts.paid_micros);
}

Int128 PaidMicros(const Claim& c) {
  Int128 sum = 0;
  for (const ClaimLine& l : c.lines) sum += l.paid.micros();
  return sum;
}

}  // namespace vbp
