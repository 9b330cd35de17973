// GetPlanOverview: the plan and its tasks (task service), display names (directory),
// counts (reporting), what is due soon (task service), all at once.
#include "absl/strings/match.h"
#include "common/base/invalid_field.h"
#include "common/calendar/working_calendar.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/status_mapping.h"
#include "services/gateway/aggregate/pages.h"
#include "services/gateway/aggregate/task_lines.h"

namespace p06::gateway {

absl::StatusOr<dashboard::v1::PlanOverview> GetPlanOverview(PageBackends& backends, const PageCall& call,
                                                 const dashboard::v1::GetPlanOverviewRequest& request) {
  if (!absl::StartsWith(request.name(), "plans/") || request.name().size() == 6) {
    return InvalidField("name", "must be plans/{id}");
  }
  const int window = request.due_within_working_days() == 0 ? 10 : request.due_within_working_days();
  if (window < 1 || window > 60) return InvalidField("due_within_working_days", "must be 1..60");
  absl::StatusOr<absl::CivilDay> due_by = calendar::WorkingCalendar::Vietnam().AddWorkingDays(call.today, window);

  task::v1::Plan plan;
  std::vector<task::v1::Task> tasks, due;
  DisplayNames names;
  reporting::v1::Dashboard dashboard;
  const std::string kTask = "p06.task.v1.TaskService";
  FanOut f(call.caller, call.request_id, call.deadline);
  f.Run("plan", kTask, [&](const FanOut& f) {
    task::v1::GetPlanRequest r;
    r.set_name(request.name());
    return backends.task->GetPlan(f.NewContext().get(), r, &plan);
  });
  f.Run("tasks", kTask, [&](const FanOut& f) {
    task::v1::ListTasksRequest r;
    r.set_parent(request.name());
    return ListAllTasks(*backends.task, f, r, &tasks);
  });
  f.Run("due_soon", kTask, [&](const FanOut& f) {
    if (!due_by.ok()) return ToGrpcStatus(due_by.status());  // A year the calendar does not cover.
    task::v1::ListTasksRequest r;
    r.set_parent(request.name());
    *r.mutable_due_after() = ToProtoDate(call.today);
    *r.mutable_due_before() = ToProtoDate(*due_by);
    return ListAllTasks(*backends.task, f, r, &due);
  });
  f.Run("display_names", "p06.directory.v1.DirectoryService",
        [&](const FanOut& f) { return ListDisplayNames(*backends.directory, f, &names); });
  f.Run("counts", "p06.reporting.v1.ReportingService", [&](const FanOut& f) {
    reporting::v1::GetDashboardRequest r;
    r.set_plan(request.name());
    r.set_due_within_working_days(window);
    return backends.reporting->GetDashboard(f.NewContext().get(), r, &dashboard);
  });
  std::vector<dashboard::v1::MissingPart> missing = f.Wait();
  // Without the plan and its tasks there is no page to show.
  for (const char* core : {"plan", "tasks"}) {
    if (grpc::Status s = f.StatusOf(core); !s.ok()) return FromGrpcStatus(s);
  }
  dashboard::v1::PlanOverview overview;
  for (dashboard::v1::MissingPart& m : missing) *overview.add_missing() = std::move(m);
  overview.set_plan(plan.name());
  overview.set_title(plan.title());
  for (const task::v1::Task& t : tasks) *overview.add_tasks() = TaskLineOf(t, names);
  if (f.StatusOf("counts").ok()) *overview.mutable_counts() = dashboard.totals();
  for (const task::v1::Task& t : due) overview.add_due_soon(t.name());
  return overview;
}

}  // namespace p06::gateway
