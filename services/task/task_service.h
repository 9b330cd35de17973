// The task service's logic for plans and tasks, apart from the gRPC wiring: request
// validation, the import pipeline (parse → resolve units → store), reads with
// pagination. Progress and the event stream are ProgressService's (progress_service.h).
//
// Thread-safe. Codes as documented in proto/p06/task/v1/task.proto.
#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "common/base/clock.h"
#include "common/grpc/principal.h"
#include "services/task/storage/task_store.h"
#include "services/task/task_cache.h"
#include "services/task/unit_resolver.h"

namespace p06::task {

// "plans/{plan_id}/tasks/{number}" → (plan_id, number); INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::pair<std::string, int>> ParseTaskName(const std::string& name, absl::string_view field);

class TaskService {
 public:
  TaskService(TaskStore& store, TaskCache& cache, UnitResolver& units, const Clock& clock)
      : store_(store), cache_(cache), units_(units), clock_(clock) {}

  // `call` (request id, deadline) carries over to the directory's ResolveUnitNames.
  absl::StatusOr<pb::ImportPlanResponse> ImportPlan(const pb::ImportPlanRequest& request, const Principal& caller,
                                                    const IncomingCall& call);
  absl::StatusOr<pb::Plan> GetPlan(const pb::GetPlanRequest& request);
  absl::StatusOr<pb::ListPlansResponse> ListPlans(const pb::ListPlansRequest& request);
  absl::StatusOr<pb::Task> GetTask(const pb::GetTaskRequest& request);
  // GetTask's answer if it needs no wait: a bad name, or a task the cache holds.
  // Nothing when the task must be loaded from the store (call GetTask for that).
  std::optional<absl::StatusOr<pb::Task>> GetTaskWithoutWaiting(const pb::GetTaskRequest& request);
  absl::StatusOr<pb::ListTasksResponse> ListTasks(const pb::ListTasksRequest& request);
  absl::StatusOr<pb::ListOccurrencesResponse> ListOccurrences(const pb::ListOccurrencesRequest& request);
  absl::StatusOr<pb::Task> UpdateTask(const pb::UpdateTaskRequest& request, const Principal& caller,
                                      const IncomingCall& call);
  absl::StatusOr<pb::ListContinuationsResponse> ListContinuations(const pb::ListContinuationsRequest& request);
  absl::StatusOr<pb::Continuation> ConfirmContinuation(const pb::ConfirmContinuationRequest& request,
                                                       const Principal& caller);

 private:
  absl::CivilDay Today() const { return TodayInVietnam(clock_); }
  pb::Task AsOfToday(TaskRecord record) const;  // The task with today's `overdue`.

  TaskStore& store_;
  TaskCache& cache_;
  UnitResolver& units_;
  const Clock& clock_;
};

}  // namespace p06::task
