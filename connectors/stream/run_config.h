#pragma once
// The `vbp run` configuration file (--config FILE, a JSON object): parsed once into typed
// settings, each checked with the key named in its error. Flags override what is set here
// (cli/run.cc). Outside bytes: fuzzed by tests/fuzz/config_fuzz.cc.
//
// Keys: brokers, state, topic_prefix, group_id, instance_id, chain_key_file, http_host
// (strings); kafka (an object of librdkafka properties: string, integer or boolean values,
// passed as text); rules (an array of rule set file names); as_of ("YYYY-MM-DD"); http_port
// (-1 off, 0 any, up to 65535); batch_records_max (1..10,000,000); revision_interval_ms
// (0..86,400,000); sync_commits, keep_history, pipeline, parallel_apply (booleans). Any other
// key is an error (a typo must not be ignored).

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/date.h"
#include "domain/status.h"

namespace vbp::stream {

// What the file sets (unset: the flag or the default decides).
struct RunConfig {
  std::optional<std::string> brokers;
  std::optional<std::string> state;
  std::optional<std::string> topic_prefix;
  std::optional<std::string> group_id;
  std::optional<std::string> instance_id;
  std::optional<std::string> chain_key_file;
  std::optional<std::string> http_host;
  std::map<std::string, std::string> kafka;
  std::vector<std::string> rules;
  std::optional<Date> as_of;
  std::optional<int> http_port;
  std::optional<size_t> batch_records_max;
  std::optional<int64_t> revision_interval_ms;
  std::optional<bool> sync_commits;
  std::optional<bool> keep_history;
  std::optional<bool> pipeline;
  std::optional<bool> parallel_apply;
};

// `origin` (the file's path) starts every error: "<origin>: <key>: <what is wrong>".
Result<RunConfig> ParseRunConfig(std::string_view text, const std::string& origin);

}  // namespace vbp::stream
