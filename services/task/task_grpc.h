// The gRPC adapter of the task service: each handler hands the request to the logic
// and converts its Status at the edge. RPCs not listed here answer UNIMPLEMENTED.
#pragma once

#include <prometheus/counter.h>

#include "common/base/worker_pool.h"
#include "common/grpc/stream_slots.h"
#include "p06/task/v1/task.grpc.pb.h"
#include "services/task/progress_service.h"
#include "services/task/task_service.h"

namespace p06::task {

// GetTask, the hot read, is a callback method: a cached task is answered on the
// thread that read the request, with no handoff to a thread of the sync pool (which
// cost as much as the rest of the call). The other RPCs wait on the database and stay
// synchronous.
class TaskGrpc final : public pb::TaskService::WithCallbackMethod_GetTask<pb::TaskService::Service> {
 public:
  // `event_streams` bounds the WatchEvents streams held at once.
  // `events_streamed` counts the events WatchEvents sends.
  // `loaders` loads the tasks GetTask does not find cached.
  TaskGrpc(TaskService& service, ProgressService& progress, StreamSlots& event_streams,
           prometheus::Counter& events_streamed, WorkerPool& loaders)
      : service_(service),
        progress_(progress),
        event_streams_(event_streams),
        events_streamed_(events_streamed),
        loaders_(loaders) {}

  grpc::Status ImportPlan(grpc::ServerContext*, const pb::ImportPlanRequest*, pb::ImportPlanResponse*) override;
  grpc::Status GetPlan(grpc::ServerContext*, const pb::GetPlanRequest*, pb::Plan*) override;
  grpc::Status ListPlans(grpc::ServerContext*, const pb::ListPlansRequest*, pb::ListPlansResponse*) override;
  grpc::ServerUnaryReactor* GetTask(grpc::CallbackServerContext*, const pb::GetTaskRequest*, pb::Task*) override;
  grpc::Status ListTasks(grpc::ServerContext*, const pb::ListTasksRequest*, pb::ListTasksResponse*) override;
  grpc::Status ListOccurrences(grpc::ServerContext*, const pb::ListOccurrencesRequest*,
                               pb::ListOccurrencesResponse*) override;
  grpc::Status UpdateTask(grpc::ServerContext*, const pb::UpdateTaskRequest*, pb::Task*) override;
  grpc::Status ReportProgress(grpc::ServerContext*, const pb::ReportProgressRequest*, pb::ProgressReport*) override;
  grpc::Status RecordTargetMeasurement(grpc::ServerContext*, const pb::RecordTargetMeasurementRequest*,
                                       pb::TargetMeasurement*) override;
  grpc::Status ListTaskHistory(grpc::ServerContext*, const pb::ListTaskHistoryRequest*,
                               pb::ListTaskHistoryResponse*) override;
  grpc::Status ListContinuations(grpc::ServerContext*, const pb::ListContinuationsRequest*,
                                 pb::ListContinuationsResponse*) override;
  grpc::Status ConfirmContinuation(grpc::ServerContext*, const pb::ConfirmContinuationRequest*,
                                   pb::Continuation*) override;
  grpc::Status WatchEvents(grpc::ServerContext*, const pb::WatchEventsRequest*,
                           grpc::ServerWriter<pb::WatchEventsResponse>*) override;

 private:
  TaskService& service_;
  ProgressService& progress_;
  StreamSlots& event_streams_;
  prometheus::Counter& events_streamed_;
  WorkerPool& loaders_;
};

}  // namespace p06::task
