#include "connectors/kafka/json_key.h"

#include <gtest/gtest.h>

#include "connectors/kafka/kafka_types.h"

namespace vbp::kafka {
namespace {

TEST(ExtractTopLevelFieldTest, FindsAStringField) {
  EXPECT_EQ(ExtractTopLevelField(R"({"claim_id":"C1","member_id":"M42"})", "member_id"), "M42");
}

TEST(ExtractTopLevelFieldTest, IgnoresTheSameNameInsideNestedObjectsAndArrays) {
  const char* json =
      R"({"lines":[{"member_id":"wrong"}],"x":{"member_id":"wrong2"},"member_id":"right"})";
  EXPECT_EQ(ExtractTopLevelField(json, "member_id"), "right");
}

TEST(ExtractTopLevelFieldTest, SkipsStringsContainingBracesQuotesAndEscapes) {
  const char* json = R"({"note":"a \"}{[ member_id\" ]","member_id" : "M\u00e9\"1"})";
  EXPECT_EQ(ExtractTopLevelField(json, "member_id"), "M\xC3\xA9\"1");
}

TEST(ExtractTopLevelFieldTest, ReturnsNumbersAndBooleansAsTheirText) {
  EXPECT_EQ(ExtractTopLevelField(R"({"npi":1234567890})", "npi"), "1234567890");
  EXPECT_EQ(ExtractTopLevelField(R"({ "v" : true })", "v"), "true");
  EXPECT_EQ(ExtractTopLevelField(R"({"v":-1.5e3,"w":2})", "v"), "-1.5e3");
}

TEST(ExtractTopLevelFieldTest, AbsentNullOrCompositeValuesGiveNothing) {
  EXPECT_EQ(ExtractTopLevelField(R"({"claim_id":"C1"})", "member_id"), std::nullopt);
  EXPECT_EQ(ExtractTopLevelField(R"({"member_id":null})", "member_id"), std::nullopt);
  EXPECT_EQ(ExtractTopLevelField(R"({"member_id":{"a":1}})", "member_id"), std::nullopt);
  EXPECT_EQ(ExtractTopLevelField(R"({"member_id":[1]})", "member_id"), std::nullopt);
  EXPECT_EQ(ExtractTopLevelField(R"({})", "member_id"), std::nullopt);
}

TEST(ExtractTopLevelFieldTest, MalformedTextGivesNothingInsteadOfGuessing) {
  EXPECT_EQ(ExtractTopLevelField("", "member_id"), std::nullopt);
  EXPECT_EQ(ExtractTopLevelField("[1,2]", "member_id"), std::nullopt);
  EXPECT_EQ(ExtractTopLevelField(R"({"member_id":"unterminated)", "member_id"), std::nullopt);
  EXPECT_EQ(ExtractTopLevelField(R"({"a" 1,"member_id":"M1"})", "member_id"), std::nullopt);
  EXPECT_EQ(ExtractTopLevelField(R"({"member_id":"bad\q"})", "member_id"), std::nullopt);
  EXPECT_EQ(ExtractTopLevelField(R"({"member_id":"\ud800"})", "member_id"), std::nullopt);
}

TEST(ExtractTopLevelFieldTest, JoinsSurrogatePairsAndMatchesEscapedKeys) {
  EXPECT_EQ(ExtractTopLevelField(R"({"k":"\ud83d\ude00"})", "k"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(ExtractTopLevelField(R"({"member\u005fid":"M7"})", "member_id"), "M7");
}

TEST(ExtractTopLevelFieldTest, FirstOccurrenceWins) {
  EXPECT_EQ(ExtractTopLevelField(R"({"k":"1","k":"2"})", "k"), "1");
}

TEST(DefaultKeyFieldTest, KeysInputTopicsBySpecField) {
  EXPECT_EQ(DefaultKeyField("vbp.claims"), "member_id");
  EXPECT_EQ(DefaultKeyField("test-members"), "member_id");
  EXPECT_EQ(DefaultKeyField("vbp.providers"), "npi");
  EXPECT_EQ(DefaultKeyField("contracts"), "contract_id");
  EXPECT_EQ(DefaultKeyField("vbp.statements"), std::nullopt);
}

TEST(SpecTopicNamesTest, PrefixesTheSixSpecTopics) {
  EXPECT_EQ(SpecTopicNames("x."),
            (std::vector<std::string>{"x.claims", "x.members", "x.providers", "x.contracts",
                                      "x.statements", "x.rejects"}));
}

}  // namespace
}  // namespace vbp::kafka
