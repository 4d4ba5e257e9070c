#pragma once
// The project's CSV writer (RFC 4180): fields separated by commas, records ended by CRLF, a
// field quoted with '"' when it holds a comma, a quote, CR or LF (quotes inside doubled).
// Nothing else is quoted, so numbers stay numbers for a spreadsheet. Pair of csv_reader.h:
// what this writes, that reads back field for field.

#include <string>
#include <string_view>
#include <vector>

namespace vbp::files {

// One field, quoted when RFC 4180 requires it.
std::string CsvField(std::string_view field);

// Appends one record (fields joined by commas, CRLF at the end) to `out`.
void AppendCsvRecord(const std::vector<std::string>& fields, std::string* out);

}  // namespace vbp::files
