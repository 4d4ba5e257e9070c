#pragma once
// Data quality on the statement (SPEC §6): what a contract's figures could be missing or
// could have counted differently, so that no money moves without saying so.
//
// Per contract and performance year, from the member-keyed input:
// - claim records rejected (with the `paid` that could be read from them) and claim records
//   superseded (duplicates, lower versions, versions replaced by a later one);
// - descriptive codes of unexpected shape on effective claims, by field;
// - effective claims of members without a member record, with their paid total;
// - rendering NPIs of effective claims with no roster record;
// - members whose coverage spans overlap in the year (two spans sharing a day of it, whatever
//   their programs and enrollment types), and their months whose first day two or more spans
//   cover: those months were typed by rules/README.md decision 1 (the span starting latest,
//   then ending latest, then the smallest type), or excluded beside an eligible span. A member
//   counts toward its attributed contract and the contracts of its effective claims' billing
//   TINs in the year (once each).
// A claim or record counts toward a contract when its member is attributed to that contract,
// or when its billing TIN belongs to the contract (UnitMap), and when it belongs to the
// performance year: an effective claim whose from..through dates overlap the year; a record
// whose from_date is in the year, or whose from_date could not be read.
// Everything is a sum over members (exact integers), so the tallies add and subtract across
// members and partitions like every other part of ContractAggregate (SPEC §5).

#include <array>
#include <compare>
#include <cstdint>
#include <map>
#include <span>
#include <string>

#include "domain/code_shape.h"
#include "domain/decimal.h"
#include "domain/ids.h"
#include "rules/core/claim_view.h"
#include "rules/core/member_evaluation.h"
#include "rules/core/reference.h"

namespace vbp::rules {

// A claim record that is not (or is no longer) an effective version, reduced to what data
// quality reports, summed per (kind, billing TIN, year) for one member.
enum class RecordNoteKind : uint8_t { kRejected = 0, kSuperseded = 1 };
struct RecordNoteKey {
  RecordNoteKind kind = RecordNoteKind::kRejected;
  std::string billing_tin;  // empty when it could not be read
  int year = 0;             // year of from_date; 0 when it could not be read
  auto operator<=>(const RecordNoteKey&) const = default;
};
struct RecordNoteTally {
  int64_t records = 0;
  Int128 paid_micros = 0;  // rejected records: the `paid` values that could be read
  bool operator==(const RecordNoteTally&) const = default;
};
using RecordNotes = std::map<RecordNoteKey, RecordNoteTally>;
// Adds one record to `notes`.
void AddRecordNote(RecordNotes* notes, RecordNoteKind kind, std::string billing_tin, int year,
                   const Int128& paid_micros);

struct DataQualityTally {
  int64_t rejected_claim_records = 0;
  Int128 rejected_paid_micros = 0;
  int64_t superseded_claim_records = 0;
  std::array<int64_t, kCodeFieldCount> code_warnings{};
  int64_t unknown_member_claims = 0;
  Int128 unknown_member_paid_micros = 0;
  std::map<std::string, int64_t, std::less<>> unknown_npis;  // rendering NPI -> claims
  int64_t members_with_overlapping_coverage = 0;
  int64_t overlapping_coverage_months = 0;  // member-months: first day under 2+ spans

  // Adds (sign +1) or subtracts (sign -1) another tally; NPIs whose count reaches 0 go.
  void Merge(const DataQualityTally& o, int sign);
  bool IsZero() const { return *this == DataQualityTally(); }
  bool operator==(const DataQualityTally&) const = default;
};

// Overlapping coverage of one member in `year` (see above): `overlapping` when two spans share
// a day of the year; `months`, the year's months whose first day two or more spans cover.
struct CoverageOverlap {
  bool overlapping = false;
  int32_t months = 0;
};
CoverageOverlap CoverageOverlapInYear(std::span<const Coverage> coverage, int year);

// The data-quality tallies of one member for one performance year (`units`), by contract.
// `outcome` is the member's evaluation (its attributed contract, if any); `member` its record,
// null for claims without a member record; `claims` are its effective, non-void claims;
// `notes` its rejected and superseded records (null: none). Only contracts with something
// to report appear.
std::map<ContractId, DataQualityTally> MemberDataQuality(
    const MemberOutcome& outcome, const Member* member, std::span<const ClaimView> claims,
    const RecordNotes* notes, const UnitMap& units, const ProviderRoster& roster);

}  // namespace vbp::rules
