#pragma once
// A strict, independent check of generated NDJSON lines against SPEC §2 formats, used by the
// generator tests to find every malformed line (and nothing else).

#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "connectors/ingest/generate/ids.h"
#include "domain/date.h"

namespace vbp::generate::testing {

inline bool IsDate(const nlohmann::json& v) {
  return v.is_string() && Date::Parse(v.get<std::string>()).ok();
}
inline bool IsDigitsN(const nlohmann::json& v, size_t n) {
  if (!v.is_string()) return false;
  const auto s = v.get<std::string>();
  return s.size() == n && s.find_first_not_of("0123456789") == std::string::npos;
}
inline bool IsAmount(const nlohmann::json& v) {
  static const std::regex re("[0-9]+\\.[0-9]{2}");
  return v.is_string() && std::regex_match(v.get<std::string>(), re);
}
inline bool IsNonEmptyString(const nlohmann::json& v) {
  return v.is_string() && !v.get<std::string>().empty();
}
inline bool OneOf(const nlohmann::json& v, std::initializer_list<const char*> values) {
  if (!v.is_string()) return false;
  for (const char* x : values) {
    if (v.get<std::string>() == x) return true;
  }
  return false;
}
inline bool IsNpi(const nlohmann::json& v) {
  return v.is_string() && IsValidNpi(v.get<std::string>());
}

// Empty when the line is a valid record of `kind` ("claim", "member", "provider",
// "contract"); otherwise what is wrong.
inline std::string CheckRecord(const std::string& kind, const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "not a JSON object";
  auto has = [&](const char* k) { return j.contains(k); };
  if (j.value("schema", "") != "vbp." + kind + "/1") return "schema";
  if (kind == "claim") {
    for (const char* k : {"claim_id", "member_id"}) {
      if (!has(k) || !IsNonEmptyString(j[k])) return k;
    }
    if (!has("version") || !j["version"].is_number_integer() || j["version"].get<int64_t>() < 1)
      return "version";
    if (!has("frequency") || !OneOf(j["frequency"], {"original", "replacement", "void"}))
      return "frequency";
    if (!has("billing_tin") || !IsDigitsN(j["billing_tin"], 9)) return "billing_tin";
    if (!has("rendering_npi") || !IsNpi(j["rendering_npi"])) return "rendering_npi";
    if (!has("claim_type") || !OneOf(j["claim_type"], {"professional", "institutional"}))
      return "claim_type";
    for (const char* k : {"from_date", "through_date", "paid_date"}) {
      if (!has(k) || !IsDate(j[k])) return k;
    }
    if (!has("diagnoses") || !j["diagnoses"].is_array()) return "diagnoses";
    if (!has("lines") || !j["lines"].is_array() || j["lines"].empty()) return "lines";
    for (const auto& l : j["lines"]) {
      if (!l.contains("line") || !l["line"].is_number_integer()) return "line";
      if (l.contains("hcpcs") &&
          !(l["hcpcs"].is_string() && l["hcpcs"].get<std::string>().size() == 5))
        return "hcpcs";
      if (!l.contains("units") || !l["units"].is_number_integer() || l["units"].get<int64_t>() < 0)
        return "units";
      if (!l.contains("service_date") || !IsDate(l["service_date"])) return "service_date";
      if (!l.contains("allowed") || !IsAmount(l["allowed"])) return "allowed";
      if (!l.contains("paid") || !IsAmount(l["paid"])) return "paid";
    }
    return "";
  }
  if (kind == "member") {
    if (!has("member_id") || !IsNonEmptyString(j["member_id"])) return "member_id";
    if (!has("birth_date") || !IsDate(j["birth_date"])) return "birth_date";
    if (!has("sex") || !OneOf(j["sex"], {"F", "M", "U"})) return "sex";
    if (!has("coverage") || !j["coverage"].is_array()) return "coverage";
    for (const auto& c : j["coverage"]) {
      if (!c.contains("from") || !IsDate(c["from"])) return "coverage.from";
      if (!c.contains("through") || !IsDate(c["through"])) return "coverage.through";
      if (!c.contains("program") || !IsNonEmptyString(c["program"])) return "coverage.program";
      if (!c.contains("enrollment_type") ||
          !OneOf(c["enrollment_type"], {"esrd", "disabled", "aged_dual", "aged_nondual"})) {
        return "coverage.enrollment_type";
      }
    }
    if (has("aligned_npi") && !IsNpi(j["aligned_npi"])) return "aligned_npi";
    return "";
  }
  if (kind == "provider") {
    if (!has("npi") || !IsNpi(j["npi"])) return "npi";
    if (!has("tin") || !IsDigitsN(j["tin"], 9)) return "tin";
    if (!has("specialty") || !IsNonEmptyString(j["specialty"])) return "specialty";
    if (!has("provider_class") ||
        !OneOf(j["provider_class"], {"pcp", "npp", "specialist", "other"}))
      return "provider_class";
    if (!has("effective") || !IsDate(j["effective"])) return "effective";
    if (has("termination") && !IsDate(j["termination"])) return "termination";
    return "";
  }
  if (kind == "contract") {
    if (!has("contract_id") || !IsNonEmptyString(j["contract_id"])) return "contract_id";
    if (!has("tins") || !j["tins"].is_array()) return "tins";
    for (const auto& t : j["tins"]) {
      if (!IsDigitsN(t, 9)) return "tins[]";
    }
    return "";
  }
  return "unknown kind";
}

}  // namespace vbp::generate::testing
