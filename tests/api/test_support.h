#pragma once
// Shared by the API and reconcile tests: the hand-checked data directory and its snapshot.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "connectors/api/snapshot.h"
#include "engine/core/rule_registry.h"

namespace vbp::testing {

inline std::string ApiDataDir() { return std::string(VBP_SOURCE_DIR) + "/tests/api/data"; }

// The shipped rule sets, alive for the whole test program (snapshots point into them).
inline const RuleRegistry* TestRegistry() {
  static const RuleRegistry* registry = new RuleRegistry(RuleRegistry::Shipped());
  return registry;
}

inline std::unique_ptr<api::Snapshot> LoadTestData(int threads = 2) {
  api::SnapshotOptions o;
  o.threads = threads;
  auto s = api::LoadDataSnapshot(ApiDataDir(), TestRegistry(), o);
  if (!s.ok()) {
    ADD_FAILURE() << s.status().ToString();
    return nullptr;
  }
  return std::move(s).value();
}

}  // namespace vbp::testing
