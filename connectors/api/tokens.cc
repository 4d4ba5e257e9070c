#include "connectors/api/tokens.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace vbp::api {

bool Caller::HasTin(std::string_view tin) const {
  return std::binary_search(tins.begin(), tins.end(), Tin(tin));
}

namespace {

std::array<unsigned char, 32> Digest(std::string_view s) {
  std::array<unsigned char, 32> d{};
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d.data());
  return d;
}

bool TokenCharsOk(std::string_view t) {
  return std::all_of(t.begin(), t.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
  });
}

bool TinOk(const std::string& t) {
  return t.size() == 9 &&
         std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<TokenTable> TokenTable::Parse(std::string_view json_text, const std::string& origin) {
  // Duplicate keys are legal JSON but would silently keep one entry: refuse them.
  std::set<std::string> seen;
  std::string duplicate;
  nlohmann::json::parser_callback_t cb = [&](int depth, nlohmann::json::parse_event_t event,
                                             nlohmann::json& parsed) {
    if (event == nlohmann::json::parse_event_t::key && depth == 1 && parsed.is_string()) {
      if (!seen.insert(parsed.get<std::string>()).second && duplicate.empty()) {
        duplicate = parsed.get<std::string>();
      }
    }
    return true;
  };
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text, cb);
  } catch (const nlohmann::json::exception& e) {
    return Status::Invalid(origin + ": not valid JSON (" + e.what() + ")");
  }
  if (!duplicate.empty()) {
    return Status::Invalid(origin + ": a token appears twice (token " +
                           std::to_string(std::distance(seen.begin(), seen.find(duplicate)) + 1) +
                           " in sorted order)");
  }
  if (!j.is_object() || j.empty()) {
    return Status::Invalid(origin +
                           ": expected a JSON object mapping each token to "
                           "{\"name\", \"tins\": [...]} or {\"name\", \"admin\": true}");
  }
  TokenTable table;
  size_t index = 0;
  for (const auto& [token, v] : j.items()) {
    ++index;
    // Errors name the entry by its name or position, never by the token itself.
    std::string at = origin + ": entry " + std::to_string(index);
    if (v.is_object() && v.contains("name") && v["name"].is_string()) {
      at += " ('" + v["name"].get<std::string>() + "')";
    }
    if (token.size() < kTokenCharsMin || token.size() > kTokenCharsMax || !TokenCharsOk(token)) {
      return Status::Invalid(at + ": a token must be " + std::to_string(kTokenCharsMin) + ".." +
                             std::to_string(kTokenCharsMax) +
                             " characters of A-Z a-z 0-9 - . _ ~ + / = (e.g. `openssl rand "
                             "-hex 32`)");
    }
    if (!v.is_object()) return Status::Invalid(at + ": the value must be an object");
    Entry e;
    e.digest = Digest(token);
    for (const auto& [key, field] : v.items()) {
      if (key == "name") {
        if (!field.is_string() || field.get<std::string>().empty()) {
          return Status::Invalid(at + ": name must be a non-empty string");
        }
        e.caller.name = field.get<std::string>();
      } else if (key == "admin") {
        if (!field.is_boolean()) return Status::Invalid(at + ": admin must be true or false");
        e.caller.admin = field.get<bool>();
      } else if (key == "tins") {
        if (!field.is_array()) return Status::Invalid(at + ": tins must be an array of TINs");
        for (const auto& t : field) {
          if (!t.is_string() || !TinOk(t.get<std::string>())) {
            return Status::Invalid(at + ": every TIN must be a string of 9 digits");
          }
          e.caller.tins.push_back(Tin(t.get<std::string>()));
        }
      } else {
        return Status::Invalid(at + ": unknown key '" + key + "' (name, tins, admin)");
      }
    }
    if (e.caller.name.empty()) return Status::Invalid(at + ": name is required");
    if (e.caller.admin && v.contains("tins")) {
      return Status::Invalid(at + ": an admin token sees every contract; drop its tins");
    }
    if (!e.caller.admin && e.caller.tins.empty()) {
      return Status::Invalid(at +
                             ": a provider token needs a non-empty tins list "
                             "(or \"admin\": true)");
    }
    std::sort(e.caller.tins.begin(), e.caller.tins.end());
    e.caller.tins.erase(std::unique(e.caller.tins.begin(), e.caller.tins.end()),
                        e.caller.tins.end());
    table.entries_.push_back(std::move(e));
  }
  return table;
}

const Caller* TokenTable::Authenticate(std::string_view token) const {
  const std::array<unsigned char, 32> d = Digest(token);
  const Caller* found = nullptr;
  for (const Entry& e : entries_) {
    // Branch-free selection: every entry is compared whatever the outcome.
    const bool equal = CRYPTO_memcmp(d.data(), e.digest.data(), d.size()) == 0;
    const Caller* candidates[2] = {found, &e.caller};
    found = candidates[equal ? 1 : 0];
  }
  return found;
}

}  // namespace vbp::api
