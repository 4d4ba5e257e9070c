#pragma once
// Reading fields of a JSON document stored in the state (a statement revision, a compaction
// record). The state can be edited by hand, so a field may hold any type: these read it only
// when it has the type the engine writes, and otherwise give the fallback, where
// nlohmann's `value(key, default)` would throw. The checks that follow (seal, chain, replay)
// then report the edit instead of the reader aborting.

#include <cstdint>
#include <string>

namespace vbp::stored_json {

// `j[key]` when `j` is an object holding a string there, else `fallback`.
template <typename Json>
std::string String(const Json& j, const char* key, const std::string& fallback = "") {
  if (!j.is_object()) return fallback;
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->template get<std::string>() : fallback;
}

// `j[key]` when `j` is an object holding an integer there, else `fallback`.
template <typename Json>
int64_t Int(const Json& j, const char* key, int64_t fallback = 0) {
  if (!j.is_object()) return fallback;
  const auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->template get<int64_t>() : fallback;
}

}  // namespace vbp::stored_json
