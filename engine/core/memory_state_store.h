#pragma once
// In-memory StateStore (the fake for tests and simulations) and a fault-injecting wrapper
// that fails or "crashes" at a chosen commit, to test exactly-once recovery.

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "engine/core/ports.h"

namespace vbp {

// Thread-safe (the streaming engine commits from its worker thread while it reads).
class MemoryStateStore : public StateStore {
 public:
  MemoryStateStore() = default;
  MemoryStateStore(const MemoryStateStore& o);
  MemoryStateStore& operator=(const MemoryStateStore&) = delete;
  Result<std::optional<std::string>> Get(Space space, std::string_view key) const override;
  Status Scan(Space space, std::string_view prefix,
              const std::function<bool(std::string_view, std::string_view)>& visit) const override;
  Status Commit(const Batch& batch, bool sync) override;
  Status Checkpoint(const std::string& dir) const override;
  uint64_t ApproximateBytes() const override;
  // A deep copy (what a crash would leave behind: every committed batch, nothing else).
  std::unique_ptr<MemoryStateStore> Clone() const;
  // Equality of the committed contents of the given spaces.
  bool SameContents(const MemoryStateStore& o, std::initializer_list<Space> spaces) const;
  size_t commits() const {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    return commits_;
  }

 private:
  // Recursive: a Scan visitor may read the store again.
  mutable std::recursive_mutex mu_;
  std::array<std::map<std::string, std::string, std::less<>>, kSpaceCount> spaces_;
  size_t commits_ = 0;
};

// Delegates to `inner` but fails Commit number `fail_at` (1-based) and every later one, as
// if the process died just before that commit reached the store.
class FaultyStateStore : public StateStore {
 public:
  FaultyStateStore(StateStore* inner, size_t fail_at) : inner_(inner), fail_at_(fail_at) {}
  Result<std::optional<std::string>> Get(Space space, std::string_view key) const override {
    return inner_->Get(space, key);
  }
  Status Scan(Space space, std::string_view prefix,
              const std::function<bool(std::string_view, std::string_view)>& visit) const override {
    return inner_->Scan(space, prefix, visit);
  }
  Status Commit(const Batch& batch, bool sync) override;
  Status Checkpoint(const std::string& dir) const override { return inner_->Checkpoint(dir); }
  uint64_t ApproximateBytes() const override { return inner_->ApproximateBytes(); }
  bool crashed() const { return crashed_; }

 private:
  StateStore* inner_;
  size_t fail_at_;
  size_t count_ = 0;
  bool crashed_ = false;
};

}  // namespace vbp
