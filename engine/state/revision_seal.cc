#include "engine/state/revision_seal.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>

#include "domain/hex.h"
#include "rules/core/parameters.h"

namespace vbp {

namespace {

constexpr std::string_view kSha256 = "sha256:";
constexpr std::string_view kHmac = "hmac-sha256:";
constexpr size_t kMinKeyBytes = 32;
constexpr size_t kIdHex = 16;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string HmacHex(std::string_view key, std::string_view content) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), md, &len);
  return HexLower(md, len);
}

// Constant-time comparison of two seals of equal length.
bool SameSeal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

Result<ChainKeys> ChainKeys::Parse(std::string_view text, std::string_view source) {
  ChainKeys out;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = Trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    const std::string where = std::string(source) + " line " + std::to_string(line_no);
    if (line.size() % 2 != 0)
      return Status::Invalid(where + ": a key is an even number of hex digits");
    Key k;
    for (size_t i = 0; i < line.size(); i += 2) {
      const int hi = HexDigitValue(line[i]), lo = HexDigitValue(line[i + 1]);
      if (hi < 0 || lo < 0) return Status::Invalid(where + ": a key is hex digits only");
      k.bytes += static_cast<char>(hi * 16 + lo);
    }
    if (k.bytes.size() < kMinKeyBytes) {
      return Status::Invalid(where +
                             ": a key has at least 32 bytes (64 hex digits); make one "
                             "with `openssl rand -hex 32`");
    }
    k.id = rules::Sha256Hex(k.bytes).substr(0, kIdHex);
    if (out.Find(k.id)) return Status::Invalid(where + ": key " + k.id + " is listed twice");
    out.keys_.push_back(std::move(k));
  }
  if (out.keys_.empty()) {
    return Status::Invalid(std::string(source) +
                           ": no key (one hex key per line, at least 32 "
                           "bytes; `openssl rand -hex 32` makes one)");
  }
  return out;
}

const ChainKeys::Key* ChainKeys::Find(std::string_view id) const {
  for (const Key& k : keys_) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

std::string ChainKeys::Seal(std::string_view content) const {
  if (keys_.empty()) return std::string(kSha256) + rules::Sha256Hex(content);
  const Key& k = keys_.front();
  return std::string(kHmac) + k.id + ":" + HmacHex(k.bytes, content);
}

std::string ChainKeys::SealLike(std::string_view content, std::string_view like) const {
  if (like.substr(0, kSha256.size()) == kSha256)
    return std::string(kSha256) + rules::Sha256Hex(content);
  const Key* k = Find(KeyIdOf(like));
  if (!k) return Seal(content);
  return std::string(kHmac) + k->id + ":" + HmacHex(k->bytes, content);
}

std::string ChainKeys::Explain(Verdict verdict, std::string_view seal) const {
  switch (verdict) {
    case Verdict::kOk:
      return "";
    case Verdict::kMalformed:
      return "its hash is neither a sha256 nor an hmac-sha256 seal";
    case Verdict::kUnknownKey:
      if (keys_.empty()) {
        return "it is sealed with chain key " + KeyIdOf(seal) +
               ", which is not configured: pass --chain-key FILE (or set VBP_CHAIN_KEY_FILE) "
               "with that key to check it";
      }
      return "it is sealed with chain key " + KeyIdOf(seal) +
             ", which is none of the configured keys: a key removed from the key file too "
             "early, or a forgery";
    case Verdict::kMismatch:
      break;
  }
  return IsKeyed(seal)
             ? "its hash is not the HMAC-SHA256 of its content under chain key " + KeyIdOf(seal)
             : "its hash is not the sha256 of its content";
}

ChainKeys::Verdict ChainKeys::Check(std::string_view content, std::string_view seal) const {
  if (seal.substr(0, kSha256.size()) == kSha256) {
    return SameSeal(seal, std::string(kSha256) + rules::Sha256Hex(content)) ? Verdict::kOk
                                                                            : Verdict::kMismatch;
  }
  if (!IsKeyed(seal)) return Verdict::kMalformed;
  const Key* k = Find(KeyIdOf(seal));
  if (!k) return Verdict::kUnknownKey;
  return SameSeal(seal, std::string(kHmac) + k->id + ":" + HmacHex(k->bytes, content))
             ? Verdict::kOk
             : Verdict::kMismatch;
}

bool ChainKeys::IsKeyed(std::string_view seal) {
  return seal.size() > kHmac.size() + kIdHex + 1 && seal.substr(0, kHmac.size()) == kHmac &&
         seal[kHmac.size() + kIdHex] == ':';
}

std::string ChainKeys::KeyIdOf(std::string_view seal) {
  return IsKeyed(seal) ? std::string(seal.substr(kHmac.size(), kIdHex)) : std::string();
}

}  // namespace vbp
