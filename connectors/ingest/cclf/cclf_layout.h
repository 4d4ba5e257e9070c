#pragma once
// The CCLF file layouts of CMS's "CCLF Information Packet" v38.0 (02/02/2024), Appendix B
// (Tables 14-25): every field's name, 1-based start column and length, defined once here and
// used by the reader (cclf_import) and the writer (cclf_writer). Field names are those of the
// CSV variant (cclf-reference-codes/cclf_layout_headers), which the CSV reader matches by
// header name.
//
// Also: the file kind from a CMS file name (P.A****.ACO.ZC1Y**.D******.T*******: "ZC1" is
// CCLF1, ... "ZC9" CCLF9), and fixed-width splitting and formatting of one record.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vbp::cclf {

enum class CclfKind {
  kPartAHeader,  // CCLF1
  kRevenue,      // CCLF2
  kProcedure,    // CCLF3
  kDiagnosis,    // CCLF4
  kPhysician,    // CCLF5
  kDme,          // CCLF6
  kBeneficiary,  // CCLF8
  kXref,         // CCLF9
};
inline constexpr CclfKind kAllKinds[] = {
    CclfKind::kPartAHeader, CclfKind::kRevenue, CclfKind::kProcedure,   CclfKind::kDiagnosis,
    CclfKind::kPhysician,   CclfKind::kDme,     CclfKind::kBeneficiary, CclfKind::kXref};

struct CclfField {
  std::string_view name;
  int start = 0;  // 1-based column
  int length = 0;
};

struct CclfLayout {
  CclfKind kind;
  std::string_view file_id;  // "CCLF1"
  char zc_digit;             // '1' in ZC1
  std::span<const CclfField> fields;
  int record_length() const { return fields.back().start + fields.back().length - 1; }
  // Index of the field named `name` (a hash lookup); crashes when the layout has no such field
  // (a defect: names are constants of the code).
  size_t Index(std::string_view name) const;
};

const CclfLayout& LayoutOf(CclfKind kind);
// "cclf1".."cclf9", "1".."9", "zc1".."zc9" (any case) -> kind (CCLF7 and CCLFA/B: nullopt).
std::optional<CclfKind> KindFromLabel(std::string_view label);
// The kind a CMS file name names: the digit after "ZC" in a dot-separated part ("ZC1Y24",
// "ZC8R", "ZC9"), or a part "CCLF1".."CCLF9"; nullopt for other files (ZC0, ZC7, ZCA, ...).
std::optional<CclfKind> KindFromFileName(std::string_view file_name);

// One record's field texts (blanks trimmed), by layout index.
struct SplitRecord {
  std::vector<std::string> values;
  // Index of the first field the line does not hold whole (a short line), or -1.
  int first_cut_field = -1;
  size_t line_length = 0;
};
// The text of field `index` in a fixed-width line, blanks trimmed. `*cut` (when given) is set
// when the line does not hold the field whole; the part it holds is returned.
std::string_view FieldText(const CclfLayout& layout, std::string_view line, size_t index,
                           bool* cut);
// `s` without leading and trailing blanks, tabs and '\r'.
std::string_view TrimBlanks(std::string_view s);

// Splits a fixed-width line (a trailing '\r' is dropped). A line shorter than the layout
// keeps the fields it holds whole; a field cut by the end of the line keeps its partial text
// and `first_cut_field` says where the line ended (see README.md: short lines).
SplitRecord SplitFixedWidth(const CclfLayout& layout, std::string_view line);

// Formats one record: each value left-justified and blank-padded to its field's length
// (amounts are formatted by FormatAmount first). Fails (returns nullopt and the field name in
// `*too_long`) when a value is longer than its field.
std::optional<std::string> FormatFixedWidth(const CclfLayout& layout,
                                            const std::vector<std::string>& values,
                                            std::string* too_long);

// A signed amount in the Appendix B form "-9(n).99": a blank or '-' then zero-padded digits,
// `decimals` decimals, `length` characters in all. `amount` is a plain decimal ("-12.5",
// "7"); nullopt when it does not fit or has more decimals than `decimals`.
std::optional<std::string> FormatAmount(std::string_view amount, int length, int decimals);

}  // namespace vbp::cclf
