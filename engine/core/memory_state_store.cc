#include "engine/core/memory_state_store.h"

namespace vbp {

MemoryStateStore::MemoryStateStore(const MemoryStateStore& o) : StateStore() {
  std::lock_guard<std::recursive_mutex> lock(o.mu_);
  spaces_ = o.spaces_;
  commits_ = o.commits_;
}

Result<std::optional<std::string>> MemoryStateStore::Get(Space space, std::string_view key) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  const auto& m = spaces_[static_cast<size_t>(space)];
  auto f = m.find(key);
  if (f == m.end()) return std::optional<std::string>();
  return std::optional<std::string>(f->second);
}

Status MemoryStateStore::Scan(
    Space space, std::string_view prefix,
    const std::function<bool(std::string_view, std::string_view)>& visit) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  const auto& m = spaces_[static_cast<size_t>(space)];
  for (auto it = m.lower_bound(prefix); it != m.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    if (!visit(it->first, it->second)) break;
  }
  return Status::Ok();
}

Status MemoryStateStore::Commit(const Batch& batch, bool) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (const auto& op : batch.ops()) {
    auto& m = spaces_[static_cast<size_t>(op.space)];
    if (op.is_delete) {
      auto f = m.find(op.key);
      if (f != m.end()) m.erase(f);
    } else {
      m.insert_or_assign(std::string(op.key), std::string(op.value));
    }
  }
  ++commits_;
  return Status::Ok();
}

Status MemoryStateStore::Checkpoint(const std::string& dir) const {
  return Status::Invalid("the in-memory store cannot checkpoint to " + dir + "; use Clone()");
}

uint64_t MemoryStateStore::ApproximateBytes() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  uint64_t n = 0;
  for (const auto& m : spaces_) {
    for (const auto& [k, v] : m) n += k.size() + v.size();
  }
  return n;
}

std::unique_ptr<MemoryStateStore> MemoryStateStore::Clone() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto c = std::make_unique<MemoryStateStore>();
  c->spaces_ = spaces_;
  c->commits_ = commits_;
  return c;
}

bool MemoryStateStore::SameContents(const MemoryStateStore& o,
                                    std::initializer_list<Space> spaces) const {
  if (&o == this) return true;
  std::scoped_lock lock(mu_, o.mu_);
  for (Space s : spaces) {
    if (spaces_[static_cast<size_t>(s)] != o.spaces_[static_cast<size_t>(s)]) return false;
  }
  return true;
}

Status FaultyStateStore::Commit(const Batch& batch, bool sync) {
  ++count_;
  if (crashed_ || count_ >= fail_at_) {
    crashed_ = true;
    return Status::Io("injected crash before commit " + std::to_string(count_));
  }
  return inner_->Commit(batch, sync);
}

}  // namespace vbp
