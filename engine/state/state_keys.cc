#include "engine/state/state_keys.h"

#include "engine/state/binary_codec.h"

namespace vbp::state_keys {

std::string Partition(int32_t partition) {
  std::string k;
  binary::AppendU32(&k, static_cast<uint32_t>(partition));
  return k;
}

std::string InPartition(int32_t partition, std::string_view id) {
  std::string k = Partition(partition);
  k += id;
  return k;
}

std::string_view IdInPartition(std::string_view key) {
  return key.substr(std::min<size_t>(4, key.size()));
}

std::string OffsetTopicPrefix(std::string_view topic) {
  std::string k(topic);
  k.push_back('\0');
  return k;
}

std::optional<OffsetParts> ParseOffset(std::string_view key) {
  const size_t nul = key.find('\0');
  if (nul == std::string_view::npos || key.size() != nul + 5) return std::nullopt;
  return OffsetParts{key.substr(0, nul), static_cast<int32_t>(binary::ReadU32(key, nul + 1))};
}

std::string Offset(std::string_view topic, int32_t partition) {
  std::string k(topic);
  k.push_back('\0');
  binary::AppendU32(&k, static_cast<uint32_t>(partition));
  return k;
}

std::string Part(int32_t partition, int year, const ContractId& contract) {
  std::string k = Partition(partition);
  binary::AppendU32(&k, static_cast<uint32_t>(year));
  k += contract.str();
  return k;
}

std::optional<PartParts> ParsePart(std::string_view key) {
  if (key.size() < 8) return std::nullopt;
  return PartParts{static_cast<int>(binary::ReadU32(key, 4)),
                   ContractId(std::string(key.substr(8)))};
}

std::string ProviderRecord(const Provider& p) {
  std::string k = "p" + p.npi.str();
  k.push_back('\0');
  binary::AppendU32(&k, static_cast<uint32_t>(p.effective.days() + (1 << 30)));
  return k;
}

std::string ContractRecord(const ContractId& contract) { return "c" + contract.str(); }

std::string RevisionPrefix(const ContractId& contract, int year) {
  std::string k = contract.str();
  k.push_back('\0');
  binary::AppendU32(&k, static_cast<uint32_t>(year));
  return k;
}

std::string Revision(const ContractId& contract, int year, int64_t revision) {
  std::string k = RevisionPrefix(contract, year);
  binary::AppendU64(&k, static_cast<uint64_t>(revision));
  return k;
}

std::optional<RevisionParts> ParseRevision(std::string_view k) {
  if (k.size() < 13 || k[k.size() - 13] != '\0') return std::nullopt;
  RevisionParts p;
  p.contract = ContractId(std::string(k.substr(0, k.size() - 13)));
  p.year = static_cast<int>(binary::ReadU32(k, k.size() - 12));
  p.revision = static_cast<int64_t>(binary::ReadU64(k, k.size() - 8));
  return p;
}

std::string Unpublished(std::string_view revision_key) {
  std::string k(kUnpublished);
  k += revision_key;
  return k;
}

std::string_view UnpublishedRevision(std::string_view meta_key) {
  return meta_key.substr(std::min(meta_key.size(), kUnpublished.size()));
}

std::string Reject(uint64_t sequence) {
  std::string k(kReject);
  binary::AppendU64(&k, sequence);
  return k;
}

std::string RuleSet(std::string_view id, std::string_view rules_hash) {
  std::string k(kRuleSet);
  k += id;
  k.push_back('\0');
  k += rules_hash;
  return k;
}

std::string_view RuleSetId(std::string_view meta_key) {
  std::string_view rest = meta_key.substr(std::min(meta_key.size(), kRuleSet.size()));
  return rest.substr(0, rest.find('\0'));
}

}  // namespace vbp::state_keys
