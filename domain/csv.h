#pragma once
// The project's one CSV reader and one CSV writer (RFC 4180), text in and text out (no I/O:
// connectors/files/csv_file.h loads a file). Every CSV the engine reads (Tuva, CCLF, a
// provider's member list for reconcile) and writes (statements, rosters, what-if, reconcile)
// goes through them.
//
// Reader: comma-separated fields, fields quoted with '"' may hold commas,
// line breaks and doubled quotes (""), records end with CRLF, LF or CR, a UTF-8 byte order
// mark before the first header is dropped, the last record may lack a line break.
// Deviations accepted and counted: a quote inside an unquoted field is kept as a character.
// Errors (the record is reported, reading goes on with the next line): text after a closing
// quote, and a quoted field still open at the end of the input (reading stops).
//
// CsvTable adds the header: columns are looked up by name (exact, after trimming blanks),
// so the reader does not depend on column order.
//
// Writer: fields separated by commas, records ended by CRLF, a field quoted with '"' when it
// holds a comma, a quote, CR or LF (quotes inside doubled). Nothing else is quoted, so numbers
// stay numbers for a spreadsheet. What the writer writes, the reader reads back field for
// field.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.h"

namespace vbp {

class CsvReader {
 public:
  // `text` must outlive the reader.
  explicit CsvReader(std::string_view text);

  // Reads the next record into `fields`. Returns false at the end of the input. A record
  // with a syntax error returns true with `*error` set (and `fields` holding what was read);
  // the caller reports it and continues.
  bool Next(std::vector<std::string>* fields, std::string* error);
  // 1-based line number where the last record returned began (records may span lines).
  int64_t record_line() const { return record_line_; }
  int64_t stray_quotes() const { return stray_quotes_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int64_t line_ = 1;
  int64_t record_line_ = 0;
  int64_t stray_quotes_ = 0;
};

// A CSV file with a header row.
class CsvTable {
 public:
  // Parses `text`; fails when there is no header row, or it repeats a column name.
  // `name` (a file name) prefixes its errors.
  static Result<CsvTable> Parse(std::string text, std::string name);

  const std::string& name() const { return name_; }
  // Index of the column, or nullopt when absent.
  std::optional<size_t> Column(std::string_view header) const;
  const std::vector<std::string>& headers() const { return headers_; }

  struct Row {
    int64_t line = 0;  // 1-based line where the record starts
    std::vector<std::string> fields;
  };
  // Rows in file order (syntax errors and blank lines are not rows; see errors()).
  const std::vector<Row>& rows() const { return rows_; }
  // Records that could not be read: (line, reason).
  const std::vector<std::pair<int64_t, std::string>>& errors() const { return errors_; }
  int64_t blank_lines() const { return blank_lines_; }
  int64_t stray_quotes() const { return stray_quotes_; }

  // Field `column` of `row`, trimmed of surrounding blanks; empty when the row is short.
  std::string_view Get(const Row& row, std::optional<size_t> column) const;

 private:
  std::string name_;
  std::vector<std::string> headers_;
  std::map<std::string, size_t, std::less<>> index_;
  std::vector<Row> rows_;
  std::vector<std::pair<int64_t, std::string>> errors_;
  int64_t blank_lines_ = 0;
  int64_t stray_quotes_ = 0;
};

// Trims ASCII blanks (space, tab) from both ends.
std::string_view TrimCsvBlanks(std::string_view s);

// One field, quoted when RFC 4180 requires it.
std::string CsvField(std::string_view field);

// Appends one record (fields joined by commas, CRLF at the end) to `out`.
void AppendCsvRecord(const std::vector<std::string>& fields, std::string* out);

}  // namespace vbp
