// Rule sets and measure definitions are outside JSON: a field of the wrong type is an error
// naming the field, never an exception (the rules fuzz target found `"schema": 1` aborting).
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "rules/core/parameters.h"
#include "rules/quality/measure.h"

namespace vbp::rules {
namespace {

TEST(OutsideJsonTest, ARuleSetSchemaOfAnyOtherTypeIsAnError) {
  for (const char* text : {R"({"schema":1})", R"({"schema":null})", R"({"schema":["x"]})",
                           R"({"schema":{"vbp.rule_set/1":1}})", R"({"name":"a"})"}) {
    SCOPED_TRACE(text);
    std::optional<Result<RuleSet>> rs;
    ASSERT_NO_THROW(rs.emplace(RuleSet::FromText(text, "t.json")));
    ASSERT_FALSE(rs->ok());
    EXPECT_EQ(rs->status().message(), "t.json: field 'schema' must be \"vbp.rule_set/1\"");
  }
}

TEST(OutsideJsonTest, AMeasureSchemaOfAnyOtherTypeIsAnError) {
  for (const char* text : {R"({"schema":7})", R"({"schema":true})", R"({"id":"x"})"}) {
    SCOPED_TRACE(text);
    std::optional<Result<quality::Measure>> m;
    ASSERT_NO_THROW(m.emplace(quality::ParseMeasure(text, "m.json")));
    ASSERT_FALSE(m->ok());
    EXPECT_EQ(m->status().message(), "m.json: schema must be vbp.measure/1");
  }
}

}  // namespace
}  // namespace vbp::rules
