#pragma once
// In-memory fakes of the log ports: a partitioned log, a source reading it (fixed
// assignment), and a sink collecting what is published. Deterministic: Poll round-robins the
// assigned partitions in (topic, partition) order.

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "engine/core/ports.h"

namespace vbp {

// Thread-safe: a MemorySink may append (from the engine's worker thread) while a
// MemorySource reads. Entries never move once appended (deques), so the views a source hands
// out stay valid.
class MemoryLog {
 public:
  struct Entry {
    std::string key;
    std::string value;
  };
  // Appends to a partition; returns the offset.
  int64_t Append(const std::string& topic, int32_t partition, std::string key, std::string value);
  void EnsurePartitions(const std::string& topic, int32_t count);
  int32_t Partitions(const std::string& topic) const;
  // Every entry of a partition (a copy, for tests).
  std::vector<Entry> Read(const std::string& topic, int32_t partition) const;
  int64_t Size(const std::string& topic, int32_t partition) const;
  // The entry at `offset` (< Size); the pointer stays valid for the log's lifetime.
  const Entry* At(const std::string& topic, int32_t partition, int64_t offset) const;
  // Drops everything before `offset` (retention), as the mock broker does.
  void Truncate(const std::string& topic, int32_t partition, int64_t offset);
  int64_t LowWatermark(const std::string& topic, int32_t partition) const;

 private:
  void EnsurePartitionsLocked(const std::string& topic, int32_t count);

  mutable std::mutex mu_;
  std::map<std::string, std::deque<std::deque<Entry>>> topics_;
  std::map<std::pair<std::string, int32_t>, int64_t> low_;
};

class MemorySource : public RecordSource {
 public:
  // Reads `topics` (all their partitions, or only `partitions` when given).
  MemorySource(const MemoryLog* log, std::vector<std::string> topics,
               std::vector<int32_t> partitions = {});
  Status Start(Listener* listener) override;
  Status Poll(size_t max, int timeout_ms, std::vector<InputMessage>* out) override;
  bool CaughtUp() const override;
  std::vector<PartitionLag> Lag() override;
  Result<int32_t> PartitionCount(const std::string& topic) override {
    return log_->Partitions(topic);
  }
  Status Close() override { return Status::Ok(); }
  // At most this many messages per Poll (to vary batch boundaries in tests).
  void set_max_per_poll(size_t n) { max_per_poll_ = n; }

 private:
  const MemoryLog* log_;
  std::vector<std::string> topics_;
  std::vector<int32_t> only_;
  std::map<LogPartition, int64_t> positions_;
  size_t max_per_poll_ = SIZE_MAX;
  size_t cursor_ = 0;
};

class MemorySink : public RecordSink {
 public:
  MemorySink() = default;
  // Also appends every record to `topic` of `log` (partition by key hash), so that another
  // MemorySource can read what this sink published.
  MemorySink(MemoryLog* log, std::string topic, int32_t partitions)
      : log_(log), topic_(std::move(topic)), partitions_(partitions) {}
  Status Publish(const PublishedRecord& record) override {
    records.push_back(record);
    if (log_) {
      uint32_t h = 2166136261u;
      for (char c : record.key) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
      log_->Append(topic_, static_cast<int32_t>(h % static_cast<uint32_t>(partitions_)), record.key,
                   record.value);
    }
    return Status::Ok();
  }
  Status Flush(int) override { return Status::Ok(); }
  std::vector<PublishedRecord> records;

 private:
  MemoryLog* log_ = nullptr;
  std::string topic_;
  int32_t partitions_ = 1;
};

// A clock that advances by `step_us` every time it is read (no real time in tests).
class SteppingClock : public Clock {
 public:
  explicit SteppingClock(int64_t step_us = 1000) : step_us_(step_us) {}
  int64_t NowMicros() const override { return now_ += step_us_; }

 private:
  int64_t step_us_;
  mutable int64_t now_ = 0;
};

}  // namespace vbp
