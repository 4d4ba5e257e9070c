#pragma once
// Statements (SPEC §4; the JSON of schemas/statement.schema.json) in the other formats users
// ask for, converted at the edge from that JSON:
// - CSV: one row per statement, for spreadsheets and finance systems (RFC 4180).
// - FHIR R4: one Bundle per contract and performance year, modelled on HL7 Da Vinci
//   Value-Based Performance Reporting (VBPR) 1.1.0: a VBP MeasureReport holding the payment
//   figures, member counts and data quality as groups, and one VBP Quality MeasureReport per
//   quality measure. Every identifier is derived from the statement, so equal statements give
//   equal bytes (no clock, no random ids).
// - A member roster CSV for providers: the attributed members with step and unit, from the
//   member detail lines of `vbp settle --members`.
// Figures keep their exact decimal text: nothing passes through binary floating point. The
// list of figures is defined once (statement_formats.cc) and drives both statement formats.

#include <string>
#include <string_view>
#include <vector>

#include "domain/status.h"

namespace vbp::codec {

enum class StatementFormat { kJson, kCsv, kFhir };

// "json", "csv" or "fhir".
Result<StatementFormat> ParseStatementFormat(std::string_view name);

// The header row of StatementsCsv, in order.
std::vector<std::string> StatementCsvColumns();

// `statements`: statement JSON objects, one text each. Fails (InvalidArgument) on text that
// is not a statement object.
Result<std::string> StatementsCsv(const std::vector<std::string>& statements);

// One FHIR Bundle (type collection) per statement, one Bundle per line (NDJSON).
Result<std::string> StatementsFhirNdjson(const std::vector<std::string>& statements);

// The VBPR release the FHIR output follows, for READMEs and --help.
inline constexpr const char* kVbprVersion = "Da Vinci VBPR 1.1.0 (STU 1.1), FHIR R4 4.0.1";

// Attributed members as CSV rows, sorted by (contract_id, performance_year, member_id).
class RosterCsv {
 public:
  // One member detail JSON line (`vbp settle --members` format); unattributed members, and
  // lines of a parameter-group pass that did not evaluate the member's contract, are
  // skipped. Fails on a line that is not a member detail object.
  Status Add(std::string_view member_line);
  // The CSV text with its header row.
  std::string Finish();
  static std::vector<std::string> Columns();

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace vbp::codec
