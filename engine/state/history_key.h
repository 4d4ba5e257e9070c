// Keys of the history family (every input message, with its position, for audit and
// recalculation; engine/audit/audit.h reads it, the streaming engine writes it).
//
//   u64(step) topic \0 u32(partition) u64(offset) kind key
//
// `step` is the engine's history step: a counter of the steps that wrote history, kept in
// the meta family ("history_step") and committed with each of them, so it only grows within a
// state directory, across restarts too. Keys therefore sort in arrival order: every flushed
// file of the family lies beyond all earlier data, and RocksDB moves it to the bottom level
// as it is instead of merging and recompressing the whole history again (the family is
// append-only, unlike the state families). Within a step, keys sort by position.
//
// kind: 'c' claim (key = claim_id \0 u64(version)), 'm' member (member_id), 'p' provider (npi),
// 'k' contract (contract_id), 'x' a rejected message (empty key).
//
// The step depends on where batches ended, so two runs over the same input store the same
// messages at the same positions under different steps; a message is identified by its
// position, and a state whose offsets were reset by hand holds a re-read message twice
// (audit::HistoryIndex keeps the first and lists the copies).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/core/ports.h"

namespace vbp {

struct HistoryKeyParts {
  uint64_t step = 0;
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  char kind = 0;
  std::string_view key;  // as written: for claims claim_id \0 u64(version)
  // The record's identity within its kind: the key, without a claim's version suffix.
  std::string_view Group() const;
  // A claim's version (kind 'c' only).
  int64_t ClaimVersion() const;
};

std::string HistoryKey(uint64_t step, char kind, std::string_view key, const InputMessage& m);
// The key part of a claim's history key: claim_id \0 u64(version).
std::string HistoryClaimKey(std::string_view claim_id, int64_t version);

// Splits a key written by HistoryKey; the views point into `k`. kDataLoss when `k` cannot be
// one (too short, no topic terminator, an unknown kind, a claim key without its version).
Result<HistoryKeyParts> ParseHistoryKey(std::string_view k);

}  // namespace vbp
