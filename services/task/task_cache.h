// This replica's cache of task records, so that GetTask needs no query per call.
//
// Consistency: every change to a task commits an event (the outbox). A thread of the
// cache follows the outbox, woken by NOTIFY (EventWaiter), and drops the record of
// every task an event names, so a change made through any replica reaches this one's
// cache within the notification latency (up to 10 ms, see db::Notifier; longer while
// an older transaction is still open, since the stream waits for it; within
// EventWaiter's idle wake-up if a notification was lost). This replica's own changes
// drop the record at once, so a caller reads its own writes. A record loaded while an
// invalidation happened is not kept: a slow load can never put an older state back.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "services/task/event_waiter.h"
#include "services/task/storage/task_store.h"

namespace p06::task {

class TaskCache {
 public:
  TaskCache(TaskStore& store, EventWaiter& events) : store_(store), events_(events) {}
  ~TaskCache();

  // Starts following the outbox from its current end. UNAVAILABLE without a database.
  absl::Status Start();

  // The record from the cache, or loaded from the store (and kept).
  absl::StatusOr<TaskRecord> Get(const std::string& plan_id, int number);
  // The record if the cache has it; never waits on the store.
  std::optional<TaskRecord> Find(const std::string& plan_id, int number);

  // Drops one task's record ("plans/p/tasks/n", or any resource below it).
  void Invalidate(const std::string& resource);
  // Drops everything (a plan import may touch every task).
  void Clear();

 private:
  void Follow();

  TaskStore& store_;
  EventWaiter& events_;
  std::mutex mu_;
  absl::flat_hash_map<std::string, TaskRecord> records_;  // By task name.
  uint64_t generation_ = 0;                               // Moves on every invalidation.
  EventPosition applied_;                                 // Of the last event applied.
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace p06::task
