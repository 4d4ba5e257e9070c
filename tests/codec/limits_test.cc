// Decode-time limits (domain/limits.h): an array over its bound is rejected at its first item
// over, with the array's path and a reason naming the bound; exactly the bound decodes. The
// bounds below are written out by hand (not read from the header), so a change to a limit
// shows here and must be made in the README and the schemas too.
#include "domain/limits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

// kGoodClaim with `n` copies of its first line, numbered 1..n.
std::string ClaimWithLines(size_t n) {
  return Edit(kGoodClaim, [n](json& j) {
    json line = j["lines"][0];
    j["lines"] = json::array();
    for (size_t i = 1; i <= n; ++i) {
      line["line"] = i;
      j["lines"].push_back(line);
    }
  });
}

std::string ClaimWithDiagnoses(size_t n) {
  return Edit(kGoodClaim,
              [n](json& j) { j["diagnoses"] = json(std::vector<std::string>(n, "E11.9")); });
}

class LimitsTest : public ::testing::Test {
 protected:
  void ExpectReject(const std::string& text, RecordKind kind, const std::string& field,
                    const std::string& reason) {
    Reject r = DecodeReject(decoder_, text, kind);
    EXPECT_EQ(r.field, field) << r.reason;
    EXPECT_EQ(r.reason, reason);
    EXPECT_EQ(r.source.position, 1);
    EXPECT_EQ(r.record, text);
  }
  RecordDecoder decoder_;
};

TEST_F(LimitsTest, AClaimOf9999LinesDecodesAndOneMoreIsRejected) {
  Claim c = DecodeOk<Claim>(decoder_, ClaimWithLines(9999), RecordKind::kClaim);
  EXPECT_EQ(c.lines.size(), 9999u);
  EXPECT_EQ(ClaimOverLimits(c), std::nullopt);  // what the decoder accepts, the engine stores
  ExpectReject(ClaimWithLines(10000), RecordKind::kClaim, "lines",
               "too many lines: more than 9999 (at most 9999 per claim)");
  // The record of issue 16: 65,536 lines (the claim arena's 16-bit count overflows).
  Reject r = DecodeReject(decoder_, ClaimWithLines(65536), RecordKind::kClaim);
  EXPECT_EQ(r.key, "C-1");
  EXPECT_EQ(r.field, "lines");
  EXPECT_EQ(r.reason, "too many lines: more than 9999 (at most 9999 per claim)");
}

TEST_F(LimitsTest, AClaimOf99DiagnosesDecodesAndOneMoreIsRejected) {
  Claim c = DecodeOk<Claim>(decoder_, ClaimWithDiagnoses(99), RecordKind::kClaim);
  EXPECT_EQ(c.diagnoses.size(), 99u);
  ExpectReject(ClaimWithDiagnoses(100), RecordKind::kClaim, "diagnoses",
               "too many diagnoses: more than 99 (at most 99 per claim)");
  ExpectReject(ClaimWithDiagnoses(65536), RecordKind::kClaim, "diagnoses",
               "too many diagnoses: more than 99 (at most 99 per claim)");
}

TEST_F(LimitsTest, ProceduresAndModifiersHaveTheirBounds) {
  auto procedures = [](size_t n) {
    return Edit(kGoodClaim, [n](json& j) {
      j["claim_type"] = "institutional";
      j["procedures"] = json(std::vector<std::string>(n, "0DTJ4ZZ"));
    });
  };
  EXPECT_EQ(DecodeOk<Claim>(decoder_, procedures(99)).procedures.size(), 99u);
  ExpectReject(procedures(100), RecordKind::kClaim, "procedures",
               "too many procedures: more than 99 (at most 99 per claim)");
  auto modifiers = [](size_t n) {
    return Edit(kGoodClaim, [n](json& j) {
      j["lines"][1]["modifiers"] = json(std::vector<std::string>(n, "GT"));
    });
  };
  EXPECT_EQ(DecodeOk<Claim>(decoder_, modifiers(10)).lines[1].modifiers.size(), 10u);
  ExpectReject(modifiers(11), RecordKind::kClaim, "lines[1].modifiers",
               "too many modifiers: more than 10 (at most 10 per line)");
}

TEST_F(LimitsTest, CoverageSpansAndContractTinsHaveTheirBounds) {
  auto coverage = [](size_t n) {
    return Edit(kGoodMember, [n](json& j) {
      json span = j["coverage"][0];
      j["coverage"] = json(std::vector<json>(n, span));
    });
  };
  EXPECT_EQ(DecodeOk<Member>(decoder_, coverage(1200)).coverage.size(), 1200u);
  ExpectReject(coverage(1201), RecordKind::kMember, "coverage",
               "too many coverage spans: more than 1200 (at most 1200 per member)");
  auto tins = [](size_t n) {
    return Edit(kGoodContract, [n](json& j) {
      j["tins"] = json::array();
      for (size_t i = 0; i < n; ++i) j["tins"].push_back(std::to_string(100000000 + i));
    });
  };
  EXPECT_EQ(DecodeOk<Contract>(decoder_, tins(9999)).tins.size(), 9999u);
  ExpectReject(tins(10000), RecordKind::kContract, "tins",
               "too many TINs: more than 9999 (at most 9999 per contract)");
}

TEST_F(LimitsTest, IdsAreAtMost64Characters) {
  const std::string id64(64, 'M');
  const std::string id65(65, 'M');
  EXPECT_EQ(DecodeOk<Member>(decoder_, Edit(kGoodMember, [&](json& j) { j["member_id"] = id64; }))
                .member_id.str(),
            id64);
  ExpectReject(Edit(kGoodMember, [&](json& j) { j["member_id"] = id65; }), RecordKind::kMember,
               "member_id", "too long: 65 characters (at most 64)");
  ExpectReject(Edit(kGoodClaim, [&](json& j) { j["member_id"] = id65; }), RecordKind::kClaim,
               "member_id", "too long: 65 characters (at most 64)");
  ExpectReject(Edit(kGoodContract, [&](json& j) { j["contract_id"] = id65; }),
               RecordKind::kContract, "contract_id", "too long: 65 characters (at most 64)");
  // Issue 16: a 1 MB member_id was accepted.
  ExpectReject(Edit(kGoodMember, [](json& j) { j["member_id"] = std::string(1 << 20, 'x'); }),
               RecordKind::kMember, "member_id", "too long: 1048576 characters (at most 64)");
  // Characters, not bytes: 64 two-byte characters are fine.
  std::string accented;
  for (int i = 0; i < 64; ++i) accented += "\xC3\xA9";
  DecodeOk<Member>(decoder_, Edit(kGoodMember, [&](json& j) { j["member_id"] = accented; }));
}

TEST_F(LimitsTest, LabelsAreAtMost128Characters) {
  const std::string ok(128, 'x');
  const std::string over(129, 'x');
  const std::string reason = "too long: 129 characters (at most 128)";
  DecodeOk<Member>(decoder_, Edit(kGoodMember, [&](json& j) {
                     j["coverage"][0]["program"] = ok;
                     j["orec"] = ok;
                   }));
  ExpectReject(Edit(kGoodMember, [&](json& j) { j["coverage"][0]["program"] = over; }),
               RecordKind::kMember, "coverage[0].program", reason);
  ExpectReject(Edit(kGoodMember, [&](json& j) { j["orec"] = over; }), RecordKind::kMember, "orec",
               reason);
  DecodeOk<Provider>(decoder_, Edit(kGoodProvider, [&](json& j) { j["specialty"] = ok; }));
  ExpectReject(Edit(kGoodProvider, [&](json& j) { j["specialty"] = over; }), RecordKind::kProvider,
               "specialty", reason);
  const std::string rule_set = std::string(60, 'r') + "@" + std::string(68, 'v');  // 129
  ExpectReject(Edit(kGoodContract, [&](json& j) { j["rule_set"] = rule_set; }),
               RecordKind::kContract, "rule_set", reason);
}

TEST_F(LimitsTest, UnknownFieldsNestAtMost256Levels) {
  // The unknown field's value is level 1; n empty arrays nested reach level n.
  auto nested = [](size_t n) {
    std::string text = kGoodClaim;
    text.pop_back();  // the closing brace
    return text + ",\"x\":" + std::string(n, '[') + std::string(n, ']') + "}";
  };
  DecodeOk<Claim>(decoder_, nested(256), RecordKind::kClaim);
  std::string deepest = "x";
  for (int i = 0; i < 256; ++i) deepest += "[0]";
  ExpectReject(nested(257), RecordKind::kClaim, deepest, "nested deeper than 256 levels");
}

TEST_F(LimitsTest, ClaimOverLimitsFindsWhatTheDecoderWouldHaveRejected) {
  // For claims built elsewhere (importers, state): the count is known, so it is named.
  Claim c = DecodeOk<Claim>(decoder_, kGoodClaim, RecordKind::kClaim);
  EXPECT_EQ(ClaimOverLimits(c), std::nullopt);
  Claim lines = c;
  lines.lines.resize(65536, c.lines[0]);
  auto p = ClaimOverLimits(lines);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->field, "lines");
  EXPECT_EQ(p->reason, "too many lines: 65536 (at most 9999 per claim)");
  Claim diagnoses = c;
  diagnoses.diagnoses.resize(100, "I10");
  p = ClaimOverLimits(diagnoses);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->field, "diagnoses");
  EXPECT_EQ(p->reason, "too many diagnoses: 100 (at most 99 per claim)");
  Claim member = c;
  member.member_id = MemberId(std::string(65, 'M'));
  p = ClaimOverLimits(member);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->field, "member_id");
  EXPECT_EQ(p->reason, "too long: 65 characters (at most 64)");
}

}  // namespace
}  // namespace vbp::codec
