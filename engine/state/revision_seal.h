#pragma once
// The seal on a stored statement revision (issue 16 item 2). A revision's `hash` is
//   "hmac-sha256:<key id>:<64 hex>"  HMAC-SHA256 under the operator's chain key, or
//   "sha256:<64 hex>"                 the plain sha256 (no key configured: demos, tests),
// of the revision's JSON text without `hash`. Its `revision_info.previous_hash` is the seal of
// the revision stored before it, so a seal covers the whole chain behind it. Without the key,
// an editor of the state can change a keyed revision only by breaking its seal.
//
// Keys: a file outside the state directory with one key per line (hex, at least 32 bytes;
// `#` comments), e.g. `openssl rand -hex 32`. The first key seals new revisions; every key in
// the file verifies. Rotation: put the new key first and keep the old ones below it for as
// long as revisions sealed with them are kept. A key's id is the first 16 hex digits of the
// sha256 of its bytes (safe to show; it names the key, it does not reveal it).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.h"

namespace vbp {

class ChainKeys {
 public:
  ChainKeys() = default;  // no key: new revisions are sealed with the plain sha256

  // `text` in the key-file format; `source` names it in errors. Reading the file (and refusing
  // one inside the state directory) is the command line's job: cli/chain_key.h.
  static Result<ChainKeys> Parse(std::string_view text, std::string_view source);

  bool keyed() const { return !keys_.empty(); }
  // The id of the key that seals new revisions ("" without a key).
  std::string signing_key_id() const { return keys_.empty() ? "" : keys_.front().id; }

  std::string Seal(std::string_view content) const;
  // The seal `content` would have under the key that made `like` (sha256 for a sha256 seal;
  // the signing key when `like` names no configured key): recalculation rebuilds a stored
  // revision exactly, also after a key rotation.
  std::string SealLike(std::string_view content, std::string_view like) const;

  enum class Verdict { kOk, kMismatch, kUnknownKey, kMalformed };
  // Whether `seal` is a valid seal of `content`: a sha256 seal always can be checked; an HMAC
  // seal needs its key (kUnknownKey without it).
  Verdict Check(std::string_view content, std::string_view seal) const;
  // Why `seal` fails: Check's verdict on it in words, naming the key; "" for kOk. (Takes the
  // verdict so that a reader hashes each revision once.)
  std::string Explain(Verdict verdict, std::string_view seal) const;

  // True for an HMAC seal.
  static bool IsKeyed(std::string_view seal);
  // The key id of an HMAC seal ("" otherwise).
  static std::string KeyIdOf(std::string_view seal);

 private:
  struct Key {
    std::string id;
    std::string bytes;
  };
  const Key* Find(std::string_view id) const;
  std::vector<Key> keys_;
};

}  // namespace vbp
