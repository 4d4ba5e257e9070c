#include "connectors/codec/record_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "domain/code_shape.h"
#include "tests/codec/test_util.h"

namespace vbp::codec {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;
using testing::DecodeOk;
using testing::DecodeReject;
using testing::Edit;
using testing::kGoodClaim;
using testing::kGoodContract;
using testing::kGoodMember;
using testing::kGoodProvider;
using testing::WithRawNumber;

class RecordDecoderTest : public ::testing::Test {
 protected:
  // Decodes `text` as a claim input and expects a reject naming `field` with `reason_part`.
  void ExpectClaimReject(const std::string& text, const std::string& field,
                         const std::string& reason_part) {
    Reject r = DecodeReject(decoder_, text, RecordKind::kClaim);
    EXPECT_EQ(r.field, field) << r.reason;
    EXPECT_THAT(r.reason, HasSubstr(reason_part));
    EXPECT_EQ(r.record, text);
    EXPECT_EQ(r.source.position, 1);
  }
  void ExpectReject(const std::string& text, RecordKind kind, const std::string& field,
                    const std::string& reason_part) {
    Reject r = DecodeReject(decoder_, text, kind);
    EXPECT_EQ(r.field, field) << r.reason;
    EXPECT_THAT(r.reason, HasSubstr(reason_part));
    ASSERT_TRUE(r.kind.has_value());
    EXPECT_EQ(*r.kind, kind);
  }
  RecordDecoder decoder_;
};

// ------------------------------------------------------------------------ acceptance

TEST_F(RecordDecoderTest, DecodesEveryFieldOfAProfessionalClaim) {
  Claim c = DecodeOk<Claim>(decoder_, kGoodClaim, RecordKind::kClaim);
  EXPECT_EQ(c.claim_id.str(), "C-1");
  EXPECT_EQ(c.version, 1);
  EXPECT_EQ(c.frequency, Frequency::kOriginal);
  EXPECT_EQ(c.member_id.str(), "M-1");
  EXPECT_EQ(c.billing_tin.str(), "123456789");
  EXPECT_EQ(c.rendering_npi.str(), "1234567893");
  EXPECT_EQ(c.claim_type, ClaimType::kProfessional);
  EXPECT_EQ(c.from_date, Date::FromYmd(2025, 3, 4));
  EXPECT_EQ(c.through_date, Date::FromYmd(2025, 3, 5));
  EXPECT_EQ(c.paid_date, Date::FromYmd(2025, 3, 20));
  EXPECT_THAT(c.diagnoses, ::testing::ElementsAre("E119", "I10"));
  ASSERT_EQ(c.lines.size(), 2u);
  EXPECT_EQ(c.lines[0].line, 1);
  EXPECT_EQ(c.lines[0].hcpcs, "99213");
  EXPECT_THAT(c.lines[0].modifiers, ::testing::ElementsAre("25"));
  EXPECT_EQ(c.lines[0].units, "1");
  EXPECT_EQ(c.lines[0].service_date, Date::FromYmd(2025, 3, 4));
  EXPECT_EQ(c.lines[0].pos, "11");
  EXPECT_EQ(c.lines[0].allowed, Money::FromCents(9214));
  EXPECT_EQ(c.lines[0].paid, Money::FromCents(7371));
  EXPECT_EQ(c.lines[1].units, "1.5");  // canonical text
  EXPECT_TRUE(c.lines[1].modifiers.empty());
  EXPECT_EQ(c.source.source, "test.ndjson");
  EXPECT_EQ(c.source.position, 1);
  EXPECT_NE(c.content_hash, (std::array<uint64_t, 2>{0, 0}));
}

TEST_F(RecordDecoderTest, DecodesAnInstitutionalClaimWithItsExtras) {
  const std::string text =
      R"({"schema":"vbp.claim/1","claim_id":"I-1","version":2,"frequency":"replacement",)"
      R"("member_id":"M-2","billing_tin":"987654321","rendering_npi":"1987654320",)"
      R"("claim_type":"institutional","from_date":"2025-05-01","through_date":"2025-05-04",)"
      R"("paid_date":"2025-06-02","diagnoses":["i50.9"],"facility_npi":"1555555555",)"
      R"("bill_type":"0111","admission_date":"2025-05-01","discharge_date":"2025-05-04",)"
      R"("discharge_status":"01","drg":"291","procedures":["02hv33z"],"lines":[)"
      R"({"line":2,"revenue_code":"0250","units":12.5,"service_date":"2025-05-02",)"
      R"("allowed":4500,"paid":4212.5,"hcpcs":null,"pos":""},)"
      R"({"line":1,"hcpcs":"","revenue_code":"0120","units":"3","service_date":"2025-05-01",)"
      R"("allowed":"310.000000","paid":"0"}]})";
  Claim c = DecodeOk<Claim>(decoder_, text);
  EXPECT_EQ(c.frequency, Frequency::kReplacement);
  EXPECT_EQ(c.claim_type, ClaimType::kInstitutional);
  EXPECT_EQ(c.facility_npi, "1555555555");
  EXPECT_EQ(c.bill_type, "0111");
  EXPECT_EQ(c.admission_date, Date::FromYmd(2025, 5, 1));
  EXPECT_EQ(c.discharge_date, Date::FromYmd(2025, 5, 4));
  EXPECT_EQ(c.discharge_status, "01");
  EXPECT_EQ(c.drg, "291");
  EXPECT_THAT(c.procedures, ::testing::ElementsAre("02HV33Z"));
  EXPECT_THAT(c.diagnoses, ::testing::ElementsAre("I509"));
  ASSERT_EQ(c.lines.size(), 2u);
  // Lines are kept in line-number order.
  EXPECT_EQ(c.lines[0].line, 1);
  EXPECT_EQ(c.lines[0].hcpcs, "");
  EXPECT_EQ(c.lines[0].revenue_code, "0120");
  EXPECT_EQ(c.lines[0].allowed, Money::FromCents(31000));
  EXPECT_EQ(c.lines[0].paid, Money::Zero());
  EXPECT_EQ(c.lines[1].line, 2);
  EXPECT_EQ(c.lines[1].units, "12.5");
  EXPECT_EQ(c.lines[1].allowed, Money::FromCents(450000));
  EXPECT_EQ(c.lines[1].paid, Money::FromCents(421250));
  EXPECT_EQ(c.lines[1].pos, "");
}

TEST_F(RecordDecoderTest, AcceptsAVoidWithOnlyItsFiveRequiredFields) {
  Claim c = DecodeOk<Claim>(
      decoder_,
      R"({"schema":"vbp.claim/1","claim_id":"C-1","version":3,"frequency":"void","member_id":"M-1"})");
  EXPECT_EQ(c.frequency, Frequency::kVoid);
  EXPECT_EQ(c.version, 3);
  EXPECT_TRUE(c.lines.empty());
}

TEST_F(RecordDecoderTest, KeepsAndIgnoresUnknownFields) {
  std::string text = Edit(kGoodClaim, [](json& j) {
    j["x_source"] = {{"system", "clearinghouse"}, {"batch", {1, 2.5, nullptr, true}}};
    j["lines"][0]["x_note"] = "keep me";
  });
  Claim c = DecodeOk<Claim>(decoder_, text);
  EXPECT_EQ(c.lines.size(), 2u);
}

TEST_F(RecordDecoderTest, DecodesAMember) {
  Member m = DecodeOk<Member>(decoder_, kGoodMember, RecordKind::kMember);
  EXPECT_EQ(m.member_id.str(), "M-1");
  EXPECT_EQ(m.birth_date, Date::FromYmd(1950, 7, 14));
  EXPECT_EQ(m.sex, Sex::kFemale);
  ASSERT_EQ(m.coverage.size(), 1u);
  EXPECT_EQ(m.coverage[0].from, Date::FromYmd(2025, 1, 1));
  EXPECT_EQ(m.coverage[0].through, Date::FromYmd(2025, 12, 31));
  EXPECT_EQ(m.coverage[0].program, "medicare_ffs");
  EXPECT_EQ(m.coverage[0].enrollment_type, EnrollmentType::kAgedNondual);
  ASSERT_TRUE(m.aligned_npi.has_value());
  EXPECT_EQ(m.aligned_npi->str(), "1234567893");
  ASSERT_EQ(m.risk_scores.count(2025), 1u);
  EXPECT_EQ(m.risk_scores.at(2025), Rational(10312, 10000));
  EXPECT_EQ(m.orec, "0");
  EXPECT_EQ(m.medicaid, false);
}

TEST_F(RecordDecoderTest, DecodesAMemberWithNumbersAndNullOptionals) {
  std::string text = WithRawNumber(
      kGoodMember,
      [](json& j) {
        j["risk_scores"] = {{"2026", "@RAW@"}};
        j["orec"] = 2;
        j["aligned_npi"] = nullptr;
        j["medicaid"] = nullptr;
        j["sex"] = "Unknown";
      },
      "1.5");
  Member m = DecodeOk<Member>(decoder_, text);
  EXPECT_EQ(m.risk_scores.at(2026), Rational(3, 2));
  EXPECT_EQ(m.orec, "2");
  EXPECT_FALSE(m.aligned_npi.has_value());
  EXPECT_FALSE(m.medicaid.has_value());
  EXPECT_EQ(m.sex, Sex::kUnknown);
}

TEST_F(RecordDecoderTest, DecodesAProvider) {
  Provider p = DecodeOk<Provider>(decoder_, kGoodProvider, RecordKind::kProvider);
  EXPECT_EQ(p.npi.str(), "1234567893");
  EXPECT_EQ(p.tin.str(), "123456789");
  EXPECT_EQ(p.specialty, "family medicine");
  EXPECT_EQ(p.provider_class, ProviderClass::kPcp);
  EXPECT_EQ(p.effective, Date::FromYmd(2020, 1, 1));
  EXPECT_EQ(p.termination, Date::FromYmd(2025, 12, 31));
  Provider open = DecodeOk<Provider>(
      decoder_, Edit(kGoodProvider, [](json& j) { j["termination"] = nullptr; }));
  EXPECT_FALSE(open.termination.has_value());
}

TEST_F(RecordDecoderTest, DecodesAContractWithCanonicalParameters) {
  std::string text =
      R"({"schema":"vbp.contract/1","contract_id":"ACO-1","performance_year":2025,)"
      R"("tins":["123456789","987654321"],"rule_set":"vbp-reference@2025.1",)"
      R"("parameters":{ "z" : [1, 2.50, {"b":null,"a":true}], "a":"x\u00e9\n", "m":1.10e+2 }})";
  Contract c = DecodeOk<Contract>(decoder_, text, RecordKind::kContract);
  EXPECT_EQ(c.contract_id.str(), "ACO-1");
  EXPECT_EQ(c.performance_year, 2025);
  ASSERT_EQ(c.tins.size(), 2u);
  EXPECT_EQ(c.tins[1].str(), "987654321");
  EXPECT_EQ(c.rule_set, "vbp-reference@2025.1");
  EXPECT_EQ(c.parameters_json,
            "{\"a\":\"x\xC3\xA9\\n\",\"m\":1.10e+2,\"z\":[1,2.50,{\"a\":true,\"b\":null}]}");
  Contract empty = DecodeOk<Contract>(
      decoder_, Edit(kGoodContract, [](json& j) { j["parameters"] = json::object(); }));
  EXPECT_EQ(empty.parameters_json, "{}");
}

TEST_F(RecordDecoderTest, LetsTheSchemaFieldDecideWhenNoKindIsExpected) {
  DecodeResult r = decoder_.Decode(kGoodProvider, testing::Pos(), std::nullopt);
  ASSERT_TRUE(r.record.has_value());
  EXPECT_TRUE(std::holds_alternative<Provider>(*r.record));
  EXPECT_EQ(SchemaName(RecordKind::kMember), std::string("vbp.member/1"));
}

TEST_F(RecordDecoderTest, IsReusableAfterARejectAndKeepsNoState) {
  DecodeReject(decoder_, "not json");
  Claim a = DecodeOk<Claim>(decoder_, kGoodClaim);
  DecodeReject(decoder_, Edit(kGoodClaim, [](json& j) { j["lines"][0]["units"] = "-1"; }));
  Claim b = DecodeOk<Claim>(decoder_, kGoodClaim);
  EXPECT_EQ(a.content_hash, b.content_hash);
  EXPECT_EQ(b.lines.size(), 2u);
}

// ------------------------------------------------------------------ one reject per class

TEST_F(RecordDecoderTest, RejectsAMissingRequiredField) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j.erase("member_id"); }), "member_id",
                    "missing required field");
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j.erase("paid_date"); }), "paid_date",
                    "missing required field");
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["lines"][1].erase("paid"); }), "lines[1].paid",
                    "missing required field");
  ExpectReject(Edit(kGoodProvider, [](json& j) { j.erase("tin"); }), RecordKind::kProvider, "tin",
               "missing required field");
  ExpectReject(Edit(kGoodContract, [](json& j) { j.erase("parameters"); }), RecordKind::kContract,
               "parameters", "missing required field");
}

TEST_F(RecordDecoderTest, TreatsNullForARequiredFieldAsMissing) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["claim_type"] = nullptr; }), "claim_type",
                    "missing required field");
  ExpectReject(Edit(kGoodMember, [](json& j) { j["coverage"] = nullptr; }), RecordKind::kMember,
               "coverage", "missing required field");
}

TEST_F(RecordDecoderTest, RejectsABadDate) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["from_date"] = "2025-3-04"; }), "from_date",
                    "bad date \"2025-3-04\": wrong shape (want YYYY-MM-DD)");
  ExpectReject(Edit(kGoodMember, [](json& j) { j["birth_date"] = "14/07/1950"; }),
               RecordKind::kMember, "birth_date", "bad date \"14/07/1950\"");
}

TEST_F(RecordDecoderTest, RejectsAnImpossibleDate) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["lines"][1]["service_date"] = "2025-02-30"; }),
                    "lines[1].service_date",
                    "bad date \"2025-02-30\": no such day (want YYYY-MM-DD)");
  ExpectReject(Edit(kGoodMember, [](json& j) { j["coverage"][0]["through"] = "2025-04-31"; }),
               RecordKind::kMember, "coverage[0].through", "no such day");
}

TEST_F(RecordDecoderTest, RejectsThroughBeforeFrom) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["through_date"] = "2025-03-01"; }),
                    "through_date", "through_date 2025-03-01 is before from_date 2025-03-04");
  ExpectReject(Edit(kGoodMember, [](json& j) { j["coverage"][0]["through"] = "2024-12-31"; }),
               RecordKind::kMember, "coverage[0].through", "is before from 2025-01-01");
  ExpectReject(Edit(kGoodProvider, [](json& j) { j["termination"] = "2019-12-31"; }),
               RecordKind::kProvider, "termination", "is before effective 2020-01-01");
}

// Issue 16 item 4: a claim is paid after its service begins.
TEST_F(RecordDecoderTest, RejectsAPaidDateBeforeTheServiceBegins) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["paid_date"] = "2025-03-03"; }), "paid_date",
                    "paid_date 2025-03-03 is before from_date 2025-03-04");
  Claim same_day =
      DecodeOk<Claim>(decoder_, Edit(kGoodClaim, [](json& j) { j["paid_date"] = "2025-03-04"; }),
                      RecordKind::kClaim);
  EXPECT_EQ(same_day.paid_date, Date::FromYmd(2025, 3, 4));
}

// Issue 16 item 4: ids and labels are printable text (an ESC sequence reached the terminal
// through the settle table; a NUL truncated warnings).
TEST_F(RecordDecoderTest, RejectsControlCharactersInIdsAndLabels) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["member_id"] = "M\x1b[31m"; }), "member_id",
                    "control character U+001B at byte 2");
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["claim_id"] = std::string("C\0-1", 4); }),
                    "claim_id", "control character U+0000 at byte 2");
  ExpectReject(Edit(kGoodProvider, [](json& j) { j["specialty"] = "08\t"; }), RecordKind::kProvider,
               "specialty", "control character U+0009 at byte 3");
  ExpectReject(Edit(kGoodMember, [](json& j) { j["member_id"] = "M\x7f"; }), RecordKind::kMember,
               "member_id", "control character U+007F");
}

// Issue 16 item 4: C1 controls (U+0080-U+009F; U+009B is a CSI some terminals obey) are
// control characters too, in ids and in every label (rule_set and orec included). U+00A0 (the
// first code point after them, UTF-8 C2 A0) and other printable non-ASCII text stay accepted.
TEST_F(RecordDecoderTest, RejectsC1ControlCharactersAndControlsInRuleSetAndOrec) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["member_id"] = "M-\xc2\x9b[31m"; }),
                    "member_id", "control character U+009B at byte 3");
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["claim_id"] = "C\xc2\x80"; }), "claim_id",
                    "control character U+0080 at byte 2");
  ExpectReject(Edit(kGoodContract, [](json& j) { j["contract_id"] = "ACO\xc2\x9f"; }),
               RecordKind::kContract, "contract_id", "control character U+009F at byte 4");
  ExpectReject(Edit(kGoodContract, [](json& j) { j["rule_set"] = "vbp\x1b[2J@2025.1"; }),
               RecordKind::kContract, "rule_set", "control character U+001B at byte 4");
  ExpectReject(Edit(kGoodMember, [](json& j) { j["orec"] = "1\x07"; }), RecordKind::kMember, "orec",
               "control character U+0007 at byte 2");
  ExpectReject(Edit(kGoodMember, [](json& j) { j["coverage"][0]["program"] = "ffs\xc2\x85"; }),
               RecordKind::kMember, "coverage[0].program", "control character U+0085 at byte 4");
  Claim nbsp = DecodeOk<Claim>(
      decoder_, Edit(kGoodClaim, [](json& j) { j["member_id"] = "M\xc2\xa0\xc3\xa9-1"; }),
      RecordKind::kClaim);
  EXPECT_EQ(nbsp.member_id.str(), "M\xc2\xa0\xc3\xa9-1");
  Member orec = DecodeOk<Member>(decoder_, Edit(kGoodMember, [](json& j) { j["orec"] = "1"; }),
                                 RecordKind::kMember);
  EXPECT_EQ(orec.orec, "1");
}

TEST_F(RecordDecoderTest, RejectsNegativeUnits) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["lines"][1]["units"] = "-1"; }),
                    "lines[1].units", "negative units \"-1\" (must be >= 0)");
  ExpectClaimReject(WithRawNumber(
                        kGoodClaim, [](json& j) { j["lines"][0]["units"] = "@RAW@"; }, "-0"),
                    "lines[0].units", "signed zero units -0");
  ExpectClaimReject(WithRawNumber(
                        kGoodClaim, [](json& j) { j["lines"][0]["units"] = "@RAW@"; }, "-2"),
                    "lines[0].units", "negative units -2 (must be >= 0)");
}

TEST_F(RecordDecoderTest, RejectsANegativeAmount) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["lines"][0]["paid"] = "-5.00"; }),
                    "lines[0].paid", "negative amount \"-5.00\" (must be >= 0)");
  ExpectClaimReject(WithRawNumber(
                        kGoodClaim, [](json& j) { j["lines"][0]["allowed"] = "@RAW@"; }, "-0.5"),
                    "lines[0].allowed", "negative amount -0.5");
  // Issue 16 item 4: a signed zero is refused too, as a string and as a JSON number.
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["lines"][0]["paid"] = "-0"; }),
                    "lines[0].paid", "signed zero amount \"-0\" (write 0, without a sign)");
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["lines"][1]["allowed"] = "-0.00"; }),
                    "lines[1].allowed", "signed zero amount \"-0.00\" (write 0, without a sign)");
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["lines"][0]["units"] = "-0.0"; }),
                    "lines[0].units", "signed zero units \"-0.0\" (write 0, without a sign)");
  // Zero without a sign stays an amount.
  Claim zero =
      DecodeOk<Claim>(decoder_, Edit(kGoodClaim, [](json& j) { j["lines"][0]["paid"] = "0.00"; }),
                      RecordKind::kClaim);
  EXPECT_EQ(zero.lines[0].paid, Money::Zero());
  ExpectClaimReject(WithRawNumber(
                        kGoodClaim, [](json& j) { j["lines"][0]["paid"] = "@RAW@"; }, "-0"),
                    "lines[0].paid", "signed zero amount -0 (write 0, without a sign)");
  ExpectClaimReject(WithRawNumber(
                        kGoodClaim, [](json& j) { j["lines"][0]["allowed"] = "@RAW@"; }, "-0.00"),
                    "lines[0].allowed", "signed zero amount -0.00");
}

TEST_F(RecordDecoderTest, RejectsAnUnknownFrequency) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["frequency"] = "adjusted"; }), "frequency",
                    "unknown frequency \"adjusted\" (original, replacement, void)");
}

TEST_F(RecordDecoderTest, RejectsAnUnknownClaimType) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["claim_type"] = "dental"; }), "claim_type",
                    "unknown claim_type \"dental\" (professional, institutional)");
}

TEST_F(RecordDecoderTest, RejectsAnUnknownSex) {
  ExpectReject(Edit(kGoodMember, [](json& j) { j["sex"] = "X"; }), RecordKind::kMember, "sex",
               "unknown sex \"X\"");
}

TEST_F(RecordDecoderTest, RejectsAnUnknownEnrollmentType) {
  ExpectReject(Edit(kGoodMember, [](json& j) { j["coverage"][0]["enrollment_type"] = "aged"; }),
               RecordKind::kMember, "coverage[0].enrollment_type",
               "unknown enrollment_type \"aged\" (esrd, disabled, aged_dual, aged_nondual)");
}

TEST_F(RecordDecoderTest, RejectsAnUnknownProviderClass) {
  ExpectReject(Edit(kGoodProvider, [](json& j) { j["provider_class"] = "hospitalist"; }),
               RecordKind::kProvider, "provider_class",
               "unknown provider_class \"hospitalist\" (pcp, npp, specialist, other)");
}

TEST_F(RecordDecoderTest, RejectsANonExactNumber) {
  ExpectClaimReject(WithRawNumber(
                        kGoodClaim, [](json& j) { j["lines"][0]["allowed"] = "@RAW@"; }, "12.34"),
                    "lines[0].allowed",
                    "number 12.34 is not exact in binary; write it as a decimal string \"12.34\"");
  ExpectReject(WithRawNumber(
                   kGoodMember, [](json& j) { j["risk_scores"]["2025"] = "@RAW@"; }, "1.1"),
               RecordKind::kMember, "risk_scores.2025", "not exact in binary");
}

TEST_F(RecordDecoderTest, RejectsTooManyDecimals) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["lines"][0]["allowed"] = "1.1234567"; }),
                    "lines[0].allowed", "amount \"1.1234567\" has more than 6 decimals");
  ExpectClaimReject(WithRawNumber(
                        kGoodClaim, [](json& j) { j["lines"][0]["units"] = "@RAW@"; }, "0.0078125"),
                    "lines[0].units", "has more than 6 decimals");
  ExpectReject(Edit(kGoodMember, [](json& j) { j["risk_scores"]["2025"] = "1.0000001"; }),
               RecordKind::kMember, "risk_scores.2025", "has more than 6 decimals");
}

TEST_F(RecordDecoderTest, RejectsAnAmountOverTheBound) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["lines"][0]["paid"] = "1000000000000.01"; }),
                    "lines[0].paid", "exceeds 1000000000000");
}

TEST_F(RecordDecoderTest, RejectsABadTin) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["billing_tin"] = "12345678"; }), "billing_tin",
                    "bad TIN \"12345678\" (want 9 digits)");
  ExpectReject(Edit(kGoodContract, [](json& j) { j["tins"][1] = "98765432X"; }),
               RecordKind::kContract, "tins[1]", "bad TIN");
}

TEST_F(RecordDecoderTest, RejectsABadNpi) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["rendering_npi"] = "123456789X"; }),
                    "rendering_npi", "bad NPI \"123456789X\" (want 10 digits)");
  ExpectReject(Edit(kGoodMember, [](json& j) { j["aligned_npi"] = "12345"; }), RecordKind::kMember,
               "aligned_npi", "bad NPI");
}

TEST_F(RecordDecoderTest, RejectsADuplicateLineNumber) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["lines"][1]["line"] = 1; }), "lines[1].line",
                    "duplicate line number 1 (also at lines[0])");
}

TEST_F(RecordDecoderTest, RejectsEmptyLinesOnAnOriginal) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["lines"] = json::array(); }), "lines",
                    "no lines");
  // A void may have none.
  DecodeOk<Claim>(decoder_, Edit(kGoodClaim, [](json& j) {
                    j["lines"] = json::array();
                    j["frequency"] = "void";
                  }));
}

TEST_F(RecordDecoderTest, RejectsAWrongSchema) {
  Reject r = DecodeReject(decoder_, kGoodMember, RecordKind::kClaim);
  EXPECT_EQ(r.field, "schema");
  EXPECT_THAT(r.reason, HasSubstr("schema \"vbp.member/1\" does not belong in claim input"));
  ASSERT_TRUE(r.kind.has_value());
  EXPECT_EQ(*r.kind, RecordKind::kClaim);  // counted with the input it came from
  EXPECT_EQ(r.key, "");                    // claims are keyed by claim_id; there is none

  Reject unknown =
      DecodeReject(decoder_, Edit(kGoodClaim, [](json& j) { j["schema"] = "vbp.claim/2"; }));
  EXPECT_EQ(unknown.field, "schema");
  EXPECT_THAT(unknown.reason, HasSubstr("unknown schema \"vbp.claim/2\""));
  EXPECT_FALSE(unknown.kind.has_value());

  Reject missing = DecodeReject(decoder_, Edit(kGoodClaim, [](json& j) { j.erase("schema"); }),
                                RecordKind::kClaim);
  EXPECT_EQ(missing.field, "schema");
  EXPECT_THAT(missing.reason, HasSubstr("missing required field"));
}

TEST_F(RecordDecoderTest, RejectsTextThatIsNotJson) {
  for (std::string text : {"this is not JSON", "{\"schema\":\"vbp.claim/1\",", "", "{\"a\":1} x",
                           "{\"a\":tru}", "{\"a\":[1,2,}", "{\"a\":12abc}"}) {
    Reject r = DecodeReject(decoder_, text, RecordKind::kClaim);
    EXPECT_EQ(r.field, "") << text;
    EXPECT_THAT(r.reason, ::testing::AnyOf(HasSubstr("not valid JSON"), HasSubstr("empty record"),
                                           HasSubstr("not a JSON object")))
        << text;
    EXPECT_EQ(r.record, text);
  }
  // Malformed JSON inside a field: field "", the place named in the reason.
  Reject r = DecodeReject(
      decoder_,
      std::string(kGoodClaim).replace(std::string(kGoodClaim).find("\"92.14\""), 7, "NaN"));
  EXPECT_EQ(r.field, "");
  EXPECT_THAT(r.reason, HasSubstr("not valid JSON"));
  EXPECT_THAT(r.reason, HasSubstr("(at lines[0].allowed)"));
  // ... even when a field check would fail first.
  Reject s = DecodeReject(decoder_, R"({"schema":"vbp.claim/9","x":tru})");
  EXPECT_EQ(s.field, "");
  EXPECT_THAT(s.reason, HasSubstr("not valid JSON"));
}

TEST_F(RecordDecoderTest, RejectsTextThatIsNotAnObject) {
  Reject r = DecodeReject(decoder_, "[1,2,3]", RecordKind::kClaim);
  EXPECT_EQ(r.field, "");
  EXPECT_THAT(r.reason, HasSubstr("not a JSON object (got an array)"));
  Reject s = DecodeReject(decoder_, "\"vbp.claim/1\"", std::nullopt);
  EXPECT_THAT(s.reason, HasSubstr("got a string"));
  EXPECT_FALSE(s.kind.has_value());
}

TEST_F(RecordDecoderTest, RejectsAWrongType) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["version"] = "1"; }), "version",
                    "wrong type: got a string, want a JSON integer >= 1");
  ExpectClaimReject(WithRawNumber(
                        kGoodClaim, [](json& j) { j["version"] = "@RAW@"; }, "1.0"),
                    "version", "with a fraction or exponent");
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["lines"][0] = "99213"; }), "lines[0]",
                    "wrong type: got a string, want an object");
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["lines"][0]["paid"] = true; }),
                    "lines[0].paid", "wrong type: got a boolean");
  ExpectReject(Edit(kGoodMember, [](json& j) { j["medicaid"] = "yes"; }), RecordKind::kMember,
               "medicaid", "wrong type: got a string, want true or false");
  ExpectReject(Edit(kGoodContract, [](json& j) { j["parameters"] = json::array(); }),
               RecordKind::kContract, "parameters", "wrong type: got an array, want an object");
}

// SPEC §6: a paid claim is never rejected for the shape of a descriptive code. The code is
// kept as given (trimmed), matches no code list, and the claim counts it as a warning.
TEST_F(RecordDecoderTest, KeepsDescriptiveCodesOfAnotherShapeAsGivenAndCountsThem) {
  struct Case {
    std::function<void(json&)> edit;
    CodeField field;
    std::string path;
    std::function<std::string(const Claim&)> kept;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {[](json& j) { j["diagnoses"][1] = "110"; }, CodeField::kDiagnoses, "diagnoses[1]",
       [](const Claim& c) { return c.diagnoses[1]; }, "110"},
      {[](json& j) { j["diagnoses"] = "E11.9"; }, CodeField::kDiagnoses, "",
       [](const Claim& c) { return c.diagnoses.at(0); }, "E119"},
      {[](json& j) { j["lines"][1]["hcpcs"] = " g0438 "; }, CodeField::kHcpcs, "lines[1].hcpcs",
       [](const Claim& c) { return c.lines[1].hcpcs; }, "g0438"},
      {[](json& j) { j["lines"][1]["hcpcs"] = "0450"; }, CodeField::kHcpcs, "lines[1].hcpcs",
       [](const Claim& c) { return c.lines[1].hcpcs; }, "0450"},
      {[](json& j) { j["lines"][1].erase("hcpcs"); }, CodeField::kHcpcs, "lines[1].hcpcs",
       [](const Claim& c) { return c.lines[1].hcpcs; }, ""},
      {[](json& j) { j["lines"][0]["modifiers"][0] = "2"; }, CodeField::kModifiers,
       "lines[0].modifiers[0]", [](const Claim& c) { return c.lines[0].modifiers[0]; }, "2"},
      {[](json& j) { j["lines"][0]["pos"] = "1"; }, CodeField::kPos, "lines[0].pos",
       [](const Claim& c) { return c.lines[0].pos; }, "1"},
      {[](json& j) { j["lines"][0]["pos"] = ""; }, CodeField::kPos, "lines[0].pos",
       [](const Claim& c) { return c.lines[0].pos; }, ""},
      {[](json& j) { j["lines"][0]["pos"] = 11; }, CodeField::kPos, "",
       [](const Claim& c) { return c.lines[0].pos; }, "11"},
      {[](json& j) { j["lines"][0]["revenue_code"] = "450"; }, CodeField::kRevenueCode,
       "lines[0].revenue_code", [](const Claim& c) { return c.lines[0].revenue_code; }, "450"},
      {[](json& j) { j["procedures"] = {"0DT"}; }, CodeField::kProcedures, "procedures[0]",
       [](const Claim& c) { return c.procedures[0]; }, "0DT"},
      {[](json& j) { j["drg"] = "12"; }, CodeField::kDrg, "drg",
       [](const Claim& c) { return c.drg; }, "12"},
      {[](json& j) {
         j["bill_type"] = {{"x", 1}};
       },
       CodeField::kBillType, "bill_type", [](const Claim& c) { return c.bill_type; }, "{\"x\":1}"},
      {[](json& j) { j["discharge_status"] = "1"; }, CodeField::kDischargeStatus,
       "discharge_status", [](const Claim& c) { return c.discharge_status; }, "1"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    Claim c = DecodeOk<Claim>(decoder_, Edit(kGoodClaim, cases[i].edit), RecordKind::kClaim);
    EXPECT_EQ(cases[i].kept(c), cases[i].expected);
    const CodeWarningCounts counts = CountCodeWarnings(c);
    CodeWarningCounts want{};
    // "E11.9" as a string is one valid code, and 11 as a number is the valid "11": no warning.
    if (!cases[i].path.empty()) want[static_cast<size_t>(cases[i].field)] = 1;
    EXPECT_EQ(counts, want);
    std::vector<std::string> paths;
    ForEachCodeWarning(c, [&](CodeField f, int32_t line, int32_t element, std::string_view) {
      paths.push_back(CodeWarningPath(f, line, element));
    });
    if (!cases[i].path.empty()) {
      EXPECT_THAT(paths, ::testing::ElementsAre(cases[i].path));
    }
  }
}

TEST_F(RecordDecoderTest, AcceptsAClaimWithoutDiagnoses) {
  Claim c = DecodeOk<Claim>(decoder_, Edit(kGoodClaim, [](json& j) { j.erase("diagnoses"); }),
                            RecordKind::kClaim);
  EXPECT_TRUE(c.diagnoses.empty());
  EXPECT_EQ(CountCodeWarnings(c), CodeWarningCounts{});
}

// What the statements' data quality reads from a claim record that is rejected all the same.
TEST_F(RecordDecoderTest, ARejectedClaimCarriesWhatCouldBeRead) {
  const std::string text = Edit(kGoodClaim, [](json& j) { j["lines"][1]["paid"] = "12.3.4"; });
  Reject r = DecodeReject(decoder_, text, RecordKind::kClaim);
  EXPECT_EQ(r.field, "lines[1].paid");
  ASSERT_TRUE(r.claim_facts.has_value());
  EXPECT_EQ(r.claim_facts->member_id, "M-1");
  EXPECT_EQ(r.claim_facts->billing_tin, "123456789");
  EXPECT_EQ(r.claim_facts->year, 2025);
  EXPECT_EQ(r.claim_facts->paid_micros, Money::FromCents(7371).micros());  // line 0 only
  Reject junk = DecodeReject(decoder_, "not JSON", RecordKind::kClaim);
  EXPECT_FALSE(junk.claim_facts.has_value());
  // A negative paid (the reason of the reject) does not lower the total: line 0's 73.71 only.
  Reject negative =
      DecodeReject(decoder_, Edit(kGoodClaim, [](json& j) { j["lines"][1]["paid"] = "-500.00"; }),
                   RecordKind::kClaim);
  EXPECT_EQ(negative.field, "lines[1].paid");
  ASSERT_TRUE(negative.claim_facts.has_value());
  EXPECT_EQ(negative.claim_facts->paid_micros, Money::FromCents(7371).micros());
}

TEST_F(RecordDecoderTest, RejectsOutOfRangeIntegers) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["version"] = 0; }), "version",
                    "version 0 is not >= 1");
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["lines"][0]["line"] = 0; }), "lines[0].line",
                    "line number 0 is out of range");
  ExpectReject(Edit(kGoodContract, [](json& j) { j["performance_year"] = 1999; }),
               RecordKind::kContract, "performance_year", "out of range (want 2000..2100)");
}

TEST_F(RecordDecoderTest, RejectsAnOverlongClaimId) {
  ExpectClaimReject(Edit(kGoodClaim, [](json& j) { j["claim_id"] = std::string(65, 'C'); }),
                    "claim_id", "too long: 65 characters (at most 64)");
  // 64 two-byte characters are 64 characters.
  std::string accented;
  for (int i = 0; i < 64; ++i) accented += "\xC3\xA9";
  DecodeOk<Claim>(decoder_, Edit(kGoodClaim, [&](json& j) { j["claim_id"] = accented; }));
}

TEST_F(RecordDecoderTest, RejectsADuplicateField) {
  std::string text = kGoodClaim;
  const std::string once = "\"member_id\":\"M-1\"";
  text.replace(text.find(once), once.size(), once + ",\"member_id\":\"M-2\"");
  ExpectClaimReject(text, "member_id", "duplicate field");
}

TEST_F(RecordDecoderTest, RejectsContractTinAndRuleSetProblems) {
  ExpectReject(Edit(kGoodContract, [](json& j) { j["tins"] = json::array(); }),
               RecordKind::kContract, "tins", "no TINs");
  ExpectReject(Edit(kGoodContract,
                    [](json& j) {
                      j["tins"] = {"123456789", "123456789"};
                    }),
               RecordKind::kContract, "tins[1]", "duplicate TIN \"123456789\" (also at tins[0])");
  ExpectReject(Edit(kGoodContract, [](json& j) { j["rule_set"] = "a@b@c"; }), RecordKind::kContract,
               "rule_set", "bad rule_set \"a@b@c\"");
}

TEST_F(RecordDecoderTest, RejectsABadRiskScore) {
  ExpectReject(Edit(kGoodMember,
                    [](json& j) {
                      j["risk_scores"] = {{"2025", "0.000"}};
                    }),
               RecordKind::kMember, "risk_scores.2025", "is not > 0");
  ExpectReject(Edit(kGoodMember,
                    [](json& j) {
                      j["risk_scores"] = {{"25", "1.0"}};
                    }),
               RecordKind::kMember, "risk_scores.25", "bad year \"25\"");
}

TEST_F(RecordDecoderTest, RejectCarriesTheKeyWhenReadable) {
  // The bad field comes before claim_id in the text: the key is still found.
  std::string text = R"({"lines":[],"schema":"vbp.claim/1","claim_id":"C-77","version":1,)"
                     R"("frequency":"original","member_id":"M-1"})";
  Reject r = DecodeReject(decoder_, text, RecordKind::kClaim);
  EXPECT_EQ(r.key, "C-77");
  Reject m = DecodeReject(decoder_, Edit(kGoodMember, [](json& j) { j["sex"] = "X"; }));
  EXPECT_EQ(m.key, "M-1");
  Reject p = DecodeReject(decoder_, Edit(kGoodProvider, [](json& j) { j["tin"] = "1"; }));
  EXPECT_EQ(p.key, "1234567893");
  Reject c = DecodeReject(decoder_, Edit(kGoodContract, [](json& j) { j["tins"] = nullptr; }));
  EXPECT_EQ(c.key, "ACO-1");
}

// Issue 16 item 4: a reject's key is printed (`vbp settle` names a rejected contract by it)
// and stored, so it is only ever a valid id: an id with a control character or over 64
// characters leaves the key empty, and a rejected claim's member_id with a control character
// is not read into its facts (the claim then counts by billing TIN only).
TEST_F(RecordDecoderTest, RejectKeyIsNeverAnIdWithAControlCharacterOrOverTheLimit) {
  Reject esc = DecodeReject(
      decoder_, Edit(kGoodContract, [](json& j) { j["contract_id"] = "ACO\x1b]0;pwned\x07"; }));
  EXPECT_EQ(esc.field, "contract_id");
  EXPECT_EQ(esc.key, "");
  Reject long_id = DecodeReject(
      decoder_, Edit(kGoodClaim, [](json& j) { j["claim_id"] = std::string(65, 'C'); }),
      RecordKind::kClaim);
  EXPECT_EQ(long_id.field, "claim_id");
  EXPECT_EQ(long_id.key, "");
  Reject at_limit = DecodeReject(decoder_,
                                 Edit(kGoodClaim,
                                      [](json& j) {
                                        j["claim_id"] = std::string(64, 'C');
                                        j["version"] = 0;
                                      }),
                                 RecordKind::kClaim);
  EXPECT_EQ(at_limit.field, "version");
  EXPECT_EQ(at_limit.key, std::string(64, 'C'));
  Reject member =
      DecodeReject(decoder_, Edit(kGoodClaim, [](json& j) { j["member_id"] = "M\xc2\x9b-1"; }),
                   RecordKind::kClaim);
  EXPECT_EQ(member.field, "member_id");
  ASSERT_TRUE(member.claim_facts.has_value());
  EXPECT_EQ(member.claim_facts->member_id, "");
  EXPECT_EQ(member.claim_facts->billing_tin, "123456789");
  Reject member65 = DecodeReject(
      decoder_, Edit(kGoodClaim, [](json& j) { j["member_id"] = std::string(65, 'M'); }),
      RecordKind::kClaim);
  ASSERT_TRUE(member65.claim_facts.has_value());
  EXPECT_EQ(member65.claim_facts->member_id, "");
}

TEST_F(RecordDecoderTest, RejectsARecordOverTheSizeLimit) {
  std::string text(kRecordBytesMax + 1, ' ');
  Reject r = DecodeReject(decoder_, text, RecordKind::kClaim);
  EXPECT_THAT(r.reason, HasSubstr("bytes (at most"));
}

}  // namespace
}  // namespace vbp::codec
