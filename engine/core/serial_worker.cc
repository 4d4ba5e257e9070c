#include "engine/core/serial_worker.h"

namespace vbp {

SerialWorker::SerialWorker(bool threaded) : threaded_(threaded) {
  if (threaded_) thread_ = std::thread([this] { Loop(); });
}

SerialWorker::~SerialWorker() {
  if (!threaded_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_.notify_one();
  thread_.join();
}

void SerialWorker::Submit(Job job) {
  if (!threaded_) {
    if (error_.ok()) error_ = job();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(job));
  }
  work_.notify_one();
}

Status SerialWorker::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [this] { return queue_.empty() && !running_; });
  return error_;
}

Status SerialWorker::Error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

void SerialWorker::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    // Stop only once the queue is drained: a submitted commit is never dropped.
    if (queue_.empty()) return;
    Job job = std::move(queue_.front());
    queue_.pop_front();
    running_ = true;
    const bool skip = !error_.ok();
    lock.unlock();
    Status st = skip ? Status::Ok() : job();
    job = nullptr;  // release what the job captured outside the lock
    lock.lock();
    if (error_.ok() && !st.ok()) error_ = std::move(st);
    running_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
}

}  // namespace vbp
