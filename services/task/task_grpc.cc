#include "services/task/task_grpc.h"

#include "common/grpc/request_id.h"
#include "common/grpc/serve.h"

namespace p06::task {

grpc::Status TaskGrpc::ImportPlan(grpc::ServerContext* ctx, const pb::ImportPlanRequest* request, pb::ImportPlanResponse* response) {
  return Serve(service_.ImportPlan(*request, RequestIdOf(*ctx)), response);
}

grpc::Status TaskGrpc::GetPlan(grpc::ServerContext* , const pb::GetPlanRequest* request, pb::Plan* response) {
  return Serve(service_.GetPlan(*request), response);
}

grpc::Status TaskGrpc::ListPlans(grpc::ServerContext* , const pb::ListPlansRequest* request, pb::ListPlansResponse* response) {
  return Serve(service_.ListPlans(*request), response);
}

grpc::Status TaskGrpc::GetTask(grpc::ServerContext* , const pb::GetTaskRequest* request, pb::Task* response) {
  return Serve(service_.GetTask(*request), response);
}

grpc::Status TaskGrpc::ListTasks(grpc::ServerContext* , const pb::ListTasksRequest* request, pb::ListTasksResponse* response) {
  return Serve(service_.ListTasks(*request), response);
}

grpc::Status TaskGrpc::ListOccurrences(grpc::ServerContext* , const pb::ListOccurrencesRequest* request, pb::ListOccurrencesResponse* response) {
  return Serve(service_.ListOccurrences(*request), response);
}

}  // namespace p06::task
