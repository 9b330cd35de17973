// Deletes events older than the retention, at start and then every `every`, so that
// the outbox does not grow for ever. A consumer whose cursor falls before what is
// kept is told OUT_OF_RANGE (see TaskStore::ReadEvents), never given a gap.
//
// Events are also each task's history (ListTaskHistory), so the default retention
// is zero: keep everything. Replicas may prune at the same time; the store keeps the
// pruned position from moving back.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/time/time.h"
#include "services/task/storage/task_store.h"

namespace p06::task {

class EventPruner {
 public:
  // `retention` zero: never prune.
  EventPruner(TaskStore& store, absl::Duration retention, absl::Duration every = absl::Hours(1))
      : store_(store), retention_(retention), every_(every) {}
  ~EventPruner();  // Stops and joins the thread.

  void Start();

 private:
  void Run();

  TaskStore& store_;
  const absl::Duration retention_;
  const absl::Duration every_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // Guarded by mu_.
  std::thread thread_;
};

}  // namespace p06::task
