#include "connectors/kafka/kafka_types.h"

namespace vbp::kafka {

std::string TopicPartition::ToString() const {
  return topic + "[" + std::to_string(partition) + "]";
}

std::vector<std::string> SpecTopicNames(std::string_view prefix) {
  std::vector<std::string> out;
  for (std::string_view suffix : kSpecTopicSuffixes) {
    out.push_back(std::string(prefix) + std::string(suffix));
  }
  return out;
}

std::optional<std::string> DefaultKeyField(std::string_view topic) {
  struct Rule {
    std::string_view suffix;
    std::string_view field;
  };
  static constexpr Rule kRules[] = {{"claims", "member_id"},
                                    {"members", "member_id"},
                                    {"providers", "npi"},
                                    {"contracts", "contract_id"}};
  for (const Rule& rule : kRules) {
    if (topic.size() >= rule.suffix.size() &&
        topic.substr(topic.size() - rule.suffix.size()) == rule.suffix) {
      return std::string(rule.field);
    }
  }
  return std::nullopt;
}

}  // namespace vbp::kafka
