#include "common/base/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace p06 {
namespace {

TEST(WorkerPoolTest, OneWorkerRunsJobsInTheOrderGiven) {
  std::vector<int> order;
  {
    WorkerPool pool(1);
    for (int i = 0; i < 100; ++i) pool.Run([&order, i] { order.push_back(i); });
  }  // The destructor runs what is still queued.
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

TEST(WorkerPoolTest, JobsRunOnTheirOwnThreadsAndAllRunBeforeTheDestructorReturns) {
  std::atomic<int> ran{0};
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  {
    WorkerPool pool(4);
    // Four jobs that wait: the caller is never one of the threads that wait.
    for (int i = 0; i < 4; ++i) {
      pool.Run([&ran, released] {
        released.wait();
        ++ran;
      });
    }
    for (int i = 0; i < 50; ++i) pool.Run([&ran] { ++ran; });
    EXPECT_LE(ran.load(), 50);
    release.set_value();
  }
  EXPECT_EQ(ran.load(), 54);
}

TEST(WorkerPoolTest, NoThreadsAskedForStillGivesOne) {
  std::atomic<bool> ran{false};
  {
    WorkerPool pool(0);
    pool.Run([&ran] { ran = true; });
  }
  EXPECT_TRUE(ran.load());
}

}  // namespace
}  // namespace p06
