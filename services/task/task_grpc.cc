#include "services/task/task_grpc.h"

#include "common/grpc/principal.h"
#include "common/grpc/request_id.h"
#include "common/grpc/serve.h"

namespace p06::task {

grpc::Status TaskGrpc::ImportPlan(grpc::ServerContext* ctx, const pb::ImportPlanRequest* request,
                                  pb::ImportPlanResponse* response) {
  return Serve(service_.ImportPlan(*request, RequestIdOf(*ctx)), response);
}

grpc::Status TaskGrpc::GetPlan(grpc::ServerContext*, const pb::GetPlanRequest* request, pb::Plan* response) {
  return Serve(service_.GetPlan(*request), response);
}

grpc::Status TaskGrpc::ListPlans(grpc::ServerContext*, const pb::ListPlansRequest* request,
                                 pb::ListPlansResponse* response) {
  return Serve(service_.ListPlans(*request), response);
}

grpc::Status TaskGrpc::GetTask(grpc::ServerContext*, const pb::GetTaskRequest* request, pb::Task* response) {
  return Serve(service_.GetTask(*request), response);
}

grpc::Status TaskGrpc::ListTasks(grpc::ServerContext*, const pb::ListTasksRequest* request,
                                 pb::ListTasksResponse* response) {
  return Serve(service_.ListTasks(*request), response);
}

grpc::Status TaskGrpc::ListOccurrences(grpc::ServerContext*, const pb::ListOccurrencesRequest* request,
                                       pb::ListOccurrencesResponse* response) {
  return Serve(service_.ListOccurrences(*request), response);
}

grpc::Status TaskGrpc::UpdateTask(grpc::ServerContext* ctx, const pb::UpdateTaskRequest* request, pb::Task* response) {
  return Serve(service_.UpdateTask(*request, RequestIdOf(*ctx)), response);
}

grpc::Status TaskGrpc::ReportProgress(grpc::ServerContext* ctx, const pb::ReportProgressRequest* request,
                                      pb::ProgressReport* response) {
  absl::StatusOr<Principal> caller = PrincipalOf(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Serve(service_.ReportProgress(*request, *caller), response);
}

grpc::Status TaskGrpc::RecordTargetMeasurement(grpc::ServerContext* ctx,
                                               const pb::RecordTargetMeasurementRequest* request,
                                               pb::TargetMeasurement* response) {
  absl::StatusOr<Principal> caller = PrincipalOf(*ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Serve(service_.RecordTargetMeasurement(*request, *caller), response);
}

grpc::Status TaskGrpc::ListTaskHistory(grpc::ServerContext*, const pb::ListTaskHistoryRequest* request,
                                       pb::ListTaskHistoryResponse* response) {
  return Serve(service_.ListTaskHistory(*request), response);
}

grpc::Status TaskGrpc::WatchEvents(grpc::ServerContext* ctx, const pb::WatchEventsRequest* request,
                                   grpc::ServerWriter<pb::WatchEventsResponse>* writer) {
  return ToGrpcStatus(service_.WatchEvents(
      *request, [&](const pb::WatchEventsResponse& batch) { return writer->Write(batch); },
      [&] { return ctx->IsCancelled(); }));
}

}  // namespace p06::task
