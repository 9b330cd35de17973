#include "services/task/task_grpc.h"

#include <exception>

#include "common/grpc/client.h"
#include "common/grpc/serve.h"

namespace p06::task {

// The access each RPC needs is stated in proto/p06/task/v1/task.proto.

grpc::Status TaskGrpc::ImportPlan(grpc::ServerContext* ctx, const pb::ImportPlanRequest* request,
                                  pb::ImportPlanResponse* response) {
  return ServeAs(*ctx, Access::kOffice, response,
                 [&](const Principal& caller) { return service_.ImportPlan(*request, caller, IncomingCallOf(*ctx)); });
}

grpc::Status TaskGrpc::GetPlan(grpc::ServerContext* ctx, const pb::GetPlanRequest* request, pb::Plan* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return service_.GetPlan(*request); });
}

grpc::Status TaskGrpc::ListPlans(grpc::ServerContext* ctx, const pb::ListPlansRequest* request,
                                 pb::ListPlansResponse* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return service_.ListPlans(*request); });
}

grpc::ServerUnaryReactor* TaskGrpc::GetTask(grpc::CallbackServerContext* ctx, const pb::GetTaskRequest* request,
                                             pb::Task* response) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  if (absl::StatusOr<Principal> caller = Authorize(*ctx, Access::kRead); !caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
  } else if (std::optional<absl::StatusOr<pb::Task>> answer = service_.GetTaskWithoutWaiting(*request)) {
    reactor->Finish(Serve(*std::move(answer), response));
  } else {
    // gRPC's thread must not wait on the database: a worker loads the task. The call
    // (context, request, response) lives until Finish.
    const bool queued = loaders_.Run([&service = service_, ctx, reactor, request, response] {
      if (ctx->IsCancelled()) {  // Gone, or past its deadline, while it waited for a worker.
        reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the call ended before its task was loaded"));
        return;
      }
      grpc::Status status;
      try {
        status = Serve(service.GetTask(*request), response);
      } catch (const std::exception& e) {  // A worker must not throw; the sync API caught this too.
        status = grpc::Status(grpc::StatusCode::INTERNAL, e.what());
      }
      reactor->Finish(status);
    });
    if (!queued) {
      reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                   "too many tasks are waiting to be loaded from the database: retry shortly"));
    }
  }
  return reactor;
}

grpc::Status TaskGrpc::ListTasks(grpc::ServerContext* ctx, const pb::ListTasksRequest* request,
                                 pb::ListTasksResponse* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return service_.ListTasks(*request); });
}

grpc::Status TaskGrpc::ListOccurrences(grpc::ServerContext* ctx, const pb::ListOccurrencesRequest* request,
                                       pb::ListOccurrencesResponse* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return service_.ListOccurrences(*request); });
}

grpc::Status TaskGrpc::UpdateTask(grpc::ServerContext* ctx, const pb::UpdateTaskRequest* request, pb::Task* response) {
  return ServeAs(*ctx, Access::kOffice, response,
                 [&](const Principal& caller) { return service_.UpdateTask(*request, caller, IncomingCallOf(*ctx)); });
}

grpc::Status TaskGrpc::ReportProgress(grpc::ServerContext* ctx, const pb::ReportProgressRequest* request,
                                      pb::ProgressReport* response) {
  return ServeAs(*ctx, Access::kUnitWrite, response,
                 [&](const Principal& caller) { return progress_.ReportProgress(*request, caller); });
}

grpc::Status TaskGrpc::RecordTargetMeasurement(grpc::ServerContext* ctx,
                                               const pb::RecordTargetMeasurementRequest* request,
                                               pb::TargetMeasurement* response) {
  return ServeAs(*ctx, Access::kUnitWrite, response,
                 [&](const Principal& caller) { return progress_.RecordTargetMeasurement(*request, caller); });
}

grpc::Status TaskGrpc::ListContinuations(grpc::ServerContext* ctx, const pb::ListContinuationsRequest* request,
                                         pb::ListContinuationsResponse* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return service_.ListContinuations(*request); });
}

grpc::Status TaskGrpc::ConfirmContinuation(grpc::ServerContext* ctx, const pb::ConfirmContinuationRequest* request,
                                           pb::Continuation* response) {
  return ServeAs(*ctx, Access::kOffice, response,
                 [&](const Principal& caller) { return service_.ConfirmContinuation(*request, caller); });
}

grpc::Status TaskGrpc::ListTaskHistory(grpc::ServerContext* ctx, const pb::ListTaskHistoryRequest* request,
                                       pb::ListTaskHistoryResponse* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return progress_.ListTaskHistory(*request); });
}

grpc::Status TaskGrpc::WatchEvents(grpc::ServerContext* ctx, const pb::WatchEventsRequest* request,
                                   grpc::ServerWriter<pb::WatchEventsResponse>* writer) {
  if (absl::StatusOr<Principal> caller = Authorize(*ctx, Access::kRead); !caller.ok()) {
    return ToGrpcStatus(caller.status());
  }
  absl::StatusOr<StreamSlots::Slot> slot = event_streams_.Take();  // Held until the stream ends.
  if (!slot.ok()) return ToGrpcStatus(slot.status());
  return ToGrpcStatus(progress_.WatchEvents(
      *request, [&](const pb::WatchEventsResponse& batch) {
        if (!writer->Write(batch)) return false;
        events_streamed_.Increment(batch.events_size());
        return true;
      },
      [&] { return ctx->IsCancelled(); }));
}

}  // namespace p06::task
