// The gateway's aggregate pages for dashboards and other systems: each fans out to
// the services that own the data (FanOut), all at once under one deadline, and joins
// the answers. Names are looked up in one batch for the page. A part whose service
// fails is named in `missing`; only a failure of the page's own resource fails the call.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/grpc/principal.h"
#include "p06/directory/v1/directory.grpc.pb.h"
#include "p06/dashboard/v1/dashboard.pb.h"
#include "p06/notification/v1/notification.grpc.pb.h"
#include "p06/reporting/v1/reporting.grpc.pb.h"
#include "p06/task/v1/task.grpc.pb.h"

namespace p06::gateway {

// The services the pages read, by stub.
struct PageBackends {
  std::unique_ptr<directory::v1::DirectoryService::StubInterface> directory;
  std::unique_ptr<task::v1::TaskService::StubInterface> task;
  std::unique_ptr<reporting::v1::ReportingService::StubInterface> reporting;
  std::unique_ptr<notification::v1::NotificationService::StubInterface> notification;
};

// One page request: who asks, its request id, when the answer is due, and today in
// Vietnam (for "due soon").
struct PageCall {
  Principal caller;
  std::string request_id;
  absl::Time deadline;
  absl::CivilDay today;
};

absl::StatusOr<dashboard::v1::PlanOverview> GetPlanOverview(PageBackends& backends, const PageCall& call,
                                                 const dashboard::v1::GetPlanOverviewRequest& request);

absl::StatusOr<dashboard::v1::UnitPage> GetUnitPage(PageBackends& backends, const PageCall& call,
                                         const dashboard::v1::GetUnitPageRequest& request);

}  // namespace p06::gateway
