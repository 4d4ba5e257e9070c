#include "connectors/kafka/json_key.h"

#include <cstddef>
#include <cstdint>

#include "domain/hex.h"

namespace vbp::kafka {
namespace {

constexpr size_t kNotFound = std::string_view::npos;

bool IsWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t SkipWs(std::string_view s, size_t i) {
  while (i < s.size() && IsWs(s[i])) ++i;
  return i;
}

// `i` is at an opening quote. Returns the index one past the closing quote, or kNotFound.
// Sets *escaped when the string holds a backslash escape.
size_t SkipString(std::string_view s, size_t i, bool* escaped) {
  ++i;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"') return i + 1;
    if (c == '\\') {
      *escaped = true;
      i += 2;
    } else {
      ++i;
    }
  }
  return kNotFound;
}

bool ReadHex4(std::string_view s, size_t i, uint32_t* out) {
  if (i + 4 > s.size()) return false;
  uint32_t v = 0;
  for (size_t k = 0; k < 4; ++k) {
    const int h = HexDigitValue(s[i + k]);
    if (h < 0) return false;
    v = (v << 4) | static_cast<uint32_t>(h);
  }
  *out = v;
  return true;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Unescapes the body of a JSON string (between the quotes). False on a malformed escape.
bool Unescape(std::string_view body, std::string* out) {
  out->clear();
  out->reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (++i >= body.size()) return false;
    switch (body[i]) {
      case '"':
        out->push_back('"');
        break;
      case '\\':
        out->push_back('\\');
        break;
      case '/':
        out->push_back('/');
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'u': {
        uint32_t cp = 0;
        if (!ReadHex4(body, i + 1, &cp)) return false;
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t lo = 0;
          if (i + 2 < body.size() && body[i + 1] == '\\' && body[i + 2] == 'u' &&
              ReadHex4(body, i + 3, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          } else {
            return false;  // lone high surrogate
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return false;  // lone low surrogate
        }
        AppendUtf8(cp, out);
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

// `i` is at the first character of a value. Returns the index one past it, or kNotFound.
size_t SkipValue(std::string_view s, size_t i) {
  if (i >= s.size()) return kNotFound;
  const char c = s[i];
  if (c == '"') {
    bool escaped = false;
    return SkipString(s, i, &escaped);
  }
  if (c == '{' || c == '[') {
    int depth = 0;
    while (i < s.size()) {
      const char d = s[i];
      if (d == '"') {
        bool escaped = false;
        i = SkipString(s, i, &escaped);
        if (i == kNotFound) return kNotFound;
        continue;
      }
      if (d == '{' || d == '[') ++depth;
      if (d == '}' || d == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return kNotFound;
  }
  // Literal: number, true, false, null.
  const size_t start = i;
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && !IsWs(s[i])) ++i;
  return i == start ? kNotFound : i;
}

}  // namespace

std::optional<std::string> ExtractTopLevelField(std::string_view json, std::string_view field) {
  size_t i = SkipWs(json, 0);
  if (i >= json.size() || json[i] != '{') return std::nullopt;
  ++i;
  std::string scratch;
  while (true) {
    i = SkipWs(json, i);
    if (i >= json.size() || json[i] != '"') return std::nullopt;  // '}' or malformed
    bool key_escaped = false;
    const size_t key_end = SkipString(json, i, &key_escaped);
    if (key_end == kNotFound) return std::nullopt;
    const std::string_view key_body = json.substr(i + 1, key_end - i - 2);
    bool match = false;
    if (!key_escaped) {
      match = key_body == field;
    } else if (Unescape(key_body, &scratch)) {
      match = scratch == field;
    }
    i = SkipWs(json, key_end);
    if (i >= json.size() || json[i] != ':') return std::nullopt;
    i = SkipWs(json, i + 1);
    if (i >= json.size()) return std::nullopt;
    if (match) {
      const char c = json[i];
      if (c == '"') {
        bool escaped = false;
        const size_t end = SkipString(json, i, &escaped);
        if (end == kNotFound) return std::nullopt;
        const std::string_view body = json.substr(i + 1, end - i - 2);
        if (!escaped) return std::string(body);
        std::string out;
        if (!Unescape(body, &out)) return std::nullopt;
        return out;
      }
      if (c == '{' || c == '[') return std::nullopt;
      const size_t end = SkipValue(json, i);
      if (end == kNotFound) return std::nullopt;
      const std::string_view literal = json.substr(i, end - i);
      if (literal == "null") return std::nullopt;
      return std::string(literal);
    }
    i = SkipValue(json, i);
    if (i == kNotFound) return std::nullopt;
    i = SkipWs(json, i);
    if (i >= json.size() || json[i] != ',') return std::nullopt;
    ++i;
  }
}

}  // namespace vbp::kafka
