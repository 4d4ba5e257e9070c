#include "engine/state/revision_check.h"

#include <nlohmann/json.hpp>
#include <string>

#include "engine/state/stored_json.h"
#include "rules/core/parameters.h"

namespace vbp {

namespace {

using nlohmann::ordered_json;

// The revision's name for messages; an edited revision may hold any type in these fields, so
// each is read only when it has the type the engine writes.
std::string Name(const ordered_json& j) {
  auto field = [&j](const char* key) -> std::string {
    const auto it = j.find(key);
    if (it == j.end()) return "?";
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
    return "?";
  };
  return field("contract_id") + "/" + field("performance_year") + " revision " + field("revision");
}

Status Tampered(const std::string& name, const std::string& what) {
  return Status::DataLoss("statement " + name + " fails its tamper check (" + what +
                          "): the state was edited after publication. Run `vbp verify --state "
                          "DIR` for the full report, then rebuild from the input topics or a "
                          "checkpoint; nothing is exported or chained to it");
}

}  // namespace

Status CheckStoredRevision(std::string_view text, std::optional<std::string_view> previous,
                           const ChainKeys& keys) {
  ordered_json j = ordered_json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::DataLoss(
        "a stored statement revision is not a JSON object: the state is "
        "corrupt; run `vbp verify --state DIR`");
  }
  const std::string name = Name(j);
  const ordered_json hash = j.value("hash", ordered_json());
  if (!hash.is_string()) return Tampered(name, "no hash");
  const std::string seal = hash.get<std::string>();
  j.erase("hash");
  const std::string content = j.dump();
  const ChainKeys::Verdict verdict = keys.Check(content, seal);
  if (!keys.keyed() && verdict == ChainKeys::Verdict::kUnknownKey) {
    return Status::Invalid("statement " + name + ": " + keys.Explain(verdict, seal));
  }
  if (const std::string why = keys.Explain(verdict, seal); !why.empty()) return Tampered(name, why);
  if (!previous) return Status::Ok();
  const ordered_json prev = ordered_json::parse(*previous, nullptr, false);
  const std::string prev_hash = stored_json::String(prev, "hash");
  const ordered_json info = j.value("revision_info", ordered_json());
  const ordered_json link =
      info.is_object() ? info.value("previous_hash", ordered_json()) : ordered_json();
  if (!link.is_string() || link.get<std::string>() != prev_hash) {
    return Tampered(name, "its previous_hash is not the hash of the revision stored before it");
  }
  if (ChainKeys::IsKeyed(prev_hash) && !ChainKeys::IsKeyed(seal)) {
    return Tampered(name, "it is sealed without a key after a keyed revision");
  }
  return Status::Ok();
}

}  // namespace vbp
