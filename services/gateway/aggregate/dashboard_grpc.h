// The dashboard pages' gRPC service (proto/p06/dashboard/v1/dashboard.proto), served by
// the gateway on its gRPC port and through its REST routes. The pages themselves are
// in pages.h.
#pragma once

#include "absl/time/time.h"
#include "common/base/clock.h"
#include "p06/dashboard/v1/dashboard.grpc.pb.h"
#include "services/gateway/aggregate/pages.h"
#include "services/gateway/auth/own_callers.h"

namespace p06::gateway {

class DashboardGrpc final : public dashboard::v1::DashboardService::Service {
 public:
  // `page_timeout`: the longest a page waits for its services.
  DashboardGrpc(PageBackends backends, const Clock& clock, absl::Duration page_timeout, const OwnCallers& callers)
      : backends_(std::move(backends)), clock_(clock), page_timeout_(page_timeout), callers_(callers) {}

  grpc::Status GetPlanOverview(grpc::ServerContext* ctx, const dashboard::v1::GetPlanOverviewRequest* request,
                               dashboard::v1::PlanOverview* response) override;
  grpc::Status GetUnitPage(grpc::ServerContext* ctx, const dashboard::v1::GetUnitPageRequest* request,
                           dashboard::v1::UnitPage* response) override;

 private:
  PageCall PageCallOf(const grpc::ServerContext& ctx, const Principal& caller) const;

  PageBackends backends_;
  const Clock& clock_;
  const absl::Duration page_timeout_;
  const OwnCallers& callers_;
};

}  // namespace p06::gateway
