#include "services/gateway/aggregate/dashboard_grpc.h"

#include "common/grpc/request_id.h"
#include "common/grpc/serve.h"

namespace p06::gateway {

PageCall DashboardGrpc::PageCallOf(const grpc::ServerContext& ctx, const Principal& caller) const {
  // gRPC deadlines are wall-clock time: absl::Now(), not the injectable clock (which
  // says what day it is).
  const absl::Time deadline = std::min(absl::Now() + page_timeout_, absl::FromChrono(ctx.deadline()));
  return {.caller = caller, .request_id = RequestIdOf(ctx), .deadline = deadline, .today = TodayInVietnam(clock_)};
}

grpc::Status DashboardGrpc::GetPlanOverview(grpc::ServerContext* ctx,
                                            const dashboard::v1::GetPlanOverviewRequest* request,
                                            dashboard::v1::PlanOverview* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal& caller) {
    return p06::gateway::GetPlanOverview(backends_, PageCallOf(*ctx, caller), *request);
  });
}

grpc::Status DashboardGrpc::GetUnitPage(grpc::ServerContext* ctx, const dashboard::v1::GetUnitPageRequest* request,
                                        dashboard::v1::UnitPage* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal& caller) {
    return p06::gateway::GetUnitPage(backends_, PageCallOf(*ctx, caller), *request);
  });
}

}  // namespace p06::gateway
