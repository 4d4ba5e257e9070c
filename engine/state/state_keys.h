#pragma once
// The stored-state key layout: the only place that builds or splits a key of the state store
// (engine/README.md "Key layout"). The streaming engine writes with it; audit, recalculation,
// the provider API's snapshot and `vbp statements` read with it.
//
//   offsets:    topic \0 u32(partition)                    -> decimal next offset
//   claims:     u32(partition) claim_id                    -> EncodeClaim (effective version)
//   members:    u32(partition) member_id                   -> EncodeMember
//   results:    u32(partition) member_id                   -> contributions
//   parts:      u32(partition) u32(year) contract_id       -> EncodeAggregate
//   reference:  "p" npi \0 u32(effective days + 2^30) | "c" contract_id -> record
//   revisions:  contract_id \0 u32(year) u64(revision)     -> statement JSON as published
//   history:    engine/state/history_key.h
//   counters:   u32(partition) | "ref"                     -> EncodeCounters
//   notes:      u32(partition) member_id                   -> EncodeRecordNotes
//   meta:       "schema_version" | "unpublished" revision key | "reject" u64(seq)
//               | "history_step" | "history_compacted"
//               | "rule_set" id \0 rules_hash -> canonical rule set JSON
//
// Integers are big-endian, so byte order is numeric order and a partition's keys are one range.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/ids.h"
#include "domain/records.h"

namespace vbp::state_keys {

// Meta keys and key prefixes.
inline constexpr std::string_view kSchemaVersion = "schema_version";
inline constexpr std::string_view kHistoryStep = "history_step";
inline constexpr std::string_view kHistoryCompacted = "history_compacted";
inline constexpr std::string_view kUnpublished = "unpublished";  // + a revision key
inline constexpr std::string_view kReject = "reject";            // + u64(sequence)
inline constexpr std::string_view kRuleSet = "rule_set";         // + id \0 rules_hash
// The counters of reference data (providers, contracts), beside the partitions' counters.
inline constexpr std::string_view kReferenceCounters = "ref";

// u32(partition): the whole key of a partition's counters, the prefix of its claims, members,
// results, notes and parts.
std::string Partition(int32_t partition);
// Partition(partition) + id.
std::string InPartition(int32_t partition, std::string_view id);
// The id of a key built by InPartition (the key without its partition).
std::string_view IdInPartition(std::string_view key);
std::string Offset(std::string_view topic, int32_t partition);
// topic \0: every partition's offset of one topic.
std::string OffsetTopicPrefix(std::string_view topic);
struct OffsetParts {
  std::string_view topic;
  int32_t partition = 0;
};
std::optional<OffsetParts> ParseOffset(std::string_view key);
std::string Part(int32_t partition, int year, const ContractId& contract);
struct PartParts {
  int year = 0;
  ContractId contract;
};
std::optional<PartParts> ParsePart(std::string_view key);
std::string ProviderRecord(const Provider& p);
std::string ContractRecord(const ContractId& contract);
// contract_id \0 u32(year): every revision of one statement.
std::string RevisionPrefix(const ContractId& contract, int year);
std::string Revision(const ContractId& contract, int year, int64_t revision);
struct RevisionParts {
  ContractId contract;
  int year = 0;
  int64_t revision = 0;
};
// Parsed from the end, so that a contract_id may hold \0; nullopt when too short.
std::optional<RevisionParts> ParseRevision(std::string_view key);
std::string Unpublished(std::string_view revision_key);
// The revision key of an "unpublished" meta key.
std::string_view UnpublishedRevision(std::string_view meta_key);
std::string Reject(uint64_t sequence);
std::string RuleSet(std::string_view id, std::string_view rules_hash);
// The rule set id of a "rule_set" meta key.
std::string_view RuleSetId(std::string_view meta_key);

}  // namespace vbp::state_keys
