#pragma once
// Bearer tokens of the provider API (`vbp serve --tokens FILE`).
//
// The file is a JSON object mapping each token to whom it belongs:
//   {"3f9c...e1": {"name": "Acme ACO revenue team", "tins": ["111111111", "222222222"]},
//    "a07b...42": {"name": "payer operations", "admin": true}}
// A token is 32..512 characters of [A-Za-z0-9-._~+/=] (generate one with
// `openssl rand -hex 32`); a provider entry has a non-empty `tins` list of 9-digit TINs, an
// admin entry `"admin": true` and no `tins`. Anything else (unknown keys, a token twice, a
// short token) makes the whole file invalid: a half-read token file is never served.
//
// Only SHA-256 digests of the tokens are kept. Authenticate compares the presented token's
// digest with EVERY entry's digest with CRYPTO_memcmp and never stops early, so its time does
// not depend on which entry (if any) matches or on how many leading bytes agree.

#include <array>
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

class TokenTable {
 public:
  static constexpr size_t kTokenCharsMin = 32;
  static constexpr size_t kTokenCharsMax = 512;

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
