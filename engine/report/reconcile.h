#pragma once
// Provider reconciliation (SPEC §1: providers "compare it with their own numbers"): a
// provider's member list and claim totals against the engine's roster and expenditure for one
// contract, every difference listed with the reason the engine's trail gives for it.
//
// The provider's file (CSV, RFC 4180, a header row; column order free, names case-insensitive,
// other columns ignored and reported):
//   member_id      required  the member the provider counts as theirs
//   claim_id       optional  empty: a member row; set: a claim row (one claim of that member)
//   expected_paid  optional  decimal: on a member row, the member's total paid the provider
//                            expects the statement to count (before truncation); on a claim
//                            row, that claim's paid
//   claim_count    optional  integer, member rows only: claims expected to count for the member
// Rows with the same (member_id, claim_id) add up (a billing export with one row per claim
// line works as is). Every member_id in the file is on the provider's list.
//
// Differences are business outcomes (values), never errors; only an unreadable file is.
// Pure: no I/O (the CLI reads and writes the files).

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/decimal.h"
#include "domain/status.h"
#include "engine/report/reconcile_book.h"

namespace vbp {

struct TheirRow {
  int64_t line = 0;  // 1-based line of the row in the file (the header is line 1)
  std::string member_id;
  std::string claim_id;  // empty on a member row
  std::optional<Money> expected_paid;
  std::optional<int64_t> claim_count;
};

struct TheirFile {
  std::vector<TheirRow> rows;
  std::vector<std::string> ignored_columns;
};

// Parses the provider's CSV. Errors name the line and column.
Result<TheirFile> ParseTheirCsv(std::string_view text);

// Stable difference codes (the CSV/JSON `kind` column).
enum class DifferenceKind {
  kUnknownMember,                // no member record and no claim in the engine's data
  kMemberNotAttributed,          // on their list, not attributed to the contract
  kMemberNotListed,              // attributed to the contract, not on their list
  kMemberPaidDiffers,            // expected_paid differs from the expenditure the engine counts
  kTruncated,                    // the member's expenditure is truncated (SPEC §3.4)
  kClaimCountDiffers,            // claim_count differs from the claims the engine counts
  kClaimUnknown,                 // no version of the claim was ever received
  kClaimOtherMember,             // the claim belongs to another member
  kClaimVoided,                  // the effective version is a void
  kClaimReplaced,                // a replacement is effective and pays another amount
  kClaimPaidAfterRunout,         // paid after the run-out cutoff
  kClaimPaidAfterAsOf,           // paid after the statement's as-of date
  kClaimOutsideEligibleMonths,   // service month not an eligible month of the member
  kClaimOutsidePerformanceYear,  // service date outside the performance year
  kClaimPartlyCounted,           // some lines count, others do not (reasons per line)
  kClaimPaidDiffers,             // counted in full, at another amount than expected
  kClaimNotCounted,              // the member is not attributed: none of its claims count here
  kClaimNotListed,               // counted, billed under the contract's TINs, not on their list
};
const char* DifferenceKindName(DifferenceKind k);

struct Difference {
  DifferenceKind kind = DifferenceKind::kUnknownMember;
  std::string member_id;
  std::string claim_id;
  std::string theirs;                // their figure (decimal or count), empty when they gave none
  std::string ours;                  // the engine's figure, empty when none applies
  std::string delta;                 // ours - theirs when both are numbers of the same kind
  std::string status;                // the member's attribution status for this contract
  std::optional<int> step;           // the step at which the member's unit was decided
  std::string unit;                  // the unit that won the member ("contract:C", "tin:T")
  std::optional<int64_t> version;    // the claim's effective version
  std::vector<int64_t> their_lines;  // lines of their file behind this difference
  std::string reason;  // one readable sentence with the dates, amounts and rules involved
};

struct ReconcileReport {
  ContractId contract_id;
  int performance_year = 0;
  Date as_of;
  Date runout_cutoff;
  int64_t their_members = 0;  // distinct member_ids in their file
  int64_t our_members = 0;    // attributed to the contract
  int64_t members_in_both = 0;
  int64_t their_claims = 0;             // distinct (member_id, claim_id) claim rows
  std::vector<std::string> notes;       // ignored columns and the like
  std::vector<Difference> differences;  // by (member_id, claim_id, kind)
};

ReconcileReport Reconcile(const ReconcileBook& book, const BookContract& contract,
                          const TheirFile& theirs);

// One header row, then one row per difference (RFC 4180 quoting).
std::string ReconcileCsv(const ReconcileReport& report);
nlohmann::ordered_json ReconcileJson(const ReconcileReport& report);
// A self-contained page (engine/report/reconcile_html.cc): the summary first (members and
// claims compared, how many agree and differ), the differences by kind, the largest money
// differences, then every difference in a sortable, filterable table. `theirs` and `source`
// name the two inputs on the page.
std::string ReconcileHtml(const ReconcileReport& report, const std::string& theirs,
                          const std::string& source);

}  // namespace vbp
