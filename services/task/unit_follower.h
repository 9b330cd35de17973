// Keeps stored tasks under the units that carry their work today. A plan's names are
// read as the units stood on its decision and followed to today's units at import
// (PlanResolutionDays); a merge, a rename or a dissolution that takes effect later, or
// is recorded in the directory later, would leave the stored tasks under the units of
// their import. The follower reads every task's names again, as its import would today,
// and rewrites the tasks whose units changed, each with a TASK_CHANGED event, so that
// filters, permissions, reports and notices move with the work: the 2025 plan imported
// in March 2025 is tracked under the 34 provincial departments from 1 July 2025.
//
// A task is followed whole or not at all. It is kept as stored when a name it has a
// unit for is now unknown to the directory, or matches now only by the typo-tolerant
// tier and to other units: a lost alias or a directory in a bad state must not move
// or strip a task's units. Data the directory holds as true (a dissolution, a group
// with fewer members) is followed. A unit that ended with no successor leaves its cell
// as text, as an import does.
//
// Replicas may follow at the same time: each write is guarded by the task's etag and
// by the day it was followed to (a pass of an earlier day, begun before midnight or
// on a clock behind, writes nothing over a later one), and the second finds nothing
// left to change.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <prometheus/counter.h>

#include "absl/time/time.h"
#include "common/base/clock.h"
#include "services/task/storage/task_store.h"
#include "services/task/task_cache.h"
#include "services/task/unit_resolver.h"

namespace p06::task {

// `stored` (a task as read) with its units read again on `days`, as an import would
// read them (see ResolveTaskUnits); nullopt when it is to be kept as stored (above).
// UNAVAILABLE when the directory cannot be asked.
absl::StatusOr<std::optional<TaskDraft>> FollowedUnits(const pb::Task& stored, int plan_year, UnitResolver& resolver,
                                                       const ResolutionDays& days, const IncomingCall& call);

struct FollowPass {
  int tasks_read = 0;
  int tasks_followed = 0;  // Rewritten under other units.
  int tasks_kept = 0;      // Left as stored: a name the directory no longer knows.
  int tasks_failed = 0;    // Not written for a reason of their own (logged); the rest went on.
};

// The counters of the follower's outcomes (task_metrics.h).
struct FollowCounters {
  prometheus::Counter& followed;
  prometheus::Counter& kept;
};

class UnitFollower {
 public:
  // `every` zero: no thread; Follow() only when called.
  UnitFollower(TaskStore& store, TaskCache& cache, UnitResolver& resolver, const Clock& clock, absl::Duration every,
               FollowCounters counters);
  ~UnitFollower();  // Stop(), then joins the thread.

  // The first pass a minute after the start (the directory may still be starting),
  // then every `every`; a pass that fails is tried again a minute later.
  void Start();
  // Ends a pass under way after its current task, and starts no other.
  void Stop();

  // One pass over every task of every plan, as of the clock's day. UNAVAILABLE when
  // the directory or the database cannot be reached, or the follower is stopping
  // (tasks followed before stay so).
  absl::StatusOr<FollowPass> Follow();

 private:
  void Run();

  TaskStore& store_;
  TaskCache& cache_;
  UnitResolver& resolver_;
  const Clock& clock_;
  const absl::Duration every_;
  FollowCounters counters_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::atomic<bool> stop_{false};  // Set under mu_ (Run waits on it); Follow reads it between tasks.
  std::thread thread_;
};

}  // namespace p06::task
