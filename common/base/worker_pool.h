// A few threads for the work that must wait (on the database, say) when it comes from
// a thread that must not: a gRPC callback handler runs on one of gRPC's own few
// threads, and while it waits every other callback call waits with it.
//
//   if (!loaders_.Run([=] { reactor->Finish(Serve(service.GetTask(*request), response)); })) {
//     reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "…"));
//   }
//
// Jobs run in the order given and must not throw. At most `max_queued` wait at once:
// past that, Run refuses, so that an overload is answered at once instead of queueing
// work nobody will wait for. The destructor runs the jobs still queued, then joins.
// Thread-safe.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace p06 {

class WorkerPool {
 public:
  WorkerPool(int threads, size_t max_queued) : max_queued_(max_queued) {
    for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { Work(); });
  }
  ~WorkerPool() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False, and `job` not run, when max_queued jobs are already waiting.
  [[nodiscard]] bool Run(std::function<void()> job) {
    {
      std::lock_guard lock(mu_);
      if (jobs_.size() >= max_queued_) return false;
      jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
  }

 private:
  void Work() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mu_);
        wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // Stopping, and nothing left to run.
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;  // Guarded by mu_.
  bool stopping_ = false;                   // Guarded by mu_.
  std::vector<std::thread> threads_;
};

}  // namespace p06
