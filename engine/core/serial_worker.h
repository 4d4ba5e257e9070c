#pragma once
// SerialWorker: runs jobs one at a time, in submission order, on one background thread, so
// that the streaming engine can commit and publish batch N while it polls and applies batch
// N+1 (engine/stream/streaming_engine.h, "Pipelining").
//
// The first failing job's status is sticky: every later job is skipped (a batch must never
// be committed after an earlier batch failed to commit, or its stored offsets would cover
// records whose state was never written), and Wait() and Error() return it from then on.
// With `threaded` false every job runs inline in Submit (a sequential engine).

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "domain/status.h"

namespace vbp {

class SerialWorker {
 public:
  using Job = std::function<Status()>;

  explicit SerialWorker(bool threaded);
  ~SerialWorker();  // waits for the submitted jobs, then joins
  SerialWorker(const SerialWorker&) = delete;
  SerialWorker& operator=(const SerialWorker&) = delete;

  void Submit(Job job);
  // Blocks until every submitted job has run (or been skipped); the sticky status.
  Status Wait();
  // The sticky status without waiting.
  Status Error() const;
  bool threaded() const { return threaded_; }

 private:
  void Loop();

  const bool threaded_;
  mutable std::mutex mu_;
  std::condition_variable work_;
  std::condition_variable idle_;
  std::deque<Job> queue_;
  bool running_ = false;  // a job is executing
  bool stop_ = false;
  Status error_;
  std::thread thread_;
};

}  // namespace vbp
