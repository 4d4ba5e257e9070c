#pragma once
// An RFC 4180 CSV reader: comma-separated fields, fields quoted with '"' may hold commas,
// line breaks and doubled quotes (""), records end with CRLF, LF or CR, a UTF-8 byte order
// mark before the first header is dropped, the last record may lack a line break.
// Deviations accepted and counted: a quote inside an unquoted field is kept as a character.
// Errors (the record is reported, reading goes on with the next line): text after a closing
// quote, and a quoted field still open at the end of the input (reading stops).
//
// CsvTable adds the header: columns are looked up by name (exact, after trimming blanks),
// so the reader does not depend on column order.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.h"

namespace vbp::files {

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
  static Result<CsvTable> Parse(std::string text, std::string name);
  static Result<CsvTable> Load(const std::string& path);

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
std::string_view TrimBlanks(std::string_view s);

}  // namespace vbp::files
