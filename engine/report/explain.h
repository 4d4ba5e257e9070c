#pragma once
// Explanations (issue 4 item 5): why a member is or is not attributed, and which members and
// claim lines make up a statement figure. Both read the trail rules::EvaluateMember returns
// (MemberOutcome, MemberTrace: every line's decision with its reason), so an explanation is
// the calculation itself, never a re-implementation of it.
//
// Output is JSON (stable field order, decimals as strings, exact sums rounded once like the
// statement) and a readable text rendering of that JSON.
// Pure: no I/O, clock or logging.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "engine/audit/audit_book.h"
#include "engine/report/words.h"

namespace vbp::audit {

struct MemberQuery {
  std::string member_id;
  std::optional<ContractId> contract;  // only the year and evaluation group of this contract
  std::optional<int> year;
};

// Why `member_id` is (not) attributed: per performance year and evaluation group, the
// eligibility by month and type, exclusions, voluntary alignment, the allowed sums by unit at
// steps 1 and 2 (ranked, with the tie rule that decided), every claim line with why it did or
// did not count for attribution and for expenditure, expenditure by type with truncation, the
// risk score and the fee. kNotFound when the book knows nothing of the member (or contract).
Result<nlohmann::ordered_json> ExplainMember(const AuditBook& book, const Evaluation& ev,
                                             const MemberQuery& q);
std::string ExplainMemberText(const nlohmann::ordered_json& j);

struct FigureQuery {
  ContractId contract;
  std::string figure;                    // one of StatementFigureNames() (engine/report/words.h)
  std::optional<std::string> member_id;  // also list this member's claim lines behind it
  // The statement to reconcile with (a stored revision's text); empty: only the recomputed.
  std::string statement_text;
};

// Drill-down from a statement figure to the members and their exact contributions (additive
// figures: assigned_members, person_years, benchmark_total, expenditure_total, gross_savings,
// pmpm_total), or to the contract-level inputs of a derived one (savings_rate, msr, mlr,
// quality_score, final_sharing_rate, shared_savings, shared_losses, net_payment). The sum of the
// contributions, rounded as the statement rounds, is checked against the statement.
Result<nlohmann::ordered_json> ExplainFigure(const AuditBook& book, const Evaluation& ev,
                                             const FigureQuery& q);
std::string ExplainFigureText(const nlohmann::ordered_json& j);

}  // namespace vbp::audit
