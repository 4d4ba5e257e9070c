#pragma once
// JSON access for FHIR resources: a number-preserving parse (a FHIR decimal keeps the exact
// text it was written with: nlohmann's default parse would turn 0.30 into the double
// 0.29999999999999998890) and small lookups for the shapes FHIR repeats (Coding,
// CodeableConcept, Identifier, Extension, Reference).
//
// Representation: the DOM is an nlohmann::json in which every non-integer JSON number is
// stored as a *string* holding its literal text ("0.30", "1e2"); integers stay integers.
// Readers use DecimalText(), which accepts both, so no caller ever sees a double.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "domain/status.h"

namespace vbp::fhir {

using Json = nlohmann::json;

// Parses one JSON text; never throws. Errors name the byte offset and what was expected.
Result<Json> ParseJsonPreservingNumbers(std::string_view text);

// obj[key] when obj is an object holding key, else nullptr.
const Json* Field(const Json& obj, std::string_view key);
// obj[key] as a string, else "" (also for a non-string value).
std::string Str(const Json& obj, std::string_view key);
// The exact text of a decimal: an integer as its digits, a non-integer number as written, a
// string as is. nullopt for anything else (null, bool, object, array, absent).
std::optional<std::string> DecimalText(const Json* value);

// The code of the first coding of `cc` (a CodeableConcept) whose system is `system`;
// "" when none.
std::string CodeIn(const Json* cc, std::string_view system);
// The code of the first coding of `cc`, whatever its system; "" when none.
std::string FirstCode(const Json* cc);
// True when some coding of `cc` has this code (and this system, when non-empty).
bool HasCode(const Json* cc, std::string_view system, std::string_view code);
// The first element of obj.extension[] whose url is `url`, else nullptr.
const Json* Extension(const Json& obj, std::string_view url);
// The value of an extension as text: valueCoding.code, valueIdentifier.value, valueString,
// valueCode, valueDate, valueBoolean ("true"/"false"), a valueDecimal/valueInteger's text.
std::string ExtensionText(const Json* ext);
// The value of the first identifier in obj.identifier[] with this system, or whose type has
// this code (type_code non-empty); "" when none.
std::string IdentifierValue(const Json& obj, std::string_view system,
                            std::string_view type_code = {});
// "Patient/123" -> "123" for a reference of this resource type; "urn:uuid:x" -> "x"; "#x" ->
// "#x"; other forms as written.
std::string ReferenceId(const Json* reference);

}  // namespace vbp::fhir
