#pragma once
// Claim version semantics (SPEC §2), independent of where claims are stored.
//
// The effective claim is the highest `version` seen for a claim_id; `void` removes the claim;
// a replacement replaces all its lines. The same version delivered twice is a no-op; a lower
// version arriving after a higher one changes nothing; the same version with different
// content in a SPEC §2 field is a conflict and goes to rejects (the first one received stays).

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "domain/records.h"
#include "domain/reject.h"
#include "rules/core/data_quality.h"

namespace vbp {

// What the store knows about a claim's effective version.
struct ClaimHead {
  int64_t version = 0;
  Frequency frequency = Frequency::kOriginal;
  std::array<uint64_t, 2> content_hash{0, 0};
};

enum class VersionDecision : uint8_t {
  kApply,      // new claim, or a higher version: becomes effective
  kDuplicate,  // same version, same content: no-op (counted as superseded)
  kStale,      // lower version than the effective one: no-op (counted as superseded)
  kConflict,   // same version, different content: reject the newcomer
};
const char* VersionDecisionName(VersionDecision d);

// `current` is null when the claim_id has not been seen.
VersionDecision DecideVersion(const ClaimHead* current, int64_t version,
                              const std::array<uint64_t, 2>& content_hash);

// Counts per record kind (SPEC §6): every record read ends as applied (its effect stands),
// superseded (a later version or upsert replaced it, or it was a duplicate/stale version) or
// rejected; applied + superseded + rejected == read.
struct KindCounts {
  int64_t read = 0;
  int64_t applied = 0;
  int64_t superseded = 0;
  int64_t rejected = 0;
  bool Balanced() const { return applied + superseded + rejected == read; }
};

struct RunCounts {
  KindCounts claims;
  KindCounts members;
  KindCounts providers;
  KindCounts contracts;
  int64_t claim_lines_read = 0;  // lines of claim records that decoded
  int64_t duplicates = 0;        // of which superseded as exact duplicates
  int64_t stale = 0;             // of which superseded as lower versions
  int64_t conflicts = 0;         // of which rejected as same-version conflicts
  KindCounts& For(RecordKind k);
  const KindCounts& For(RecordKind k) const;
  bool Balanced() const {
    return claims.Balanced() && members.Balanced() && providers.Balanced() && contracts.Balanced();
  }
};

// The bookkeeping every holder of claim versions shares (batch settlement, the streaming
// engine's shards, reconciliation): counts the claim read and its lines, then the decision's
// outcome (kApply: applied, or superseded when it replaces an effective version; duplicate and
// stale: superseded; conflict: rejected), and moves the latest paid date with every version
// but a conflict (SPEC §3: the default as-of).
void CountClaimVersion(const Claim& c, VersionDecision decision, bool had_effective,
                       RunCounts* counts, std::optional<Date>* max_paid);

// Data quality (rules/core/data_quality.h): a claim version that is rejected (a same-version
// conflict) or superseded, noted in its member's notes with its billing TIN and from_date's
// year; `paid_micros` counts for rejected versions only.
void NoteClaimVersion(rules::RecordNotes* notes, std::string_view billing_tin, int year,
                      const Int128& paid_micros, rules::RecordNoteKind kind);
// The year a claim version's note belongs to: its from_date's, 0 for a void (no dates).
int NoteYear(const Claim& c);
// A claim record the decoder rejected, with what could be read from it.
void NoteRejectedClaim(rules::RecordNotes* notes, const RejectedClaimFacts& facts);
// The sum of a claim's line `paid` amounts, in micro-dollars.
Int128 PaidMicros(const Claim& c);

// The reject of a same-version conflict; `first` is where the effective version came from.
Reject ConflictReject(const Claim& c, const SourcePos& first);

}  // namespace vbp
