#include "common/base/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>

namespace p06 {
namespace {

TEST(WorkerPoolTest, OneWorkerRunsJobsInTheOrderGiven) {
  std::vector<int> order;
  {
    WorkerPool pool(1, 1000);
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(pool.Run([&order, i] { order.push_back(i); }));
  }  // The destructor runs what is still queued.
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

TEST(WorkerPoolTest, EveryThreadRunsAJobAtOnceAndNoneOnTheCaller) {
  std::mutex mu;
  std::condition_variable cv;
  int waiting = 0;
  bool released = false;
  std::atomic<int> ran{0};
  {
    WorkerPool pool(4, 1000);
    const std::thread::id caller = std::this_thread::get_id();
    for (int i = 0; i < 4; ++i) {
      ASSERT_TRUE(pool.Run([&, caller] {
        EXPECT_NE(std::this_thread::get_id(), caller);
        std::unique_lock lock(mu);
        ++waiting;
        cv.notify_all();
        cv.wait(lock, [&] { return released; });
        ++ran;
      }));
    }
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(pool.Run([&ran] { ++ran; }));
    {
      std::unique_lock lock(mu);
      // Four jobs waiting together: four threads, not one after the other.
      ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return waiting == 4; }));
      EXPECT_EQ(ran.load(), 0);  // The other ten wait behind them.
      released = true;
    }
    cv.notify_all();
  }
  EXPECT_EQ(ran.load(), 14);
}

TEST(WorkerPoolTest, AFullQueueRefusesAndTakesJobsAgainOnceItMoves) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  std::atomic<int> ran{0};
  {
    WorkerPool pool(1, 2);
    ASSERT_TRUE(pool.Run([&] {
      started.set_value();
      released.wait();
    }));
    started.get_future().wait();  // The worker holds the first job; the queue is empty.
    EXPECT_TRUE(pool.Run([&ran] { ++ran; }));
    EXPECT_TRUE(pool.Run([&ran] { ++ran; }));
    EXPECT_FALSE(pool.Run([&ran] { ran += 100; }));  // Two waiting: full.
    release.set_value();
  }
  EXPECT_EQ(ran.load(), 2);
}

TEST(WorkerPoolTest, NoThreadsAskedForStillGivesOne) {
  std::atomic<bool> ran{false};
  {
    WorkerPool pool(0, 1);
    ASSERT_TRUE(pool.Run([&ran] { ran = true; }));
  }
  EXPECT_TRUE(ran.load());
}

}  // namespace
}  // namespace p06
