#include "connectors/api/tokens.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace vbp::api {

using nlohmann::ordered_json;

bool Caller::HasTin(std::string_view tin) const {
  return std::binary_search(tins.begin(), tins.end(), Tin(tin));
}

namespace {

constexpr std::string_view kKeyPrefix = "sha256:";
constexpr size_t kDigestHexChars = 64;

std::array<unsigned char, 32> Digest(std::string_view s) {
  std::array<unsigned char, 32> d{};
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d.data());
  return d;
}

std::string Hex(const unsigned char* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xf]);
  }
  return out;
}

int LowerHexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The digest of a stored key ("sha256:" + 64 lowercase hex digits), or nullopt.
std::optional<std::array<unsigned char, 32>> KeyDigest(std::string_view key) {
  if (key.size() != kKeyPrefix.size() + kDigestHexChars ||
      key.substr(0, kKeyPrefix.size()) != kKeyPrefix) {
    return std::nullopt;
  }
  std::array<unsigned char, 32> d{};
  for (size_t i = 0; i < d.size(); ++i) {
    const int hi = LowerHexValue(key[kKeyPrefix.size() + 2 * i]);
    const int lo = LowerHexValue(key[kKeyPrefix.size() + 2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    d[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return d;
}

bool TokenOk(std::string_view t) {
  return t.size() >= kTokenCharsMin && t.size() <= kTokenCharsMax &&
         std::all_of(t.begin(), t.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
         });
}

std::string TokenRule() {
  return "a token is " + std::to_string(kTokenCharsMin) + ".." + std::to_string(kTokenCharsMax) +
         " characters of A-Z a-z 0-9 - . _ ~ + / =";
}

bool TinOk(const std::string& t) {
  return t.size() == 9 &&
         std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The file's JSON object, keys in file order; a key twice is refused (legal JSON, but one
// entry would silently win).
Result<ordered_json> ParseObject(std::string_view text, const std::string& origin) {
  std::set<std::string> seen;
  size_t keys = 0;
  size_t duplicate_at = 0;
  ordered_json::parser_callback_t cb = [&](int depth, ordered_json::parse_event_t event,
                                           ordered_json& parsed) {
    if (event == ordered_json::parse_event_t::key && depth == 1 && parsed.is_string()) {
      ++keys;
      if (!seen.insert(parsed.get<std::string>()).second && duplicate_at == 0) duplicate_at = keys;
    }
    return true;
  };
  ordered_json j;
  try {
    j = ordered_json::parse(text, cb);
  } catch (const ordered_json::exception& e) {
    return Status::Invalid(origin + ": not valid JSON (" + e.what() + ")");
  }
  if (duplicate_at != 0) {
    return Status::Invalid(origin + ": entry " + std::to_string(duplicate_at) +
                           " repeats the key of an earlier entry (the same token twice)");
  }
  if (!j.is_object() || j.empty()) {
    return Status::Invalid(origin +
                           ": expected a JSON object mapping each token's \"sha256:<digest>\" "
                           "to {\"name\", \"tins\": [...]} or {\"name\", \"admin\": true} "
                           "(add tokens with `vbp token add`)");
  }
  return j;
}

std::string EntryName(const std::string& origin, size_t index, const ordered_json& v) {
  // Errors name the entry by its position and name, never by its key.
  std::string at = origin + ": entry " + std::to_string(index);
  if (v.is_object() && v.contains("name") && v["name"].is_string()) {
    at += " ('" + v["name"].get<std::string>() + "')";
  }
  return at;
}

}  // namespace

std::string TokenKey(std::string_view token) {
  const auto d = Digest(token);
  return std::string(kKeyPrefix) + Hex(d.data(), d.size());
}

Result<std::string> NewToken() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Status::Unavailable("OpenSSL could not draw random bytes for a token (RAND_bytes)");
  }
  std::string token = Hex(bytes.data(), bytes.size());
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return token;
}

Result<TokenTable> TokenTable::Parse(std::string_view json_text, const std::string& origin) {
  auto parsed = ParseObject(json_text, origin);
  if (!parsed.ok()) return parsed.status();
  const ordered_json& j = *parsed;
  TokenTable table;
  size_t index = 0;
  for (const auto& [key, v] : j.items()) {
    ++index;
    const std::string at = EntryName(origin, index, v);
    const auto digest = KeyDigest(key);
    if (!digest) {
      if (TokenOk(key)) {
        return Status::Invalid(at +
                               ": the token is stored in plain text; the tokens file keeps "
                               "only SHA-256 digests: convert it once with `vbp token migrate "
                               "--tokens " +
                               origin + "` (every token stays valid)");
      }
      return Status::Invalid(at +
                             ": a key must be \"sha256:\" and 64 lowercase hex digits "
                             "(add tokens with `vbp token add`)");
    }
    if (!v.is_object()) return Status::Invalid(at + ": the value must be an object");
    Entry e;
    e.digest = *digest;
    for (const auto& [field_name, field] : v.items()) {
      if (field_name == "name") {
        if (!field.is_string() || field.get<std::string>().empty()) {
          return Status::Invalid(at + ": name must be a non-empty string");
        }
        e.caller.name = field.get<std::string>();
      } else if (field_name == "admin") {
        if (!field.is_boolean()) return Status::Invalid(at + ": admin must be true or false");
        e.caller.admin = field.get<bool>();
      } else if (field_name == "tins") {
        if (!field.is_array()) return Status::Invalid(at + ": tins must be an array of TINs");
        for (const auto& t : field) {
          if (!t.is_string() || !TinOk(t.get<std::string>())) {
            return Status::Invalid(at + ": every TIN must be a string of 9 digits");
          }
          e.caller.tins.push_back(Tin(t.get<std::string>()));
        }
      } else {
        return Status::Invalid(at + ": unknown key '" + field_name + "' (name, tins, admin)");
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

Result<std::string> AddTokenEntry(std::string_view file_text, std::string_view token,
                                  const std::string& name, const std::vector<std::string>& tins,
                                  bool admin, const std::string& origin) {
  if (!TokenOk(token)) return Status::Invalid("the new token is malformed: " + TokenRule());
  if (name.empty()) return Status::Invalid("a token needs a name (--name)");
  if (admin == !tins.empty()) {
    return Status::Invalid(
        "a token either names TINs (--tin, repeatable) or is an admin token (--admin)");
  }
  ordered_json j = ordered_json::object();
  if (!file_text.empty()) {
    // The file must be valid as it is: a token is never added to a file serve would refuse.
    auto table = TokenTable::Parse(file_text, origin);
    if (!table.ok()) return table.status();
    auto parsed = ParseObject(file_text, origin);
    if (!parsed.ok()) return parsed.status();
    j = std::move(parsed).value();
  }
  const std::string key = TokenKey(token);
  if (j.contains(key)) return Status::Invalid(origin + ": this token is already in the file");
  for (const auto& [k, v] : j.items()) {
    if (v.is_object() && v.contains("name") && v.at("name") == name) {
      return Status::Invalid(origin + ": another entry is already named '" + name +
                             "' (names identify callers in the access log)");
    }
  }
  ordered_json entry;
  entry["name"] = name;
  if (admin) {
    entry["admin"] = true;
  } else {
    entry["tins"] = tins;
  }
  j[key] = std::move(entry);
  std::string text = j.dump(2) + "\n";
  auto check = TokenTable::Parse(text, origin);
  if (!check.ok()) return check.status();
  return text;
}

Result<std::string> HashPlainTokens(std::string_view file_text, const std::string& origin,
                                    int* converted) {
  *converted = 0;
  auto parsed = ParseObject(file_text, origin);
  if (!parsed.ok()) return parsed.status();
  ordered_json out = ordered_json::object();
  size_t index = 0;
  for (const auto& [key, v] : parsed->items()) {
    ++index;
    std::string stored = key;
    if (!KeyDigest(key)) {
      if (!TokenOk(key)) {
        return Status::Invalid(EntryName(origin, index, v) +
                               ": neither a digest nor a valid token (" + TokenRule() + ")");
      }
      stored = TokenKey(key);
      ++*converted;
    }
    if (out.contains(stored)) {
      return Status::Invalid(EntryName(origin, index, v) +
                             ": the same token appears twice (once as a digest)");
    }
    out[stored] = v;
  }
  std::string text = out.dump(2) + "\n";
  auto check = TokenTable::Parse(text, origin);
  if (!check.ok()) return check.status();
  return text;
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
