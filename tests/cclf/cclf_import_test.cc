// `vbp import cclf` on hand-made CCLF lines (every expected value worked out from Appendix B of
// the CCLF Information Packet v38.0) and on the shared BCDA samples (cclf-small ZC8, ZC9).
#include "connectors/ingest/cclf/cclf_import.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "connectors/ingest/cclf/cclf_layout.h"
#include "connectors/ingest/generate/catalog.h"
#include "connectors/ingest/medicare/medicare_codes.h"

namespace vbp::cclf {
namespace {

using ojson = nlohmann::ordered_json;
using Fields = std::map<std::string, std::string>;

const std::string kSamples = VBP_SOURCE_DIR "/../shared/data/bcda-synthetic/cclf-small/";

std::vector<ojson> Records(const std::string& text) {
  std::vector<ojson> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(ojson::parse(l));
  return out;
}

// One fixed-width line of `kind` with the given fields (the shared layout table).
std::string Fixed(CclfKind kind, const Fields& values) {
  const CclfLayout& layout = LayoutOf(kind);
  std::vector<std::string> v(layout.fields.size());
  for (const auto& [name, value] : values) v[layout.Index(name)] = value;
  std::string too_long;
  auto line = FormatFixedWidth(layout, v, &too_long);
  EXPECT_TRUE(line.has_value()) << too_long;
  return line.value_or("");
}

Fields PartBLine(const std::string& uid, const std::string& adj, const std::string& effective,
                 const std::string& paid) {
  return {{"CUR_CLM_UNIQ_ID", uid},
          {"CLM_LINE_NUM", "0000000001"},
          {"BENE_MBI_ID", "1EG4TE5MK73"},
          {"CLM_TYPE_CD", "71"},
          {"CLM_FROM_DT", "2025-02-03"},
          {"CLM_THRU_DT", "2025-02-03"},
          {"CLM_PRVDR_SPCLTY_CD", "08"},
          {"CLM_POS_CD", "11"},
          {"CLM_LINE_FROM_DT", "2025-02-03"},
          {"CLM_LINE_HCPCS_CD", "99214"},
          {"CLM_LINE_CVRD_PD_AMT", paid},
          {"CLM_RNDRG_PRVDR_TAX_NUM", "123456789"},
          {"RNDRG_PRVDR_NPI_NUM", "1234567893"},
          {"CLM_ADJSMT_TYPE_CD", adj},
          {"CLM_EFCTV_DT", effective},
          {"CLM_CNTL_NUM", "CNTL7"},
          {"CLM_LINE_ALOWD_CHRG_AMT", " 0000000000130.00"},
          {"CLM_LINE_SRVC_UNIT_QTY", " 000000000000000001.0000"},
          {"CLM_DGNS_1_CD", "I10"},
          {"CLM_DGNS_2_CD", "E119"}};
}

Fields Beneficiary(const std::string& mbi, const std::string& status, const std::string& dual,
                   const std::string& from, const std::string& through) {
  return {{"BENE_MBI_ID", mbi},         {"BENE_DOB", "1950-04-02"},
          {"BENE_SEX_CD", "2"},         {"BENE_MDCR_STUS_CD", status},
          {"BENE_DUAL_STUS_CD", dual},  {"BENE_RNG_BGN_DT", from},
          {"BENE_RNG_END_DT", through}, {"BENE_ORGNL_ENTLMT_RSN_CD", "0"}};
}

std::string Join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

struct Run {
  generate::StringLineSink members, providers, claims, contracts, rejects;
  CclfImportSummary summary;
};

std::unique_ptr<Run> Import(const std::vector<CclfInput>& inputs,
                            const CclfImportOptions& options = {}) {
  auto run = std::make_unique<Run>();
  auto s =
      ImportCclf(inputs, options,
                 {&run->members, &run->providers, &run->claims, &run->contracts, &run->rejects});
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (s.ok()) run->summary = std::move(*s);
  return run;
}

const ojson& FileReport(const Run& run, const std::string& source) {
  for (const auto& f : run.summary.report["files"]) {
    if (f["source"] == source) return f;
  }
  static const ojson none;
  ADD_FAILURE() << "no report for " << source;
  return none;
}

// --- Layout ----------------------------------------------------------------------------------

TEST(CclfLayoutTest, RecordLengthsAreThoseOfAppendixB) {
  EXPECT_EQ(LayoutOf(CclfKind::kPartAHeader).record_length(), 352);
  EXPECT_EQ(LayoutOf(CclfKind::kRevenue).record_length(), 199);
  EXPECT_EQ(LayoutOf(CclfKind::kProcedure).record_length(), 114);
  EXPECT_EQ(LayoutOf(CclfKind::kDiagnosis).record_length(), 112);
  EXPECT_EQ(LayoutOf(CclfKind::kPhysician).record_length(), 388);
  EXPECT_EQ(LayoutOf(CclfKind::kDme).record_length(), 247);
  EXPECT_EQ(LayoutOf(CclfKind::kBeneficiary).record_length(), 549);
  EXPECT_EQ(LayoutOf(CclfKind::kXref).record_length(), 55);
  for (CclfKind kind : kAllKinds) {
    int next = 1;
    for (const CclfField& f : LayoutOf(kind).fields) {
      EXPECT_EQ(f.start, next) << LayoutOf(kind).file_id << " " << f.name;
      next = f.start + f.length;
    }
  }
}

TEST(CclfLayoutTest, FixedWidthLineIsSplitFieldByField) {
  // CCLF9 (Table 22): IND 1, CRNT_NUM 2-12, PRVS_NUM 13-23, EFCTV 24-33, OBSLT 34-43, RRB 44-55.
  const std::string line = "M6U50TE7GG181EG4TE5MK732019-05-012019-04-30            ";
  ASSERT_EQ(line.size(), 55u);
  const SplitRecord r = SplitFixedWidth(LayoutOf(CclfKind::kXref), line);
  ASSERT_EQ(r.values.size(), 6u);
  EXPECT_EQ(r.values[0], "M");
  EXPECT_EQ(r.values[1], "6U50TE7GG18");
  EXPECT_EQ(r.values[2], "1EG4TE5MK73");
  EXPECT_EQ(r.values[3], "2019-05-01");
  EXPECT_EQ(r.values[4], "2019-04-30");
  EXPECT_EQ(r.values[5], "");
  EXPECT_EQ(r.first_cut_field, -1);
  // CCLF1 (Table 14): CLM_PMT_AMT is columns 82-98, "-9(13).99".
  std::string header(352, ' ');
  header.replace(0, 13, "0000000000042");
  header.replace(81, 17, "-0000000001234.56");
  const SplitRecord h = SplitFixedWidth(LayoutOf(CclfKind::kPartAHeader), header);
  const CclfLayout& l1 = LayoutOf(CclfKind::kPartAHeader);
  EXPECT_EQ(h.values[l1.Index("CUR_CLM_UNIQ_ID")], "0000000000042");
  EXPECT_EQ(h.values[l1.Index("CLM_PMT_AMT")], "-0000000001234.56");
  EXPECT_EQ(ParseAmount(h.values[l1.Index("CLM_PMT_AMT")])->ToString(), "-1234.56");
}

TEST(CclfLayoutTest, ShortLineSaysWhichFieldIsCut) {
  const SplitRecord r =
      SplitFixedWidth(LayoutOf(CclfKind::kXref), "M6U50TE7GG181EG4TE5MK732019-05");
  EXPECT_EQ(r.first_cut_field, 3);  // PRVS_ID_EFCTV_DT, columns 24-33
  EXPECT_EQ(r.values[3], "2019-05");
  EXPECT_EQ(r.values[4], "");
}

TEST(CclfLayoutTest, KindFromCmsFileNames) {
  EXPECT_EQ(KindFromFileName("P.A1234.ACO.ZC1Y24.D240101.T1200000"), CclfKind::kPartAHeader);
  EXPECT_EQ(KindFromFileName("P.A1234.ACO.ZC5R24.D240101.T1200000"), CclfKind::kPhysician);
  EXPECT_EQ(KindFromFileName("ZC8"), CclfKind::kBeneficiary);
  EXPECT_EQ(KindFromFileName("ZC9"), CclfKind::kXref);
  EXPECT_EQ(KindFromFileName("ZC0"), std::nullopt);  // summary statistics
  EXPECT_EQ(KindFromFileName("P.A1234.ACO.ZC7Y24.D240101.T1200000"), std::nullopt);  // Part D
  EXPECT_EQ(KindFromFileName("contracts.ndjson"), std::nullopt);
  EXPECT_EQ(KindFromLabel("cclf6"), CclfKind::kDme);
  EXPECT_EQ(KindFromLabel("3"), CclfKind::kProcedure);
}

TEST(CclfAmountTest, SignedFixedWidthAmountsAreExact) {
  EXPECT_EQ(ParseAmount(" 0000000000123.45")->ToString(), "123.45");
  EXPECT_EQ(ParseAmount("-0000000000001.50")->ToString(), "-1.50");
  EXPECT_EQ(ParseAmount("0.1")->ToString(), "0.10");
  EXPECT_EQ(ParseAmount("70.01")->micros(), Int128(70'010'000));
  EXPECT_FALSE(ParseAmount(""));
  EXPECT_FALSE(ParseAmount("12.3.4"));
  EXPECT_FALSE(ParseAmount("1e5"));
  EXPECT_FALSE(ParseAmount("12,50"));
  EXPECT_EQ(FormatAmount("-12.5", 17, 2), "-0000000000012.50");
  EXPECT_EQ(FormatAmount("3", 24, 4), " 000000000000000003.0000");
  EXPECT_FALSE(FormatAmount("1.234", 17, 2));
  EXPECT_EQ(ParseQuantity(" 000000000000000003.0000"), "3");
  EXPECT_EQ(ParseQuantity("2.5000"), "2.5");
  EXPECT_FALSE(ParseQuantity("-1"));
}

TEST(CclfSpecialtyTest, ProviderClassFromCmsSpecialty) {
  for (const char* c : {"01", "08", "11", "37", "38"})
    EXPECT_EQ(ProviderClassOfSpecialty(c), ProviderClass::kPcp);
  for (const char* c : {"50", "89", "97"})
    EXPECT_EQ(ProviderClassOfSpecialty(c), ProviderClass::kNpp);
  for (const char* c : {"06", "20", "93", "C6", "48"}) {
    EXPECT_EQ(ProviderClassOfSpecialty(c), ProviderClass::kSpecialist) << c;
  }
  for (const char* c : {"65", "35", "41", "62", "A0", "69", ""}) {
    EXPECT_EQ(ProviderClassOfSpecialty(c), ProviderClass::kOther) << c;
  }
}

// --- Versions (Packet §5.2) --------------------------------------------------------------------

TEST(CclfImportTest, OriginalAdjustmentCancellationAreVersionsOneTwoThreeVoid) {
  const std::string cclf5 = Join({
      Fixed(CclfKind::kPhysician, PartBLine("3000000000003", "1", "2025-04-01", " 00000000100.00")),
      Fixed(CclfKind::kPhysician, PartBLine("1000000000001", "0", "2025-02-20", " 00000000100.00")),
      Fixed(CclfKind::kPhysician, PartBLine("2000000000002", "2", "2025-03-10", " 00000000090.00")),
  });
  auto run = Import({{CclfKind::kPhysician, "ZC5", cclf5}});
  const auto claims = Records(run->claims.text());
  ASSERT_EQ(claims.size(), 3u);
  for (int v = 0; v < 3; ++v) {
    EXPECT_EQ(claims[v]["claim_id"], "CNTL7");  // CLM_CNTL_NUM: the Part B natural key
    EXPECT_EQ(claims[v]["version"], v + 1);
  }
  EXPECT_EQ(claims[0]["frequency"], "original");
  EXPECT_EQ(claims[0]["paid_date"], "2025-02-20");
  EXPECT_EQ(claims[0]["lines"][0]["paid"], "100.00");
  EXPECT_EQ(claims[1]["frequency"], "replacement");
  EXPECT_EQ(claims[1]["lines"][0]["paid"], "90.00");
  EXPECT_EQ(claims[2]["frequency"], "void");
  EXPECT_EQ(claims[2]["paid_date"], "2025-04-01");
  EXPECT_EQ(claims[0]["billing_tin"], "123456789");
  EXPECT_EQ(claims[0]["rendering_npi"], "1234567893");
  EXPECT_EQ(claims[0]["diagnoses"], ojson::array({"I10", "E119"}));
  EXPECT_EQ(claims[0]["lines"][0]["allowed"], "130.00");
  EXPECT_EQ(claims[0]["lines"][0]["units"], 1);
  EXPECT_EQ(claims[0]["lines"][0]["pos"], "11");
  EXPECT_EQ(run->summary.voids, 1);
  EXPECT_EQ(FileReport(*run, "ZC5")["rows_mapped"], 3);
}

TEST(CclfImportTest, CancellationWithAdjustmentOnOneDayReplacesTheOriginal) {
  // Packet Table 3: a cancellation and an adjustment processed together.
  const std::string cclf5 = Join({
      Fixed(CclfKind::kPhysician, PartBLine("1000000000001", "0", "2025-02-20", " 00000000100.00")),
      Fixed(CclfKind::kPhysician, PartBLine("1000000000002", "1", "2025-03-10", " 00000000100.00")),
      Fixed(CclfKind::kPhysician, PartBLine("1000000000003", "2", "2025-03-10", " 00000000080.00")),
  });
  auto run = Import({{CclfKind::kPhysician, "ZC5", cclf5}});
  const auto claims = Records(run->claims.text());
  ASSERT_EQ(claims.size(), 3u);
  EXPECT_EQ(claims[1]["frequency"], "void");
  EXPECT_EQ(claims[2]["frequency"], "replacement");
  EXPECT_EQ(claims[2]["version"], 3);
  EXPECT_EQ(claims[2]["lines"][0]["paid"], "80.00");
}

Fields PartAHeader(const std::string& uid, const std::string& from) {
  return {{"CUR_CLM_UNIQ_ID", uid},
          {"PRVDR_OSCAR_NUM", "654321"},
          {"BENE_MBI_ID", "6U50TE7GG18"},
          {"CLM_TYPE_CD", "40"},
          {"CLM_FROM_DT", from},
          {"CLM_THRU_DT", from},
          {"CLM_BILL_FAC_TYPE_CD", "1"},
          {"CLM_BILL_CLSFCTN_CD", "3"},
          {"CLM_BILL_FREQ_CD", "1"},
          {"PRNCPL_DGNS_CD", "I10"},
          {"CLM_PMT_AMT", " 0000000000050.00"},
          {"FAC_PRVDR_NPI_NUM", "1234567893"},
          {"ATNDG_PRVDR_NPI_NUM", "1234567893"},
          {"CLM_ADJSMT_TYPE_CD", "0"},
          {"CLM_EFCTV_DT", "2025-03-01"},
          {"CLM_BLG_PRVDR_OSCAR_NUM", "654321"}};
}

Fields Revenue(const std::string& uid, const std::string& paid) {
  return {{"CUR_CLM_UNIQ_ID", uid},
          {"CLM_LINE_NUM", "0000000001"},
          {"BENE_MBI_ID", "6U50TE7GG18"},
          {"CLM_LINE_FROM_DT", "2025-02-10"},
          {"CLM_LINE_PROD_REV_CTR_CD", "0320"},
          {"CLM_LINE_HCPCS_CD", "73562"},
          {"CLM_LINE_SRVC_UNIT_QTY", " 000000000000000002.0000"},
          {"CLM_LINE_CVRD_PD_AMT", paid}};
}

TEST(CclfImportTest, PartAHeaderLinesAndDiagnosesMakeAnInstitutionalClaim) {
  const std::string cclf1 =
      Fixed(CclfKind::kPartAHeader, PartAHeader("0000000000011", "2025-02-10")) + "\n";
  const std::string cclf2 =
      Fixed(CclfKind::kRevenue, Revenue("0000000000011", " 0000000000040.00")) + "\n";
  const std::string cclf4 = Join({
      Fixed(CclfKind::kDiagnosis, {{"CUR_CLM_UNIQ_ID", "0000000000011"},
                                   {"CLM_VAL_SQNC_NUM", "02"},
                                   {"CLM_DGNS_CD", "E119"}}),
      Fixed(CclfKind::kDiagnosis, {{"CUR_CLM_UNIQ_ID", "0000000000011"},
                                   {"CLM_VAL_SQNC_NUM", "01"},
                                   {"CLM_DGNS_CD", "I10"}}),
  });
  const std::string cclf3 = Fixed(CclfKind::kProcedure, {{"CUR_CLM_UNIQ_ID", "0000000000011"},
                                                         {"CLM_VAL_SQNC_NUM", "01"},
                                                         {"CLM_PRCDR_CD", "0SRC0J9"}}) +
                            "\n";
  auto run = Import({{CclfKind::kPartAHeader, "ZC1", cclf1},
                     {CclfKind::kRevenue, "ZC2", cclf2},
                     {CclfKind::kDiagnosis, "ZC4", cclf4},
                     {CclfKind::kProcedure, "ZC3", cclf3}});
  const auto claims = Records(run->claims.text());
  ASSERT_EQ(claims.size(), 1u);
  const ojson& c = claims[0];
  EXPECT_EQ(c["claim_id"], "A.654321.20250210.20250210.6U50TE7GG18");
  EXPECT_EQ(c["claim_type"], "institutional");
  EXPECT_EQ(c["bill_type"], "131");
  EXPECT_EQ(c["diagnoses"], ojson::array({"I10", "E119"}));  // principal first, then by sequence
  EXPECT_EQ(c["procedures"], ojson::array({"0SRC0J9"}));
  EXPECT_EQ(c["billing_tin"], "234567893");  // no roster: surrogate of the facility NPI
  EXPECT_EQ(c["lines"][0]["revenue_code"], "0320");
  EXPECT_EQ(c["lines"][0]["units"], 2);
  // CLM_PMT_AMT 50.00 vs the line's 40.00: the difference goes on line 1 (Packet §5.3.1).
  EXPECT_EQ(c["lines"][0]["paid"], "50.00");
  EXPECT_EQ(c["paid_date"], "2025-03-01");
}

TEST(CclfImportTest, TwoOriginalsOfOneNaturalKeyStayTwoClaims) {
  // Packet §5.2.1 pattern 4: two original claims, both final action.
  Fields second = PartAHeader("0000000000012", "2025-02-10");
  second["CLM_PMT_AMT"] = " 0000000000040.00";
  const std::string cclf1 =
      Join({Fixed(CclfKind::kPartAHeader, PartAHeader("0000000000011", "2025-02-10")),
            Fixed(CclfKind::kPartAHeader, second)});
  const std::string cclf2 =
      Join({Fixed(CclfKind::kRevenue, Revenue("0000000000011", " 0000000000050.00")),
            Fixed(CclfKind::kRevenue, Revenue("0000000000012", " 0000000000040.00"))});
  auto run = Import({{CclfKind::kPartAHeader, "ZC1", cclf1}, {CclfKind::kRevenue, "ZC2", cclf2}});
  const auto claims = Records(run->claims.text());
  ASSERT_EQ(claims.size(), 2u);
  EXPECT_EQ(claims[0]["claim_id"], "A.654321.20250210.20250210.6U50TE7GG18");
  EXPECT_EQ(claims[1]["claim_id"], "A.654321.20250210.20250210.6U50TE7GG18.2");
  EXPECT_EQ(claims[0]["frequency"], "original");
  EXPECT_EQ(claims[1]["frequency"], "original");
}

// --- Members ----------------------------------------------------------------------------------

TEST(CclfImportTest, CrosswalkMergesTwoMbisIntoOneMember) {
  // Packet §5.1.1: 1EG4TE5MK73 became 6U50TE7GG18 on 2019-05-01.
  const std::string cclf9 = "M6U50TE7GG181EG4TE5MK732019-05-012019-04-30\n";
  const std::string cclf8 = Join({
      Fixed(CclfKind::kBeneficiary,
            Beneficiary("1EG4TE5MK73", "10", "00", "2024-01-01", "2024-06-30")),
      Fixed(CclfKind::kBeneficiary,
            Beneficiary("6U50TE7GG18", "10", "00", "2024-07-01", "2025-12-31")),
  });
  const std::string cclf5 =
      Fixed(CclfKind::kPhysician,
            PartBLine("1000000000001", "0", "2025-02-20", " 00000000100.00")) +
      "\n";
  auto run = Import({{CclfKind::kXref, "ZC9", cclf9},
                     {CclfKind::kBeneficiary, "ZC8", cclf8},
                     {CclfKind::kPhysician, "ZC5", cclf5}});
  const auto members = Records(run->members.text());
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0]["member_id"], "6U50TE7GG18");
  ASSERT_EQ(members[0]["coverage"].size(), 2u);
  EXPECT_EQ(members[0]["coverage"][0]["from"], "2024-01-01");
  EXPECT_EQ(members[0]["coverage"][1]["through"], "2025-12-31");
  EXPECT_EQ(members[0]["sex"], "F");
  EXPECT_EQ(members[0]["birth_date"], "1950-04-02");
  const auto claims = Records(run->claims.text());
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0]["member_id"], "6U50TE7GG18");  // the claim's old MBI replaced
}

TEST(CclfImportTest, EnrollmentTypeFromMedicareStatusAndDualCodes) {
  const std::string cclf8 = Join({
      Fixed(CclfKind::kBeneficiary,
            Beneficiary("1AA0AA0AA01", "10", "02", "2025-01-01", "2025-12-31")),
      Fixed(CclfKind::kBeneficiary,
            Beneficiary("1AA0AA0AA02", "10", "00", "2025-01-01", "2025-12-31")),
      Fixed(CclfKind::kBeneficiary,
            Beneficiary("1AA0AA0AA03", "20", "02", "2025-01-01", "2025-12-31")),
      Fixed(CclfKind::kBeneficiary,
            Beneficiary("1AA0AA0AA04", "31", "", "2025-01-01", "2025-12-31")),
      Fixed(CclfKind::kBeneficiary,
            Beneficiary("1AA0AA0AA05", "11", "NA", "2025-01-01", "2025-12-31")),
  });
  auto run = Import({{CclfKind::kBeneficiary, "ZC8", cclf8}});
  const auto members = Records(run->members.text());
  ASSERT_EQ(members.size(), 5u);
  EXPECT_EQ(members[0]["coverage"][0]["enrollment_type"], "aged_dual");
  EXPECT_EQ(members[0]["medicaid"], true);
  EXPECT_EQ(members[1]["coverage"][0]["enrollment_type"], "aged_nondual");
  EXPECT_EQ(members[1]["medicaid"], false);
  EXPECT_EQ(members[2]["coverage"][0]["enrollment_type"], "disabled");
  EXPECT_EQ(members[3]["coverage"][0]["enrollment_type"], "esrd");
  EXPECT_FALSE(members[3].contains("medicaid"));  // no dual code: unknown
  EXPECT_EQ(members[4]["coverage"][0]["enrollment_type"], "esrd");
  EXPECT_EQ(members[0]["coverage"][0]["program"], "medicare_ffs");
  EXPECT_EQ(members[0]["orec"], "0");
}

TEST(CclfImportTest, MemberAttributesAddWhatCclfDoesNotCarry) {
  const std::string cclf8 = Join({
      Fixed(CclfKind::kBeneficiary,
            Beneficiary("1AA0AA0AA01", "10", "00", "2025-01-01", "2025-06-30")),
      Fixed(CclfKind::kBeneficiary,
            Beneficiary("1AA0AA0AA02", "10", "00", "2025-01-01", "2025-12-31")),
  });
  CclfImportOptions options;
  options.member_attributes_ndjson =
      R"({"member_id":"1AA0AA0AA01","risk_scores":{"2025":"1.0312"},"aligned_npi":"1234567893",)"
      R"("coverage":[{"from":"2025-07-01","through":"2025-12-31","program":"medicare_advantage",)"
      R"("enrollment_type":"aged_nondual"}]})"
      "\n"
      R"({"member_id":"1AA0AA0AA02","coverage":[{"from":"2025-07-01","through":"2025-12-31",)"
      R"("program":"medicare_advantage","enrollment_type":"martian"}]})"
      "\n"
      R"({"member_id":"1ZZ9ZZ9ZZ99"})"
      "\n";
  auto run = Import({{CclfKind::kBeneficiary, "ZC8", cclf8}}, options);
  const auto members = Records(run->members.text());
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0]["risk_scores"]["2025"], "1.0312");
  EXPECT_EQ(members[0]["aligned_npi"], "1234567893");
  ASSERT_EQ(members[0]["coverage"].size(), 2u);
  EXPECT_EQ(members[0]["coverage"][1]["program"], "medicare_advantage");
  // The second member is not valid with its attribute's span: its CCLF8 row and the attribute
  // line are rejected with the decoder's reason; the third line names no CCLF8 member.
  const auto rejects = Records(run->rejects.text());
  ASSERT_EQ(rejects.size(), 3u);
  EXPECT_EQ(rejects[0]["source"], "member_attributes");
  EXPECT_EQ(rejects[0]["line"], 3);
  EXPECT_EQ(rejects[0]["reason"], "no CCLF8 row for this member");
  EXPECT_EQ(rejects[1]["source"], "ZC8");
  EXPECT_EQ(rejects[1]["line"], 2);
  EXPECT_EQ(rejects[1]["field"], "coverage[1].enrollment_type");
  EXPECT_EQ(rejects[2]["source"], "member_attributes");
  EXPECT_EQ(rejects[2]["line"], 2);
  EXPECT_EQ(FileReport(*run, "ZC8")["rows_mapped"], 1);
  EXPECT_EQ(FileReport(*run, "member_attributes")["rows_mapped"], 1);
}

// --- Rejects ----------------------------------------------------------------------------------

// A byte that is not UTF-8 (a Latin-1 file, say) reaches a reject's reason: the reject is
// written with U+FFFD for it, the import goes on (it used to throw: found by tests/fuzz).
TEST(CclfImportTest, ABadByteInARejectedFieldIsWrittenAsReplacementCharacter) {
  Fields latin1 = PartBLine("1000000000001", "0", "2025-02-20",
                            " 0000000\xE9"
                            "100.00");
  Fields good = PartBLine("1000000000003", "0", "2025-02-20", " 00000000100.00");
  good["CLM_CNTL_NUM"] = "CNTL9";
  const std::string cclf5 =
      Join({Fixed(CclfKind::kPhysician, latin1), Fixed(CclfKind::kPhysician, good)});
  auto run = Import({{CclfKind::kPhysician, "P.A0001.ACO.ZC5Y25.D250101.T0000000", cclf5}});
  const auto rejects = Records(run->rejects.text());
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0]["field"], "CLM_LINE_CVRD_PD_AMT");
  EXPECT_NE(rejects[0]["reason"].get<std::string>().find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_EQ(Records(run->claims.text()).size(), 1u);
}

TEST(CclfImportTest, BadAmountAndDateRowsAreRejectedAndTheRunGoesOn) {
  Fields bad_amount = PartBLine("1000000000001", "0", "2025-02-20", " 000000001O0.00");
  Fields bad_date = PartBLine("1000000000002", "0", "2025-02-30", " 00000000100.00");
  bad_date["CLM_CNTL_NUM"] = "CNTL8";
  Fields good = PartBLine("1000000000003", "0", "2025-02-20", " 00000000100.00");
  good["CLM_CNTL_NUM"] = "CNTL9";
  const std::string cclf5 =
      Join({Fixed(CclfKind::kPhysician, bad_amount), Fixed(CclfKind::kPhysician, bad_date),
            Fixed(CclfKind::kPhysician, good)});
  auto run = Import({{CclfKind::kPhysician, "P.A0001.ACO.ZC5Y25.D250101.T0000000", cclf5}});
  const auto rejects = Records(run->rejects.text());
  ASSERT_EQ(rejects.size(), 2u);
  EXPECT_EQ(rejects[0]["source"], "P.A0001.ACO.ZC5Y25.D250101.T0000000");
  EXPECT_EQ(rejects[0]["line"], 1);
  EXPECT_EQ(rejects[0]["field"], "CLM_LINE_CVRD_PD_AMT");
  EXPECT_EQ(rejects[0]["reason"], "not an amount: '000000001O0.00'");
  EXPECT_EQ(rejects[1]["line"], 2);
  EXPECT_EQ(rejects[1]["field"], "CLM_EFCTV_DT");
  EXPECT_EQ(rejects[1]["reason"], "not a date: '2025-02-30'");
  const auto claims = Records(run->claims.text());
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0]["claim_id"], "CNTL9");
  const ojson& f = FileReport(*run, "P.A0001.ACO.ZC5Y25.D250101.T0000000");
  EXPECT_EQ(f["rows_read"], 3);
  EXPECT_EQ(f["rows_mapped"], 1);
  EXPECT_EQ(f["rows_rejected"], 2);
}

TEST(CclfImportTest, LinesOfARejectedHeaderAreRejectedWithIt) {
  Fields header = PartAHeader("0000000000011", "2025-02-10");
  header["CLM_ADJSMT_TYPE_CD"] = "7";
  auto run =
      Import({{CclfKind::kPartAHeader, "ZC1", Fixed(CclfKind::kPartAHeader, header) + "\n"},
              {CclfKind::kRevenue, "ZC2",
               Fixed(CclfKind::kRevenue, Revenue("0000000000011", " 0000000000050.00")) + "\n"}});
  const auto rejects = Records(run->rejects.text());
  ASSERT_EQ(rejects.size(), 2u);
  EXPECT_EQ(rejects[0]["field"], "CLM_ADJSMT_TYPE_CD");
  EXPECT_EQ(rejects[1]["source"], "ZC2");
  EXPECT_EQ(rejects[1]["reason"], "no usable CCLF1 header with this CUR_CLM_UNIQ_ID");
  EXPECT_TRUE(run->claims.text().empty());
}

// --- CSV variant --------------------------------------------------------------------------------

TEST(CclfImportTest, CsvVariantReadsTheSameClaimAsFixedWidth) {
  const CclfLayout& l = LayoutOf(CclfKind::kPhysician);
  const Fields f = PartBLine("1000000000001", "0", "2025-02-20", "100.00");
  std::string header, row;
  for (const CclfField& field : l.fields) {
    header += std::string(header.empty() ? "" : ",") + std::string(field.name);
    auto it = f.find(std::string(field.name));
    row += std::string(row.empty() && field.name == l.fields.front().name ? "" : ",") +
           (it == f.end() ? "" : it->second);
  }
  auto csv = Import({{CclfKind::kPhysician, "partb_physicians.csv", header + "\n" + row + "\n"}});
  Fields fixed_fields = f;
  fixed_fields["CLM_LINE_CVRD_PD_AMT"] = " 00000000100.00";
  auto fixed =
      Import({{CclfKind::kPhysician, "ZC5", Fixed(CclfKind::kPhysician, fixed_fields) + "\n"}});
  EXPECT_EQ(FileReport(*csv, "partb_physicians.csv")["format"], "csv");
  ASSERT_FALSE(csv->claims.text().empty());
  EXPECT_EQ(csv->claims.text(), fixed->claims.text());
}

// --- DME and providers -------------------------------------------------------------------------

Fields DmeLine(const std::string& line, const std::string& hcpcs, const std::string& paid) {
  return {{"CUR_CLM_UNIQ_ID", "5000000000001"},
          {"CLM_LINE_NUM", line},
          {"BENE_MBI_ID", "1EG4TE5MK73"},
          {"CLM_FROM_DT", "2025-03-01"},
          {"CLM_THRU_DT", "2025-03-31"},
          {"CLM_POS_CD", "12"},
          {"CLM_LINE_FROM_DT", "2025-03-01"},
          {"CLM_LINE_HCPCS_CD", hcpcs},
          {"CLM_LINE_CVRD_PD_AMT", paid},
          {"CLM_ADJSMT_TYPE_CD", "0"},
          {"CLM_EFCTV_DT", "2025-04-02"},
          {"CLM_CNTL_NUM", "DME1"},
          {"CLM_LINE_ALOWD_CHRG_AMT", " 0000000000070.00"},
          {"CLM_BLG_PRVDR_NPI_NUM", "1234567893"}};
}

TEST(CclfImportTest, DmeLinesMakeOneProfessionalClaimBilledByTheSupplier) {
  const std::string cclf6 =
      Join({Fixed(CclfKind::kDme, DmeLine("0000000002", "A7030", " 00000000010.50")),
            Fixed(CclfKind::kDme, DmeLine("0000000001", "E0601", " 00000000056.00"))});
  CclfImportOptions with_roster;
  with_roster.roster_ndjson =
      R"({"schema":"vbp.provider/1","npi":"1234567893","tin":"987654321","specialty":"54",)"
      R"("provider_class":"other","effective":"2020-01-01"})"
      "\n";
  for (bool roster : {false, true}) {
    auto run = Import({{CclfKind::kDme, "ZC6", cclf6}}, roster ? with_roster : CclfImportOptions{});
    const auto claims = Records(run->claims.text());
    ASSERT_EQ(claims.size(), 1u);
    const ojson& c = claims[0];
    EXPECT_EQ(c["claim_id"], "DME1");
    EXPECT_EQ(c["claim_type"], "professional");
    EXPECT_EQ(c["rendering_npi"], "1234567893");
    // CCLF6 has no TIN: the roster's TIN of the billing NPI, else its surrogate.
    EXPECT_EQ(c["billing_tin"], roster ? "987654321" : "234567893");
    ASSERT_EQ(c["lines"].size(), 2u);
    EXPECT_EQ(c["lines"][0]["line"], 1);
    EXPECT_EQ(c["lines"][0]["hcpcs"], "E0601");
    EXPECT_EQ(c["lines"][0]["units"], 1);  // CCLF6 has no units
    EXPECT_EQ(c["lines"][0]["pos"], "12");
    EXPECT_EQ(c["lines"][0]["allowed"], "70.00");
    EXPECT_EQ(c["lines"][1]["paid"], "10.50");
    EXPECT_EQ(c["diagnoses"], ojson::array());
    EXPECT_EQ(FileReport(*run, "ZC6")["rows_mapped"], 2);
  }
}

TEST(CclfImportTest, ProvidersFromClaimsOrFromTheRosterWhichWins) {
  Fields np = PartBLine("1000000000002", "0", "2025-02-20", " 00000000100.00");
  np["CLM_CNTL_NUM"] = "CNTL8";
  np["RNDRG_PRVDR_NPI_NUM"] = "1245319599";
  np["CLM_PRVDR_SPCLTY_CD"] = "50";
  const std::string cclf5 =
      Join({Fixed(CclfKind::kPhysician,
                  PartBLine("1000000000001", "0", "2025-02-20", " 00000000100.00")),
            Fixed(CclfKind::kPhysician, np)});
  auto derived = Import({{CclfKind::kPhysician, "ZC5", cclf5}});
  const auto providers = Records(derived->providers.text());
  ASSERT_EQ(providers.size(), 2u);
  EXPECT_EQ(providers[0]["npi"], "1234567893");
  EXPECT_EQ(providers[0]["tin"], "123456789");
  EXPECT_EQ(providers[0]["specialty"], "08");
  EXPECT_EQ(providers[0]["provider_class"], "pcp");
  EXPECT_EQ(providers[1]["npi"], "1245319599");
  EXPECT_EQ(providers[1]["provider_class"], "npp");
  CclfImportOptions options;
  const std::string roster =
      R"({"schema":"vbp.provider/1","npi":"1234567893","tin":"111111111","specialty":"06",)"
      R"("provider_class":"specialist","effective":"2020-01-01"})";
  options.roster_ndjson = roster + "\nnot json\n";
  auto given = Import({{CclfKind::kPhysician, "ZC5", cclf5}}, options);
  EXPECT_EQ(given->providers.text(), roster + "\n");
  const auto rejects = Records(given->rejects.text());
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0]["source"], "roster");
  EXPECT_EQ(rejects[0]["line"], 2);
}

TEST(CclfImportTest, CsvWithoutAColumnTheMappingNeedsIsRefused) {
  generate::StringLineSink members, providers, claims, contracts, rejects;
  auto s = ImportCclf({{CclfKind::kXref, "beneficiary_xref.csv",
                        "HICN_MBI_XREF_IND,CRNT_NUM,PRVS_ID_EFCTV_DT\nM,6U50TE7GG18,2019-05-01\n"}},
                      {}, {&members, &providers, &claims, &contracts, &rejects});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().ToString().find("beneficiary_xref.csv: missing column 'PRVS_NUM'"),
            std::string::npos)
      << s.status().ToString();
}

// --- Shared samples ------------------------------------------------------------------------------

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(CclfSampleTest, BcdaZc8AndZc9ImportWithTheirCounts) {
  // The samples are truncated: every ZC8 line is 37 characters (MBI, blanks, "xxxxxxx" in
  // columns 31-37), so BENE_DOB (columns 33-42) is cut: each row is rejected with that reason.
  // ZC9 has two HICN crosswalk rows (indicator H) that hold every field but BENE_RRB_NUM.
  auto run = Import({{CclfKind::kBeneficiary, "ZC8", ReadFile(kSamples + "ZC8")},
                     {CclfKind::kXref, "ZC9", ReadFile(kSamples + "ZC9")}});
  const ojson& zc8 = FileReport(*run, "ZC8");
  EXPECT_EQ(zc8["rows_read"], 100);
  EXPECT_EQ(zc8["rows_mapped"], 0);
  EXPECT_EQ(zc8["rows_rejected"], 100);
  EXPECT_EQ(zc8["short_lines"], 100);
  const ojson& zc9 = FileReport(*run, "ZC9");
  EXPECT_EQ(zc9["rows_read"], 2);
  EXPECT_EQ(zc9["rows_mapped"], 2);
  EXPECT_EQ(zc9["rows_rejected"], 0);
  const auto rejects = Records(run->rejects.text());
  ASSERT_EQ(rejects.size(), 100u);
  EXPECT_EQ(rejects[0]["field"], "BENE_DOB");
  EXPECT_EQ(rejects[0]["reason"], "short line: 37 characters, the field needs columns 33-42");
  EXPECT_EQ(run->summary.members, 0);
}

TEST(CclfImportTest, RowCountsAddUpInEveryFile) {
  Fields bad = PartBLine("1000000000009", "0", "2025-02-20", "x");
  const std::string cclf5 =
      Join({Fixed(CclfKind::kPhysician, bad),
            Fixed(CclfKind::kPhysician,
                  PartBLine("1000000000001", "0", "2025-02-20", " 00000000100.00"))});
  auto run = Import({{CclfKind::kPhysician, "ZC5", cclf5},
                     {CclfKind::kBeneficiary, "ZC8", ReadFile(kSamples + "ZC8")},
                     {CclfKind::kXref, "ZC9", ReadFile(kSamples + "ZC9")}});
  std::map<std::string, int64_t> rejects_by_source;
  for (const ojson& r : Records(run->rejects.text())) ++rejects_by_source[r["source"]];
  for (const ojson& f : run->summary.report["files"]) {
    EXPECT_EQ(f["rows_read"].get<int64_t>(),
              f["rows_mapped"].get<int64_t>() + f["rows_rejected"].get<int64_t>())
        << f.dump();
    EXPECT_EQ(rejects_by_source[f["source"]], f["rows_rejected"].get<int64_t>()) << f.dump();
  }
  EXPECT_EQ(run->summary.report["written"]["rejects"], 101);
}

}  // namespace
}  // namespace vbp::cclf

namespace vbp::cclf {
namespace {

// One specialty table for every importer (connectors/ingest/medicare): the generator's
// catalog classes each of its CMS specialty codes exactly as importers will read them back.
TEST(SpecialtyTableTest, TheGeneratorsCatalogAgreesWithTheImportersTable) {
  for (int i = 0; i < generate::kSpecCount; ++i) {
    const generate::SpecialtyInfo& info = generate::InfoOf(static_cast<generate::Spec>(i));
    EXPECT_EQ(medicare::ProviderClassOfSpecialty(info.cms_code), info.cls) << info.cms_code;
  }
}

}  // namespace
}  // namespace vbp::cclf
