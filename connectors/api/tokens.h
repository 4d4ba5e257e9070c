#pragma once
// Bearer tokens of the provider API (`vbp serve --tokens FILE`).
//
// The file is a JSON object mapping each token's SHA-256 digest to whom it belongs:
//   {"sha256:3f9c...e1": {"name": "Acme ACO revenue team", "tins": ["111111111", "222222222"]},
//    "sha256:a07b...42": {"name": "payer operations", "admin": true}}
// The key is "sha256:" and the 64 lowercase hex digits of SHA-256(token): the file never holds
// a token, so reading it does not let anyone call the API. `vbp token add` draws a token
// (256 random bits), appends its digest and prints the token once. A token is 32..512
// characters of [A-Za-z0-9-._~+/=]; a provider entry has a non-empty `tins` list of 9-digit
// TINs, an admin entry `"admin": true` and no `tins`. Anything else (unknown keys, a digest
// twice, a malformed digest) makes the whole file invalid: a half-read token file is never
// served.
//
// Migration: a file of the former layout (the tokens themselves as keys) is refused with a
// message naming `vbp token migrate`, which replaces each token by its digest in place (the
// tokens stay valid); serve never rewrites the file itself.
//
// Authenticate compares the presented token's digest with EVERY entry's digest with
// CRYPTO_memcmp and never stops early, so its time does not depend on which entry (if any)
// matches or on how many leading bytes agree.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/ids.h"
#include "domain/status.h"

namespace vbp::api {

struct Caller {
  std::string name;
  bool admin = false;
  std::vector<Tin> tins;  // sorted, unique; empty for an admin
  bool HasTin(std::string_view tin) const;
};

inline constexpr size_t kTokenCharsMin = 32;
inline constexpr size_t kTokenCharsMax = 512;

// The key a token is stored under: "sha256:" + SHA-256(token) in lowercase hex.
std::string TokenKey(std::string_view token);

// A new token: 64 lowercase hex digits of 256 bits from OpenSSL's RAND_bytes.
Result<std::string> NewToken();

// The tokens file's text with one more entry, for `token` (stored as its TokenKey).
// `file_text` is the current file ("" for a new one). Refused: a token already in the file,
// a name another entry has (names identify callers in the access log), a malformed token,
// name or TIN, tins with admin or neither. `origin` names the file in errors.
Result<std::string> AddTokenEntry(std::string_view file_text, std::string_view token,
                                  const std::string& name, const std::vector<std::string>& tins,
                                  bool admin, const std::string& origin);

// The tokens file's text with every token kept in plain text (the former layout) replaced by
// its TokenKey; entries already stored as digests are kept as they are. `*converted` counts
// the replaced ones. The result is checked by TokenTable::Parse.
Result<std::string> HashPlainTokens(std::string_view file_text, const std::string& origin,
                                    int* converted);

class TokenTable {
 public:
  // Parses the tokens file's text; `origin` names it in errors.
  static Result<TokenTable> Parse(std::string_view json_text, const std::string& origin);

  // The caller the token belongs to, or nullptr. Constant time in the token's content.
  const Caller* Authenticate(std::string_view token) const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::array<unsigned char, 32> digest{};
    Caller caller;
  };
  std::vector<Entry> entries_;
};

}  // namespace vbp::api
