#pragma once
// What the HTML reports (what-if, reconcile) share: escaping, number text for people, and the
// page frame (CSS with a print style, one small inline script that makes tables sortable and
// filterable). One owner, so that both reports read and behave alike.
//
// Number text is derived from the exact decimal text by decimal operations (ParseExactDecimal,
// FormatHalfEven); no binary floating point. A text that is not a plain decimal is returned
// unchanged, so a caller can pass a figure through without checking it first.
// Pure: no I/O.

#include <string>
#include <string_view>

namespace vbp::html {

// &, <, >, " and ' as entities.
std::string Escape(std::string_view text);

// Thousands separators in the integer part, places kept: "-1234567.891" -> "-1,234,567.891".
std::string GroupThousands(std::string_view decimal);

// Money for people: rounded half-to-even to cents, grouped: "-1234567.885" -> "-1,234,567.88".
std::string MoneyText(std::string_view decimal);

// A rate as a percentage: ("0.0853001288", 2) -> "8.53%".
std::string PercentText(std::string_view rate, int places);

// A change of a rate in percentage points, signed: ("-0.0621333134", 2) -> "-6.21 pp".
std::string PointsText(std::string_view rate_delta, int places);

// delta / |base| as a signed percentage: ("61312.12", "-45461.02", 1) -> "-74.1%"; "" when base
// is zero or either text is not a decimal.
std::string ChangePercentText(std::string_view base, std::string_view delta, int places);

// A snake_case code as words: "savings_below_msr" -> "savings below msr".
std::string CodeWords(std::string_view code);

// "<td class=n data-v=RAW>TEXT</td>": a number cell, right-aligned, sorted by its raw decimal.
std::string NumberCell(std::string_view raw, std::string_view shown);

// <!DOCTYPE html> up to and including <body>: title, the shared CSS and print style.
std::string PageStart(std::string_view title);
// The shared script and </body></html>. Tables with class "sortable" sort by a click on a
// header cell (by data-v when a cell has it, numbers numerically); tables with class
// "filterable" get a text box above them that hides rows not containing its text. Without
// script they are plain static tables. When the page's URL ends in #layout-check, the script
// writes the viewport size and the bounding boxes of elements with a data-check attribute as
// JSON into the data-layout attribute of <html> (read by tests/audit/html_view_test.py).
std::string PageEnd();

}  // namespace vbp::html
