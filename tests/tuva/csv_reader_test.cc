// RFC 4180 reader: quoting, embedded line breaks, BOM, CRLF, errors, lookup by header name.
#include <gtest/gtest.h>

#include "connectors/files/csv_file.h"

namespace vbp::files {
namespace {

std::vector<std::vector<std::string>> ReadAll(std::string_view text,
                                              std::vector<std::string>* errors = nullptr,
                                              std::vector<int64_t>* starts = nullptr) {
  CsvReader r(text);
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> fields;
  std::string error;
  while (r.Next(&fields, &error)) {
    if (!error.empty() && errors) errors->push_back(error);
    if (starts) starts->push_back(r.record_line());
    out.push_back(fields);
  }
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReaderTest, SplitsPlainFieldsAndKeepsEmptyOnes) {
  EXPECT_EQ(ReadAll("a,b,c\n1,,3\n"), (Rows{{"a", "b", "c"}, {"1", "", "3"}}));
  EXPECT_EQ(ReadAll("a,b\n,\n"), (Rows{{"a", "b"}, {"", ""}}));
}

TEST(CsvReaderTest, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  std::vector<int64_t> starts;
  const auto rows = ReadAll("id,text\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,x\n",
                            nullptr, &starts);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[1][1], "a, b");
  EXPECT_EQ(rows[2][1], "say \"hi\"");
  EXPECT_EQ(rows[3][1], "two\nlines");
  EXPECT_EQ(rows[4], (std::vector<std::string>{"4", "x"}));
  // The record after the embedded line break starts on line 6.
  EXPECT_EQ(starts, (std::vector<int64_t>{1, 2, 3, 4, 6}));
}

TEST(CsvReaderTest, AcceptsCrlfLoneCrAndAMissingFinalLineBreak) {
  EXPECT_EQ(ReadAll("a,b\r\n1,2\r\n"), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(ReadAll("a,b\r1,2"), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(ReadAll("a,\"x\r\ny\"\r\n"), (Rows{{"a", "x\r\ny"}}));
}

TEST(CsvReaderTest, DropsTheUtf8ByteOrderMark) {
  EXPECT_EQ(ReadAll("\xEF\xBB\xBFid,name\n1,caf\xC3\xA9\n"),
            (Rows{{"id", "name"}, {"1", "caf\xC3\xA9"}}));
}

TEST(CsvReaderTest, ReportsTextAfterAClosingQuoteAndGoesOn) {
  std::vector<std::string> errors;
  const auto rows = ReadAll("a,b\n\"x\"y,2\n3,4\n", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(rows.back(), (std::vector<std::string>{"3", "4"}));
}

TEST(CsvReaderTest, ReportsAnUnterminatedQuote) {
  std::vector<std::string> errors;
  ReadAll("a,b\n1,\"open\n2,3\n", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("not closed"), std::string::npos);
}

TEST(CsvReaderTest, KeepsAStrayQuoteInAnUnquotedField) {
  CsvReader r("5\" disk,x\n");
  std::vector<std::string> f;
  std::string e;
  ASSERT_TRUE(r.Next(&f, &e));
  EXPECT_TRUE(e.empty());
  EXPECT_EQ(f[0], "5\" disk");
  EXPECT_EQ(r.stray_quotes(), 1);
}

TEST(CsvTableTest, LooksColumnsUpByHeaderNameInAnyOrder) {
  auto a = CsvTable::Parse("\xEF\xBB\xBFnpi,tin\r\n123,456\r\n\r\n", "a.csv");
  auto b = CsvTable::Parse("tin, npi \n456,123\n", "b.csv");
  ASSERT_TRUE(a.ok() && b.ok());
  for (const CsvTable* t : {&*a, &*b}) {
    ASSERT_EQ(t->rows().size(), 1u);
    EXPECT_EQ(t->Get(t->rows()[0], t->Column("npi")), "123");
    EXPECT_EQ(t->Get(t->rows()[0], t->Column("tin")), "456");
    EXPECT_FALSE(t->Column("missing").has_value());
    EXPECT_EQ(t->Get(t->rows()[0], t->Column("missing")), "");
  }
  EXPECT_EQ(a->blank_lines(), 1);
  EXPECT_EQ(a->rows()[0].line, 2);
}

TEST(CsvTableTest, RejectsAMissingOrRepeatedHeader) {
  EXPECT_FALSE(CsvTable::Parse("", "empty.csv").ok());
  EXPECT_FALSE(CsvTable::Parse("a,b,a\n1,2,3\n", "dup.csv").ok());
  EXPECT_EQ(LoadCsvTable("/nonexistent/x.csv").status().code(), StatusCode::kIoError);
}

// Shared reference files: CRLF with quoted fields, and a UTF-8 BOM. Row counts are those of
// Python's csv module on the same files.
TEST(CsvTableTest, ReadsTheSharedReferenceFiles) {
  const std::string dir = VBP_SOURCE_DIR "/../shared/data/";
  struct Case {
    const char* path;
    size_t rows;
    size_t width;
    const char* first_header;
  };
  for (const Case& c :
       {Case{"cclf-reference-codes/provider_specialty.csv", 125, 2, "specialty_code"},
        Case{"tuva-value-sets/terminology__ms_drg.csv", 797, 6, "ms_drg_code"},
        Case{"cclf-reference-codes/revenue_center.csv", 524, 2, "revenue_code"}}) {
    auto t = LoadCsvTable(dir + c.path);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_TRUE(t->errors().empty()) << c.path;
    EXPECT_EQ(t->rows().size(), c.rows) << c.path;
    EXPECT_EQ(t->headers().front(), c.first_header) << c.path;
    for (const auto& row : t->rows())
      ASSERT_EQ(row.fields.size(), c.width) << c.path << ":" << row.line;
  }
  auto spec = LoadCsvTable(dir + "cclf-reference-codes/provider_specialty.csv");
  ASSERT_TRUE(spec.ok());
  // 24,"Plastic and reconstructive surgery": quotes removed, no trailing CR.
  EXPECT_EQ(spec->Get(spec->rows()[25], spec->Column("specialty_name")),
            "Plastic and reconstructive surgery");
}

}  // namespace
}  // namespace vbp::files
