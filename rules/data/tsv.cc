#include "rules/data/tsv.h"

#include <charconv>

namespace vbp::rules::data {
namespace {

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> cells;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) {
      cells.push_back(line.substr(start));
      return cells;
    }
    cells.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
}

}  // namespace

Result<TsvTable> TsvTable::Parse(std::string_view text, std::string_view origin) {
  TsvTable t;
  t.origin_ = std::string(origin);
  int32_t line_no = 0;
  size_t pos = 0;
  bool have_header = false;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') {
      return Status::Invalid(t.origin_ + ":" + std::to_string(line_no) +
                             ": carriage return (tables use '\\n' line ends)");
    }
    if (line.empty() || line.front() == '#') continue;
    if (!have_header) {
      t.header_ = SplitTabs(line);
      have_header = true;
      continue;
    }
    Row r;
    r.line = line_no;
    r.cells = SplitTabs(line);
    if (r.cells.size() != t.header_.size()) {
      return Status::Invalid(t.origin_ + ":" + std::to_string(line_no) + ": " +
                             std::to_string(r.cells.size()) + " cells, header has " +
                             std::to_string(t.header_.size()));
    }
    t.rows_.push_back(std::move(r));
  }
  if (!have_header) return Status::Invalid(t.origin_ + ": no header row");
  return t;
}

Result<size_t> TsvTable::Column(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  return Status::Invalid(origin_ + ": no column '" + std::string(name) + "'");
}

std::string TsvTable::Where(size_t row) const {
  return origin_ + ":" + std::to_string(rows_[row].line);
}

Result<int64_t> TsvTable::Int(size_t row, size_t col) const {
  std::string_view s = Cell(row, col);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
    return Status::Invalid(Where(row) + ": column '" + std::string(header_[col]) + "': '" +
                           std::string(s) + "' is not an integer");
  }
  return v;
}

Result<Rational> TsvTable::Decimal(size_t row, size_t col) const {
  auto d = ParseExactDecimal(Cell(row, col));
  if (!d.ok()) {
    return Status::Invalid(Where(row) + ": column '" + std::string(header_[col]) +
                           "': " + d.status().message());
  }
  return d;
}

}  // namespace vbp::rules::data
