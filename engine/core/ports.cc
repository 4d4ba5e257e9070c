#include "engine/core/ports.h"

#include <chrono>

namespace vbp {

const char* SpaceName(Space s) {
  switch (s) {
    case Space::kMeta:
      return "meta";
    case Space::kOffsets:
      return "offsets";
    case Space::kClaims:
      return "claims";
    case Space::kMemberClaims:
      return "member_claims";
    case Space::kMembers:
      return "members";
    case Space::kResults:
      return "results";
    case Space::kParts:
      return "parts";
    case Space::kReference:
      return "reference";
    case Space::kRevisions:
      return "revisions";
    case Space::kHistory:
      return "history";
    case Space::kNotes:
      return "notes";
    case Space::kCounters:
      return "counters";
  }
  return "?";
}

void StateStore::Batch::Put(Space space, std::string_view key, std::string_view value) {
  index_.push_back({space, false, buffer_.size(), key.size(), value.size()});
  buffer_.append(key);
  buffer_.append(value);
}

void StateStore::Batch::Append(const Batch& other) {
  const size_t base = buffer_.size();
  buffer_.append(other.buffer_);
  index_.reserve(index_.size() + other.index_.size());
  for (Entry e : other.index_) {
    e.key_at += base;
    index_.push_back(e);
  }
}

Status StateStore::CommitParts(const std::vector<const Batch*>& parts, bool sync) {
  if (parts.size() == 1) return Commit(*parts.front(), sync);
  Batch all;
  for (const Batch* b : parts) all.Append(*b);
  return Commit(all, sync);
}

void StateStore::Batch::Delete(Space space, std::string_view key) {
  index_.push_back({space, true, buffer_.size(), key.size(), 0});
  buffer_.append(key);
}

namespace {
class SystemClock : public Clock {
 public:
  int64_t NowMicros() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};
}  // namespace

std::unique_ptr<Clock> NewSystemClock() { return std::make_unique<SystemClock>(); }

TopicNames::TopicNames(std::string_view prefix)
    : claims(std::string(prefix) + "claims"),
      members(std::string(prefix) + "members"),
      providers(std::string(prefix) + "providers"),
      contracts(std::string(prefix) + "contracts"),
      statements(std::string(prefix) + "statements"),
      rejects(std::string(prefix) + "rejects"),
      parts(std::string(prefix) + "parts") {}

const std::string& TopicNames::Of(RecordKind kind) const {
  switch (kind) {
    case RecordKind::kClaim:
      return claims;
    case RecordKind::kMember:
      return members;
    case RecordKind::kProvider:
      return providers;
    case RecordKind::kContract:
      break;
  }
  return contracts;
}

}  // namespace vbp
