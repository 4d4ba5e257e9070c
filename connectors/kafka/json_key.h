#pragma once
// Fast extraction of one top-level field from a JSON object text, without building a DOM:
// used to key NDJSON lines when producing them to Kafka (`vbp produce`), at file speed.

#include <optional>
#include <string>
#include <string_view>

namespace vbp::kafka {

// Returns the value of the top-level member `field` of the JSON object `json`:
//  - a string value, unescaped (\uXXXX to UTF-8, surrogate pairs joined);
//  - a number, true or false as its literal text ("42", "true").
// Returns nullopt when `json` is not an object, the field is absent, its value is null, an
// object or an array, or the text is malformed before the field is found. Members nested in
// other objects or arrays never match. The first occurrence wins when a key repeats.
// Does not validate the rest of the document (the decoder downstream does).
std::optional<std::string> ExtractTopLevelField(std::string_view json, std::string_view field);

}  // namespace vbp::kafka
