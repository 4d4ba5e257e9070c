#include "engine/core/memory_ports.h"

#include <algorithm>

namespace vbp {

int64_t MemoryLog::Append(const std::string& topic, int32_t partition, std::string key,
                          std::string value) {
  std::lock_guard<std::mutex> lock(mu_);
  EnsurePartitionsLocked(topic, partition + 1);
  auto& p = topics_[topic][static_cast<size_t>(partition)];
  p.push_back({std::move(key), std::move(value)});
  return static_cast<int64_t>(p.size()) - 1;
}

void MemoryLog::EnsurePartitions(const std::string& topic, int32_t count) {
  std::lock_guard<std::mutex> lock(mu_);
  EnsurePartitionsLocked(topic, count);
}

void MemoryLog::EnsurePartitionsLocked(const std::string& topic, int32_t count) {
  auto& t = topics_[topic];
  if (static_cast<int32_t>(t.size()) < count) t.resize(static_cast<size_t>(count));
}

int32_t MemoryLog::Partitions(const std::string& topic) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto f = topics_.find(topic);
  return f == topics_.end() ? 0 : static_cast<int32_t>(f->second.size());
}

std::vector<MemoryLog::Entry> MemoryLog::Read(const std::string& topic, int32_t partition) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto& p = topics_.at(topic).at(static_cast<size_t>(partition));
  return {p.begin(), p.end()};
}

int64_t MemoryLog::Size(const std::string& topic, int32_t partition) const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(topics_.at(topic).at(static_cast<size_t>(partition)).size());
}

const MemoryLog::Entry* MemoryLog::At(const std::string& topic, int32_t partition,
                                      int64_t offset) const {
  std::lock_guard<std::mutex> lock(mu_);
  return &topics_.at(topic).at(static_cast<size_t>(partition)).at(static_cast<size_t>(offset));
}

void MemoryLog::Truncate(const std::string& topic, int32_t partition, int64_t offset) {
  std::lock_guard<std::mutex> lock(mu_);
  low_[{topic, partition}] = offset;
}

int64_t MemoryLog::LowWatermark(const std::string& topic, int32_t partition) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto f = low_.find({topic, partition});
  return f == low_.end() ? 0 : f->second;
}

MemorySource::MemorySource(const MemoryLog* log, std::vector<std::string> topics,
                           std::vector<int32_t> partitions)
    : log_(log), topics_(std::move(topics)), only_(std::move(partitions)) {}

Status MemorySource::Start(Listener* listener) {
  std::vector<std::pair<LogPartition, int64_t>> starts;
  for (const auto& t : topics_) {
    for (int32_t p = 0; p < log_->Partitions(t); ++p) {
      if (!only_.empty() && std::find(only_.begin(), only_.end(), p) == only_.end()) continue;
      starts.push_back({{t, p}, -2});
    }
  }
  VBP_RETURN_IF_ERROR(listener->OnAssigned(starts));
  for (const auto& [lp, start] : starts) {
    int64_t low = log_->LowWatermark(lp.topic, lp.partition);
    int64_t pos = start < 0 ? low : start;
    if (pos < low) {
      return Status::DataLoss(lp.ToString() + ": stored offset " + std::to_string(pos) +
                              " is below the log's first offset " + std::to_string(low) +
                              "; records were deleted before they were applied");
    }
    positions_[lp] = pos;
  }
  return Status::Ok();
}

Status MemorySource::Poll(size_t max, int, std::vector<InputMessage>* out) {
  out->clear();
  max = std::min(max, max_per_poll_);
  // Pointers into the map's nodes: the views handed out must outlive this call.
  std::vector<std::pair<const LogPartition*, int64_t*>> parts;
  for (auto& [lp, pos] : positions_) parts.push_back({&lp, &pos});
  if (parts.empty()) return Status::Ok();
  // Round-robin one message at a time from the cursor, so partitions interleave.
  size_t idle = 0;
  while (out->size() < max && idle < parts.size()) {
    const LogPartition& lp = *parts[cursor_ % parts.size()].first;
    int64_t& pos = *parts[cursor_ % parts.size()].second;
    ++cursor_;
    if (pos >= log_->Size(lp.topic, lp.partition)) {
      ++idle;
      continue;
    }
    idle = 0;
    const MemoryLog::Entry* e = log_->At(lp.topic, lp.partition, pos);
    out->push_back({lp.topic, lp.partition, pos, e->key, e->value});
    ++pos;
  }
  return Status::Ok();
}

bool MemorySource::CaughtUp() const {
  for (const auto& [lp, pos] : positions_) {
    if (pos < log_->Size(lp.topic, lp.partition)) return false;
  }
  return true;
}

std::vector<RecordSource::PartitionLag> MemorySource::Lag() {
  std::vector<PartitionLag> out;
  for (const auto& [lp, pos] : positions_) {
    out.push_back({lp, pos, log_->Size(lp.topic, lp.partition)});
  }
  return out;
}

}  // namespace vbp
