#include "engine/state/history_key.h"

#include "engine/state/binary_codec.h"

namespace vbp {
namespace {

constexpr size_t kStepBytes = 8;
constexpr size_t kPositionBytes = 4 + 8;       // u32(partition) u64(offset)
constexpr size_t kVersionSuffixBytes = 1 + 8;  // \0 u64(version)

bool KnownKind(char c) { return c == 'c' || c == 'm' || c == 'p' || c == 'k' || c == 'x'; }

}  // namespace

std::string_view HistoryKeyParts::Group() const {
  return kind == 'c' ? key.substr(0, key.size() - kVersionSuffixBytes) : key;
}

int64_t HistoryKeyParts::ClaimVersion() const {
  return static_cast<int64_t>(binary::ReadU64(key, key.size() - sizeof(uint64_t)));
}

std::string HistoryClaimKey(std::string_view claim_id, int64_t version) {
  std::string k(claim_id);
  k.push_back('\0');
  binary::AppendU64(&k, static_cast<uint64_t>(version));
  return k;
}

std::string HistoryKey(uint64_t step, char kind, std::string_view key, const InputMessage& m) {
  std::string k;
  k.reserve(kStepBytes + m.topic.size() + 1 + kPositionBytes + 1 + key.size());
  binary::AppendU64(&k, step);
  k.append(m.topic);
  k.push_back('\0');
  binary::AppendU32(&k, static_cast<uint32_t>(m.partition));
  binary::AppendU64(&k, static_cast<uint64_t>(m.offset));
  k.push_back(kind);
  k.append(key);
  return k;
}

Result<HistoryKeyParts> ParseHistoryKey(std::string_view k) {
  auto bad = [&](const char* why) {
    return Status::DataLoss("history key of " + std::to_string(k.size()) + " bytes: " + why);
  };
  if (k.size() < kStepBytes + 1 + kPositionBytes + 1) return bad("too short");
  HistoryKeyParts p;
  p.step = binary::ReadU64(k, 0);
  const size_t end = k.find('\0', kStepBytes);
  if (end == std::string_view::npos || end == kStepBytes) return bad("no topic");
  p.topic = k.substr(kStepBytes, end - kStepBytes);
  size_t at = end + 1;
  if (k.size() < at + kPositionBytes + 1) return bad("no position after the topic");
  p.partition = static_cast<int32_t>(binary::ReadU32(k, at));
  p.offset = static_cast<int64_t>(binary::ReadU64(k, at + 4));
  at += kPositionBytes;
  p.kind = k[at];
  if (!KnownKind(p.kind)) return bad("unknown record kind");
  p.key = k.substr(at + 1);
  if (p.kind == 'c' &&
      (p.key.size() <= kVersionSuffixBytes || p.key[p.key.size() - kVersionSuffixBytes] != '\0')) {
    return bad("a claim key without its version");
  }
  if (p.partition < 0 || p.offset < 0) return bad("a negative position");
  return p;
}

}  // namespace vbp
