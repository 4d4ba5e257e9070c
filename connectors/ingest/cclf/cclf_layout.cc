#include "connectors/ingest/cclf/cclf_layout.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_map>

#include "domain/check.h"

namespace vbp::cclf {
namespace {

// Generated from Appendix B of the CCLF Information Packet v38.0 (pdftotext -layout): every
// field's start and length as printed; names completed from cclf_layout_headers/*.csv (the
// PDF wraps long names). Positions are contiguous from column 1 in every table.
// CCLF1 (Appendix B, Part A Claims Header File (CCLF1)): 42 fields
constexpr CclfField kCCLF1Fields[] = {
    {"CUR_CLM_UNIQ_ID", 1, 13},
    {"PRVDR_OSCAR_NUM", 14, 6},
    {"BENE_MBI_ID", 20, 11},
    {"BENE_HIC_NUM", 31, 11},
    {"CLM_TYPE_CD", 42, 2},
    {"CLM_FROM_DT", 44, 10},
    {"CLM_THRU_DT", 54, 10},
    {"CLM_BILL_FAC_TYPE_CD", 64, 1},
    {"CLM_BILL_CLSFCTN_CD", 65, 1},
    {"PRNCPL_DGNS_CD", 66, 7},
    {"ADMTG_DGNS_CD", 73, 7},
    {"CLM_MDCR_NPMT_RSN_CD", 80, 2},
    {"CLM_PMT_AMT", 82, 17},
    {"CLM_NCH_PRMRY_PYR_CD", 99, 1},
    {"PRVDR_FAC_FIPS_ST_CD", 100, 2},
    {"BENE_PTNT_STUS_CD", 102, 2},
    {"DGNS_DRG_CD", 104, 4},
    {"CLM_OP_SRVC_TYPE_CD", 108, 1},
    {"FAC_PRVDR_NPI_NUM", 109, 10},
    {"OPRTG_PRVDR_NPI_NUM", 119, 10},
    {"ATNDG_PRVDR_NPI_NUM", 129, 10},
    {"OTHR_PRVDR_NPI_NUM", 139, 10},
    {"CLM_ADJSMT_TYPE_CD", 149, 2},
    {"CLM_EFCTV_DT", 151, 10},
    {"CLM_IDR_LD_DT", 161, 10},
    {"BENE_EQTBL_BIC_HICN_NUM", 171, 11},
    {"CLM_ADMSN_TYPE_CD", 182, 2},
    {"CLM_ADMSN_SRC_CD", 184, 2},
    {"CLM_BILL_FREQ_CD", 186, 1},
    {"CLM_QUERY_CD", 187, 1},
    {"DGNS_PRCDR_ICD_IND", 188, 1},
    {"CLM_MDCR_INSTNL_TOT_CHRG_AMT", 189, 15},
    {"CLM_MDCR_IP_PPS_CPTL_IME_AMT", 204, 15},
    {"CLM_OPRTNL_IME_AMT", 219, 22},
    {"CLM_MDCR_IP_PPS_DSPRPRTNT_AMT", 241, 15},
    {"CLM_HIPPS_UNCOMPD_CARE_AMT", 256, 15},
    {"CLM_OPRTNL_DSPRPRTNT_AMT", 271, 22},
    {"CLM_BLG_PRVDR_OSCAR_NUM", 293, 20},
    {"CLM_BLG_PRVDR_NPI_NUM", 313, 10},
    {"CLM_OPRTG_PRVDR_NPI_NUM", 323, 10},
    {"CLM_ATNDG_PRVDR_NPI_NUM", 333, 10},
    {"CLM_OTHR_PRVDR_NPI_NUM", 343, 10},
};
// CCLF2 (Appendix B, Part A Claims Revenue Center Detail File (CCLF2)): 23 fields
constexpr CclfField kCCLF2Fields[] = {
    {"CUR_CLM_UNIQ_ID", 1, 13},
    {"CLM_LINE_NUM", 14, 10},
    {"BENE_MBI_ID", 24, 11},
    {"BENE_HIC_NUM", 35, 11},
    {"CLM_TYPE_CD", 46, 2},
    {"CLM_LINE_FROM_DT", 48, 10},
    {"CLM_LINE_THRU_DT", 58, 10},
    {"CLM_LINE_PROD_REV_CTR_CD", 68, 4},
    {"CLM_LINE_INSTNL_REV_CTR_DT", 72, 10},
    {"CLM_LINE_HCPCS_CD", 82, 5},
    {"BENE_EQTBL_BIC_HICN_NUM", 87, 11},
    {"PRVDR_OSCAR_NUM", 98, 6},
    {"CLM_FROM_DT", 104, 10},
    {"CLM_THRU_DT", 114, 10},
    {"CLM_LINE_SRVC_UNIT_QTY", 124, 24},
    {"CLM_LINE_CVRD_PD_AMT", 148, 17},
    {"HCPCS_1_MDFR_CD", 165, 2},
    {"HCPCS_2_MDFR_CD", 167, 2},
    {"HCPCS_3_MDFR_CD", 169, 2},
    {"HCPCS_4_MDFR_CD", 171, 2},
    {"HCPCS_5_MDFR_CD", 173, 2},
    {"CLM_REV_APC_HIPPS_CD", 175, 5},
    {"CLM_FAC_PRVDR_OSCAR_NUM", 180, 20},
};
// CCLF3 (Appendix B, Part A Procedure Code File (CCLF3)): 13 fields
constexpr CclfField kCCLF3Fields[] = {
    {"CUR_CLM_UNIQ_ID", 1, 13},
    {"BENE_MBI_ID", 14, 11},
    {"BENE_HIC_NUM", 25, 11},
    {"CLM_TYPE_CD", 36, 2},
    {"CLM_VAL_SQNC_NUM", 38, 2},
    {"CLM_PRCDR_CD", 40, 7},
    {"CLM_PRCDR_PRFRM_DT", 47, 10},
    {"BENE_EQTBL_BIC_HICN_NUM", 57, 11},
    {"PRVDR_OSCAR_NUM", 68, 6},
    {"CLM_FROM_DT", 74, 10},
    {"CLM_THRU_DT", 84, 10},
    {"DGNS_PRCDR_ICD_IND", 94, 1},
    {"CLM_BLG_PRVDR_OSCAR_NUM", 95, 20},
};
// CCLF4 (Appendix B, Part A Diagnosis Code File (CCLF4)): 14 fields
constexpr CclfField kCCLF4Fields[] = {
    {"CUR_CLM_UNIQ_ID", 1, 13},    {"BENE_MBI_ID", 14, 11},
    {"BENE_HIC_NUM", 25, 11},      {"CLM_TYPE_CD", 36, 2},
    {"CLM_PROD_TYPE_CD", 38, 1},   {"CLM_VAL_SQNC_NUM", 39, 2},
    {"CLM_DGNS_CD", 41, 7},        {"BENE_EQTBL_BIC_HICN_NUM", 48, 11},
    {"PRVDR_OSCAR_NUM", 59, 6},    {"CLM_FROM_DT", 65, 10},
    {"CLM_THRU_DT", 75, 10},       {"CLM_POA_IND", 85, 7},
    {"DGNS_PRCDR_ICD_IND", 92, 1}, {"CLM_BLG_PRVDR_OSCAR_NUM", 93, 20},
};
// CCLF5 (Appendix B, Part B Physicians File (CCLF5)): 52 fields
constexpr CclfField kCCLF5Fields[] = {
    {"CUR_CLM_UNIQ_ID", 1, 13},
    {"CLM_LINE_NUM", 14, 10},
    {"BENE_MBI_ID", 24, 11},
    {"BENE_HIC_NUM", 35, 11},
    {"CLM_TYPE_CD", 46, 2},
    {"CLM_FROM_DT", 48, 10},
    {"CLM_THRU_DT", 58, 10},
    {"RNDRG_PRVDR_TYPE_CD", 68, 3},
    {"RNDRG_PRVDR_FIPS_ST_CD", 71, 2},
    {"CLM_PRVDR_SPCLTY_CD", 73, 2},
    {"CLM_FED_TYPE_SRVC_CD", 75, 1},
    {"CLM_POS_CD", 76, 2},
    {"CLM_LINE_FROM_DT", 78, 10},
    {"CLM_LINE_THRU_DT", 88, 10},
    {"CLM_LINE_HCPCS_CD", 98, 5},
    {"CLM_LINE_CVRD_PD_AMT", 103, 15},
    {"CLM_LINE_PRMRY_PYR_CD", 118, 1},
    {"CLM_LINE_DGNS_CD", 119, 7},
    {"CLM_RNDRG_PRVDR_TAX_NUM", 126, 10},
    {"RNDRG_PRVDR_NPI_NUM", 136, 10},
    {"CLM_CARR_PMT_DNL_CD", 146, 2},
    {"CLM_PRCSG_IND_CD", 148, 2},
    {"CLM_ADJSMT_TYPE_CD", 150, 2},
    {"CLM_EFCTV_DT", 152, 10},
    {"CLM_IDR_LD_DT", 162, 10},
    {"CLM_CNTL_NUM", 172, 40},
    {"BENE_EQTBL_BIC_HICN_NUM", 212, 11},
    {"CLM_LINE_ALOWD_CHRG_AMT", 223, 17},
    {"CLM_LINE_SRVC_UNIT_QTY", 240, 24},
    {"HCPCS_1_MDFR_CD", 264, 2},
    {"HCPCS_2_MDFR_CD", 266, 2},
    {"HCPCS_3_MDFR_CD", 268, 2},
    {"HCPCS_4_MDFR_CD", 270, 2},
    {"HCPCS_5_MDFR_CD", 272, 2},
    {"CLM_DISP_CD", 274, 2},
    {"CLM_DGNS_1_CD", 276, 7},
    {"CLM_DGNS_2_CD", 283, 7},
    {"CLM_DGNS_3_CD", 290, 7},
    {"CLM_DGNS_4_CD", 297, 7},
    {"CLM_DGNS_5_CD", 304, 7},
    {"CLM_DGNS_6_CD", 311, 7},
    {"CLM_DGNS_7_CD", 318, 7},
    {"CLM_DGNS_8_CD", 325, 7},
    {"DGNS_PRCDR_ICD_IND", 332, 1},
    {"CLM_DGNS_9_CD", 333, 7},
    {"CLM_DGNS_10_CD", 340, 7},
    {"CLM_DGNS_11_CD", 347, 7},
    {"CLM_DGNS_12_CD", 354, 7},
    {"HCPCS_BETOS_CD", 361, 3},
    {"CLM_RNDRG_PRVDR_NPI_NUM", 364, 10},
    {"CLM_RFRG_PRVDR_NPI_NUM", 374, 10},
    {"CLM_CNTRCTR_NUM", 384, 5},
};
// CCLF6 (Appendix B, Part B DME File (CCLF6)): 27 fields
constexpr CclfField kCCLF6Fields[] = {
    {"CUR_CLM_UNIQ_ID", 1, 13},
    {"CLM_LINE_NUM", 14, 10},
    {"BENE_MBI_ID", 24, 11},
    {"BENE_HIC_NUM", 35, 11},
    {"CLM_TYPE_CD", 46, 2},
    {"CLM_FROM_DT", 48, 10},
    {"CLM_THRU_DT", 58, 10},
    {"CLM_FED_TYPE_SRVC_CD", 68, 1},
    {"CLM_POS_CD", 69, 2},
    {"CLM_LINE_FROM_DT", 71, 10},
    {"CLM_LINE_THRU_DT", 81, 10},
    {"CLM_LINE_HCPCS_CD", 91, 5},
    {"CLM_LINE_CVRD_PD_AMT", 96, 15},
    {"CLM_PRMRY_PYR_CD", 111, 1},
    {"PAYTO_PRVDR_NPI_NUM", 112, 10},
    {"ORDRG_PRVDR_NPI_NUM", 122, 10},
    {"CLM_CARR_PMT_DNL_CD", 132, 2},
    {"CLM_PRCSG_IND_CD", 134, 2},
    {"CLM_ADJSMT_TYPE_CD", 136, 2},
    {"CLM_EFCTV_DT", 138, 10},
    {"CLM_IDR_LD_DT", 148, 10},
    {"CLM_CNTL_NUM", 158, 40},
    {"BENE_EQTBL_BIC_HICN_NUM", 198, 11},
    {"CLM_LINE_ALOWD_CHRG_AMT", 209, 17},
    {"CLM_DISP_CD", 226, 2},
    {"CLM_BLG_PRVDR_NPI_NUM", 228, 10},
    {"CLM_RFRG_PRVDR_NPI_NUM", 238, 10},
};
// CCLF8 (Appendix B, Beneficiary Demographics File (CCLF8)): 31 fields
constexpr CclfField kCCLF8Fields[] = {
    {"BENE_MBI_ID", 1, 11},
    {"BENE_HIC_NUM", 12, 11},
    {"BENE_FIPS_STATE_CD", 23, 2},
    {"BENE_FIPS_CNTY_CD", 25, 3},
    {"BENE_ZIP_CD", 28, 5},
    {"BENE_DOB", 33, 10},
    {"BENE_SEX_CD", 43, 1},
    {"BENE_RACE_CD", 44, 1},
    {"BENE_AGE", 45, 3},
    {"BENE_MDCR_STUS_CD", 48, 2},
    {"BENE_DUAL_STUS_CD", 50, 2},
    {"BENE_DEATH_DT", 52, 10},
    {"BENE_RNG_BGN_DT", 62, 10},
    {"BENE_RNG_END_DT", 72, 10},
    {"BENE_1ST_NAME", 82, 30},
    {"BENE_MIDL_NAME", 112, 15},
    {"BENE_LAST_NAME", 127, 40},
    {"BENE_ORGNL_ENTLMT_RSN_CD", 167, 1},
    {"BENE_ENTLMT_BUYIN_IND", 168, 1},
    {"BENE_PART_A_ENRLMT_BGN_DT", 169, 10},
    {"BENE_PART_B_ENRLMT_BGN_DT", 179, 10},
    {"BENE_LINE_1_ADR", 189, 45},
    {"BENE_LINE_2_ADR", 234, 45},
    {"BENE_LINE_3_ADR", 279, 40},
    {"BENE_LINE_4_ADR", 319, 40},
    {"BENE_LINE_5_ADR", 359, 40},
    {"BENE_LINE_6_ADR", 399, 40},
    {"GEO_ZIP_PLC_NAME", 439, 100},
    {"GEO_USPS_STATE_CD", 539, 2},
    {"GEO_ZIP5_CD", 541, 5},
    {"GEO_ZIP4_CD", 546, 4},
};
// CCLF9 (Appendix B, Beneficiary XREF File (CCLF9)): 6 fields
constexpr CclfField kCCLF9Fields[] = {
    {"HICN_MBI_XREF_IND", 1, 1},  {"CRNT_NUM", 2, 11},          {"PRVS_NUM", 13, 11},
    {"PRVS_ID_EFCTV_DT", 24, 10}, {"PRVS_ID_OBSLT_DT", 34, 10}, {"BENE_RRB_NUM", 44, 12},
};

constexpr CclfLayout kLayouts[] = {
    {CclfKind::kPartAHeader, "CCLF1", '1', kCCLF1Fields},
    {CclfKind::kRevenue, "CCLF2", '2', kCCLF2Fields},
    {CclfKind::kProcedure, "CCLF3", '3', kCCLF3Fields},
    {CclfKind::kDiagnosis, "CCLF4", '4', kCCLF4Fields},
    {CclfKind::kPhysician, "CCLF5", '5', kCCLF5Fields},
    {CclfKind::kDme, "CCLF6", '6', kCCLF6Fields},
    {CclfKind::kBeneficiary, "CCLF8", '8', kCCLF8Fields},
    {CclfKind::kXref, "CCLF9", '9', kCCLF9Fields},
};

std::optional<CclfKind> KindFromDigit(char d) {
  for (const CclfLayout& l : kLayouts) {
    if (l.zc_digit == d) return l.kind;
  }
  return std::nullopt;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

size_t CclfLayout::Index(std::string_view name) const {
  // One name -> index map per layout, built once (lookups only: no iteration reaches output).
  using NameIndex = std::unordered_map<std::string_view, size_t>;
  static const auto* const kIndex = [] {
    auto* maps = new std::array<NameIndex, std::size(kLayouts)>();
    for (size_t k = 0; k < std::size(kLayouts); ++k) {
      VBP_CHECK(static_cast<size_t>(kLayouts[k].kind) == k);  // kLayouts in CclfKind order
      for (size_t i = 0; i < kLayouts[k].fields.size(); ++i) {
        (*maps)[k][kLayouts[k].fields[i].name] = i;
      }
    }
    return maps;
  }();
  const NameIndex& index = (*kIndex)[static_cast<size_t>(kind)];
  auto it = index.find(name);
  VBP_CHECK(it != index.end() && "CCLF layout has no such field");
  return it->second;
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view FieldText(const CclfLayout& layout, std::string_view line, size_t index,
                           bool* cut) {
  const CclfField& f = layout.fields[index];
  const size_t begin = static_cast<size_t>(f.start - 1);
  const size_t end = begin + static_cast<size_t>(f.length);
  if (cut) *cut = end > line.size();
  if (begin >= line.size()) return {};
  return TrimBlanks(line.substr(begin, std::min(end, line.size()) - begin));
}

const CclfLayout& LayoutOf(CclfKind kind) {
  for (const CclfLayout& l : kLayouts) {
    if (l.kind == kind) return l;
  }
  VBP_CHECK(false && "unknown CCLF kind");
  return kLayouts[0];
}

std::optional<CclfKind> KindFromLabel(std::string_view label) {
  const std::string u = Upper(label);
  std::string_view v = u;
  if (v.rfind("CCLF", 0) == 0) {
    v.remove_prefix(4);
  } else if (v.rfind("ZC", 0) == 0) {
    v.remove_prefix(2);
  }
  if (v.size() != 1) return std::nullopt;
  return KindFromDigit(v[0]);
}

std::optional<CclfKind> KindFromFileName(std::string_view file_name) {
  const std::string u = Upper(file_name);
  size_t pos = 0;
  while (pos <= u.size()) {
    size_t dot = u.find('.', pos);
    if (dot == std::string::npos) dot = u.size();
    std::string_view part = std::string_view(u).substr(pos, dot - pos);
    if (part.rfind("ZC", 0) == 0 && part.size() >= 3) return KindFromDigit(part[2]);
    if (part.rfind("CCLF", 0) == 0 && part.size() >= 5) return KindFromDigit(part[4]);
    pos = dot + 1;
  }
  return std::nullopt;
}

SplitRecord SplitFixedWidth(const CclfLayout& layout, std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  SplitRecord r;
  r.line_length = line.size();
  r.values.reserve(layout.fields.size());
  for (size_t i = 0; i < layout.fields.size(); ++i) {
    bool cut = false;
    r.values.emplace_back(FieldText(layout, line, i, &cut));
    if (cut && r.first_cut_field < 0) r.first_cut_field = static_cast<int>(i);
  }
  return r;
}
std::optional<std::string> FormatFixedWidth(const CclfLayout& layout,
                                            const std::vector<std::string>& values,
                                            std::string* too_long) {
  VBP_CHECK(values.size() == layout.fields.size());
  std::string out;
  out.reserve(static_cast<size_t>(layout.record_length()));
  for (size_t i = 0; i < values.size(); ++i) {
    const CclfField& f = layout.fields[i];
    if (values[i].size() > static_cast<size_t>(f.length)) {
      if (too_long) *too_long = std::string(f.name);
      return std::nullopt;
    }
    out += values[i];
    out.append(static_cast<size_t>(f.length) - values[i].size(), ' ');
  }
  return out;
}

std::optional<std::string> FormatAmount(std::string_view amount, int length, int decimals) {
  bool negative = false;
  if (!amount.empty() && amount.front() == '-') {
    negative = true;
    amount.remove_prefix(1);
  }
  const size_t dot = amount.find('.');
  std::string whole(amount.substr(0, dot));
  std::string frac = dot == std::string_view::npos ? "" : std::string(amount.substr(dot + 1));
  auto digits = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || !digits(whole) || !digits(frac)) return std::nullopt;
  if (frac.size() > static_cast<size_t>(decimals)) return std::nullopt;
  frac.append(static_cast<size_t>(decimals) - frac.size(), '0');
  const int whole_width = length - 1 - (decimals > 0 ? decimals + 1 : 0);
  if (static_cast<int>(whole.size()) > whole_width) return std::nullopt;
  std::string out(1, negative ? '-' : ' ');
  out.append(static_cast<size_t>(whole_width) - whole.size(), '0');
  out += whole;
  if (decimals > 0) out += "." + frac;
  return out;
}

}  // namespace vbp::cclf
