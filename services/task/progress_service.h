// The task service's logic for what units report and what others follow: progress
// reports, target measurements, a task's history and the event stream. Plans and
// tasks themselves are TaskService's (task_service.h).
//
// Thread-safe. Codes as documented in proto/p06/task/v1/task.proto.
#pragma once

#include <functional>

#include "absl/status/statusor.h"
#include "common/base/clock.h"
#include "common/grpc/principal.h"
#include "services/task/event_waiter.h"
#include "services/task/storage/task_store.h"
#include "services/task/task_cache.h"

namespace p06::task {

class ProgressService {
 public:
  // `clock` dates reports (completion_date's default, "not in the future").
  ProgressService(TaskStore& store, TaskCache& cache, EventWaiter& events, const Clock& clock)
      : store_(store), cache_(cache), events_(events), clock_(clock) {}

  absl::StatusOr<pb::ProgressReport> ReportProgress(const pb::ReportProgressRequest& request, const Principal& caller);
  absl::StatusOr<pb::TargetMeasurement> RecordTargetMeasurement(const pb::RecordTargetMeasurementRequest& request,
                                                                const Principal& caller);
  absl::StatusOr<pb::ListTaskHistoryResponse> ListTaskHistory(const pb::ListTaskHistoryRequest& request);

  // Replays the events after request.after, then follows new ones as they commit,
  // handing each batch to `send` (false: the client is gone). Returns when `send`
  // fails or `cancelled()` says so (CANCELLED), after the replay for replay_only (OK),
  // or when the server drains (UNAVAILABLE: resume from the last cursor).
  absl::Status WatchEvents(const pb::WatchEventsRequest& request,
                           const std::function<bool(const pb::WatchEventsResponse&)>& send,
                           const std::function<bool()>& cancelled);

 private:
  TaskStore& store_;
  TaskCache& cache_;
  EventWaiter& events_;
  const Clock& clock_;
};

}  // namespace p06::task
