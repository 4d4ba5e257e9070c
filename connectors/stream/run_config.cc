#include "connectors/stream/run_config.h"

#include <nlohmann/json.hpp>

namespace vbp::stream {
namespace {

using nlohmann::json;

class Reader {
 public:
  Reader(const json& doc, const std::string& origin) : doc_(doc), origin_(origin) {}

  Status Error(const std::string& key, const std::string& what) const {
    return Status::Invalid(origin_ + ": " + key + ": " + what);
  }
  Status Expected(const std::string& key, const std::string& what, const json& got) const {
    return Error(key, "expected " + what + " (got " + got.type_name() + ")");
  }

  Status String(const char* key, std::optional<std::string>* out) const {
    const auto it = doc_.find(key);
    if (it == doc_.end()) return Status::Ok();
    if (!it->is_string()) return Expected(key, "a string", *it);
    *out = it->get<std::string>();
    return Status::Ok();
  }

  Status Bool(const char* key, std::optional<bool>* out) const {
    const auto it = doc_.find(key);
    if (it == doc_.end()) return Status::Ok();
    if (!it->is_boolean()) return Expected(key, "true or false", *it);
    *out = it->get<bool>();
    return Status::Ok();
  }

  // An integer in [lo, hi].
  Status Int(const char* key, int64_t lo, int64_t hi, std::optional<int64_t>* out) const {
    const auto it = doc_.find(key);
    if (it == doc_.end()) return Status::Ok();
    const std::string range = "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
    if (it->is_number_unsigned()) {
      const uint64_t v = it->get<uint64_t>();
      if (v > static_cast<uint64_t>(hi)) return Error(key, it->dump() + " is not " + range);
      *out = static_cast<int64_t>(v);
      return Status::Ok();
    }
    if (!it->is_number_integer()) return Expected(key, range, *it);
    const int64_t v = it->get<int64_t>();
    if (v < lo || v > hi) return Error(key, it->dump() + " is not " + range);
    *out = v;
    return Status::Ok();
  }

  // librdkafka takes every property as text: numbers and booleans are written as such.
  Status Kafka(std::map<std::string, std::string>* out) const {
    const auto it = doc_.find("kafka");
    if (it == doc_.end()) return Status::Ok();
    if (!it->is_object()) return Expected("kafka", "an object of librdkafka properties", *it);
    for (auto p = it->begin(); p != it->end(); ++p) {
      const json& v = p.value();
      if (v.is_string()) {
        (*out)[p.key()] = v.get<std::string>();
      } else if (v.is_number_integer() || v.is_number_unsigned() || v.is_boolean()) {
        (*out)[p.key()] = v.dump();
      } else {
        return Expected("kafka." + p.key(), "a string, an integer or a boolean", v);
      }
    }
    return Status::Ok();
  }

  Status Rules(std::vector<std::string>* out) const {
    const auto it = doc_.find("rules");
    if (it == doc_.end()) return Status::Ok();
    if (!it->is_array()) return Expected("rules", "an array of rule set file names", *it);
    for (size_t i = 0; i < it->size(); ++i) {
      const json& v = (*it)[i];
      if (!v.is_string()) {
        return Expected("rules[" + std::to_string(i) + "]", "a rule set file name", v);
      }
      out->push_back(v.get<std::string>());
    }
    return Status::Ok();
  }

  Status AsOf(std::optional<Date>* out) const {
    std::optional<std::string> text;
    VBP_RETURN_IF_ERROR(String("as_of", &text));
    if (!text) return Status::Ok();
    auto d = Date::Parse(*text);
    if (!d.ok()) return Error("as_of", d.status().message());
    *out = *d;
    return Status::Ok();
  }

 private:
  const json& doc_;
  const std::string& origin_;
};

constexpr const char* kKnown[] = {"brokers",
                                  "state",
                                  "topic_prefix",
                                  "group_id",
                                  "instance_id",
                                  "chain_key_file",
                                  "kafka",
                                  "rules",
                                  "as_of",
                                  "http_host",
                                  "http_port",
                                  "batch_records_max",
                                  "revision_interval_ms",
                                  "sync_commits",
                                  "keep_history",
                                  "pipeline",
                                  "parallel_apply"};

Status OnlyKnownKeys(const json& doc, const std::string& origin) {
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    bool known = false;
    for (const char* k : kKnown) known = known || it.key() == k;
    if (!known) return Status::Invalid(origin + ": unknown setting '" + it.key() + "'");
  }
  return Status::Ok();
}

}  // namespace

Result<RunConfig> ParseRunConfig(std::string_view text, const std::string& origin) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::Invalid(origin + " is not a JSON object");
  }
  VBP_RETURN_IF_ERROR(OnlyKnownKeys(doc, origin));
  const Reader r(doc, origin);
  RunConfig c;
  VBP_RETURN_IF_ERROR(r.String("brokers", &c.brokers));
  VBP_RETURN_IF_ERROR(r.String("state", &c.state));
  VBP_RETURN_IF_ERROR(r.String("topic_prefix", &c.topic_prefix));
  VBP_RETURN_IF_ERROR(r.String("group_id", &c.group_id));
  VBP_RETURN_IF_ERROR(r.String("instance_id", &c.instance_id));
  VBP_RETURN_IF_ERROR(r.String("chain_key_file", &c.chain_key_file));
  VBP_RETURN_IF_ERROR(r.String("http_host", &c.http_host));
  VBP_RETURN_IF_ERROR(r.Kafka(&c.kafka));
  VBP_RETURN_IF_ERROR(r.Rules(&c.rules));
  VBP_RETURN_IF_ERROR(r.AsOf(&c.as_of));
  std::optional<int64_t> port, batch, interval;
  VBP_RETURN_IF_ERROR(r.Int("http_port", -1, 65535, &port));
  VBP_RETURN_IF_ERROR(r.Int("batch_records_max", 1, 10'000'000, &batch));
  VBP_RETURN_IF_ERROR(r.Int("revision_interval_ms", 0, 86'400'000, &interval));
  if (port) c.http_port = static_cast<int>(*port);
  if (batch) c.batch_records_max = static_cast<size_t>(*batch);
  c.revision_interval_ms = interval;
  VBP_RETURN_IF_ERROR(r.Bool("sync_commits", &c.sync_commits));
  VBP_RETURN_IF_ERROR(r.Bool("keep_history", &c.keep_history));
  VBP_RETURN_IF_ERROR(r.Bool("pipeline", &c.pipeline));
  VBP_RETURN_IF_ERROR(r.Bool("parallel_apply", &c.parallel_apply));
  return c;
}

}  // namespace vbp::stream
