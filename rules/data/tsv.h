#pragma once
// A tab-separated reference table (rules/data/README.md, "Format"): lines starting with '#'
// are provenance comments, the first other line names the columns, every following non-empty
// line is a row with exactly as many tab-separated cells. Cells are views into the text, so
// the text must outlive the table (embedded tables live for the whole program).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/decimal.h"
#include "domain/status.h"

namespace vbp::rules::data {

class TsvTable {
 public:
  // `origin` names the table in errors ("hcc/hierarchy.tsv").
  static Result<TsvTable> Parse(std::string_view text, std::string_view origin);

  const std::string& origin() const { return origin_; }
  size_t rows() const { return rows_.size(); }
  // Index of a column; InvalidArgument naming the table when it has no such column.
  Result<size_t> Column(std::string_view name) const;
  std::string_view Cell(size_t row, size_t col) const { return rows_[row].cells[col]; }
  // "hcc/hierarchy.tsv:12" for row errors.
  std::string Where(size_t row) const;

  // Typed cells; errors name the table, line and column.
  Result<int64_t> Int(size_t row, size_t col) const;
  Result<Rational> Decimal(size_t row, size_t col) const;

 private:
  struct Row {
    int32_t line = 0;
    std::vector<std::string_view> cells;
  };
  std::string origin_;
  std::vector<std::string_view> header_;
  std::vector<Row> rows_;
};

}  // namespace vbp::rules::data
