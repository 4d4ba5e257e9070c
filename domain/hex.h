#pragma once
// Hexadecimal digits, both ways: digests and seals are written in lower case; keys and JSON
// \u escapes are read in either case. One place for what three files wrote by hand.

#include <cstddef>
#include <string>

namespace vbp {

// `n` bytes as 2n lower-case hex digits.
inline std::string HexLower(const unsigned char* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 15];
  }
  return out;
}

// The value of one hex digit (either case), or -1 for any other character.
inline int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace vbp
