// The `vbp run` configuration file (connectors/stream/run_config.h): every key typed, every
// error naming its key (issue 18 item 4), nothing thrown (the config fuzz target).
#include "connectors/stream/run_config.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace vbp::stream {
namespace {

TEST(RunConfigTest, ReadsEveryKey) {
  auto c = ParseRunConfig(R"({"brokers":"h:9092","state":"s","topic_prefix":"p.",
      "group_id":"g","instance_id":"i","chain_key_file":"/k","http_host":"0.0.0.0",
      "kafka":{"security.protocol":"ssl","linger.ms":5,"enable.idempotence":true},
      "rules":["a.json","b.json"],"as_of":"2026-03-31","http_port":-1,
      "batch_records_max":500,"revision_interval_ms":0,"sync_commits":true,
      "keep_history":false,"pipeline":false,"parallel_apply":false})",
                          "run.json");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(*c->brokers, "h:9092");
  EXPECT_EQ(*c->state, "s");
  EXPECT_EQ(*c->topic_prefix, "p.");
  EXPECT_EQ(*c->group_id, "g");
  EXPECT_EQ(*c->instance_id, "i");
  EXPECT_EQ(*c->chain_key_file, "/k");
  EXPECT_EQ(*c->http_host, "0.0.0.0");
  const std::map<std::string, std::string> kafka = {
      {"enable.idempotence", "true"}, {"linger.ms", "5"}, {"security.protocol", "ssl"}};
  EXPECT_EQ(c->kafka, kafka);
  EXPECT_EQ(c->rules, (std::vector<std::string>{"a.json", "b.json"}));
  EXPECT_EQ(c->as_of->ToString(), "2026-03-31");
  EXPECT_EQ(*c->http_port, -1);
  EXPECT_EQ(*c->batch_records_max, 500u);
  EXPECT_EQ(*c->revision_interval_ms, 0);
  EXPECT_TRUE(*c->sync_commits);
  EXPECT_FALSE(*c->keep_history);
  EXPECT_FALSE(*c->pipeline);
  EXPECT_FALSE(*c->parallel_apply);
}

TEST(RunConfigTest, AnAbsentKeyIsUnset) {
  auto c = ParseRunConfig("{}", "run.json");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->brokers || c->http_port || c->batch_records_max || c->sync_commits || c->as_of);
  EXPECT_TRUE(c->kafka.empty() && c->rules.empty());
}

TEST(RunConfigTest, EachErrorNamesItsKey) {
  const std::pair<const char*, const char*> cases[] = {
      {"[]", "run.json is not a JSON object"},
      {"{", "run.json is not a JSON object"},
      {R"({"brokerz":"h"})", "run.json: unknown setting 'brokerz'"},
      {R"({"brokers":9092})", "run.json: brokers: expected a string (got number)"},
      {R"({"http_port":"9464"})",
       "run.json: http_port: expected an integer from -1 to 65535 (got string)"},
      {R"({"http_port":65536})", "run.json: http_port: 65536 is not an integer from -1 to 65535"},
      {R"({"http_port":18446744073709551615})",
       "run.json: http_port: 18446744073709551615 is not an integer from -1 to 65535"},
      {R"({"batch_records_max":-1})",
       "run.json: batch_records_max: -1 is not an integer from 1 to 10000000"},
      {R"({"revision_interval_ms":2.5})",
       "run.json: revision_interval_ms: expected an integer from 0 to 86400000 (got number)"},
      {R"({"sync_commits":"yes"})", "run.json: sync_commits: expected true or false (got string)"},
      {R"({"kafka":["a"]})",
       "run.json: kafka: expected an object of librdkafka properties (got array)"},
      {R"({"kafka":{"linger.ms":1.5}})",
       "run.json: kafka.linger.ms: expected a string, an integer or a boolean (got number)"},
      {R"({"rules":"a.json"})",
       "run.json: rules: expected an array of rule set file names (got string)"},
      {R"({"rules":["a.json",2]})",
       "run.json: rules[1]: expected a rule set file name (got number)"},
      {R"({"as_of":20260331})", "run.json: as_of: expected a string (got number)"},
  };
  for (const auto& [text, message] : cases) {
    SCOPED_TRACE(text);
    auto c = ParseRunConfig(text, "run.json");
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().message(), message);
  }
  auto bad_date = ParseRunConfig(R"({"as_of":"2026-13-01"})", "run.json");
  ASSERT_FALSE(bad_date.ok());
  EXPECT_EQ(bad_date.status().message().rfind("run.json: as_of: ", 0), 0u)
      << bad_date.status().message();
}

}  // namespace
}  // namespace vbp::stream
