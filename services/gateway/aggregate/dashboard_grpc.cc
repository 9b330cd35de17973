#include "services/gateway/aggregate/dashboard_grpc.h"

#include "common/grpc/client.h"
#include "common/grpc/serve.h"

namespace p06::gateway {

PageCall DashboardGrpc::PageCallOf(const grpc::ServerContext& ctx, const Principal& caller) const {
  // The caller's deadline when sooner than the page's own budget. gRPC deadlines are
  // wall-clock time: absl::Now(), not the injectable clock (which says what day it is).
  const IncomingCall incoming = IncomingCallOf(ctx);
  return {.caller = caller,
          .request_id = incoming.request_id,
          .deadline = std::min(absl::Now() + page_timeout_, incoming.deadline),
          .today = TodayInVietnam(clock_)};
}

grpc::Status DashboardGrpc::GetPlanOverview(grpc::ServerContext* ctx,
                                            const dashboard::v1::GetPlanOverviewRequest* request,
                                            dashboard::v1::PlanOverview* response) {
  return ServeOwn(callers_, *ctx, "/p06.dashboard.v1.DashboardService/GetPlanOverview", Access::kRead, response,
                  [&](const Principal& caller) {
    return p06::gateway::GetPlanOverview(backends_, PageCallOf(*ctx, caller), *request);
  });
}

grpc::Status DashboardGrpc::GetUnitPage(grpc::ServerContext* ctx, const dashboard::v1::GetUnitPageRequest* request,
                                        dashboard::v1::UnitPage* response) {
  return ServeOwn(callers_, *ctx, "/p06.dashboard.v1.DashboardService/GetUnitPage", Access::kRead, response,
                  [&](const Principal& caller) {
    return p06::gateway::GetUnitPage(backends_, PageCallOf(*ctx, caller), *request);
  });
}

}  // namespace p06::gateway
