#include "engine/core/serial_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace vbp {
namespace {

TEST(SerialWorkerTest, RunsJobsInSubmissionOrderOffTheCallingThread) {
  for (bool threaded : {true, false}) {
    SCOPED_TRACE(threaded ? "threaded" : "inline");
    SerialWorker w(threaded);
    std::vector<int> order;  // written by the worker only, read after Wait
    std::vector<std::thread::id> ids;
    for (int i = 0; i < 100; ++i) {
      w.Submit([&order, &ids, i] {
        order.push_back(i);
        ids.push_back(std::this_thread::get_id());
        return Status::Ok();
      });
    }
    ASSERT_TRUE(w.Wait().ok());
    ASSERT_EQ(order.size(), 100u);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(order[static_cast<size_t>(i)], i);
    for (const auto& id : ids) {
      EXPECT_EQ(id == std::this_thread::get_id(), !threaded);
    }
  }
}

TEST(SerialWorkerTest, AFailedJobSkipsEveryLaterJobAndStaysTheStatus) {
  for (bool threaded : {true, false}) {
    SCOPED_TRACE(threaded ? "threaded" : "inline");
    SerialWorker w(threaded);
    std::atomic<int> ran{0};
    w.Submit([&] {
      ++ran;
      return Status::Ok();
    });
    w.Submit([&] {
      ++ran;
      return Status::Io("commit 2 failed");
    });
    w.Submit([&] {  // must never run: a later batch committed past a failed one loses data
      ++ran;
      return Status::Ok();
    });
    Status st = w.Wait();
    EXPECT_EQ(st.code(), StatusCode::kIoError);
    EXPECT_EQ(st.message(), "commit 2 failed");
    EXPECT_EQ(ran.load(), 2);
    EXPECT_EQ(w.Error().message(), "commit 2 failed");
    w.Submit([&] {
      ++ran;
      return Status::Ok();
    });
    EXPECT_EQ(w.Wait().message(), "commit 2 failed");
    EXPECT_EQ(ran.load(), 2);
  }
}

TEST(SerialWorkerTest, WaitBlocksUntilTheRunningJobEndsAndDestructionDrainsTheQueue) {
  std::atomic<bool> release{false};
  std::atomic<int> done{0};
  {
    SerialWorker w(true);
    w.Submit([&] {
      while (!release.load()) std::this_thread::yield();
      ++done;
      return Status::Ok();
    });
    w.Submit([&] {
      ++done;
      return Status::Ok();
    });
    EXPECT_TRUE(w.Error().ok());
    EXPECT_EQ(done.load(), 0);
    release = true;
    EXPECT_TRUE(w.Wait().ok());
    EXPECT_EQ(done.load(), 2);
    w.Submit([&] {
      ++done;
      return Status::Ok();
    });
  }  // the destructor runs what was submitted before it joins
  EXPECT_EQ(done.load(), 3);
}

}  // namespace
}  // namespace vbp
