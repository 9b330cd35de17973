// GetUnitPage: the unit (directory), what it leads, supports and has overdue (task
// service), its unread notices (notification), display names (directory), at once.
#include "absl/strings/match.h"
#include "common/base/invalid_field.h"
#include "common/grpc/status_mapping.h"
#include "services/gateway/aggregate/pages.h"
#include "services/gateway/aggregate/task_lines.h"

namespace p06::gateway {

absl::StatusOr<dashboard::v1::UnitPage> GetUnitPage(PageBackends& backends, const PageCall& call,
                                         const dashboard::v1::GetUnitPageRequest& request) {
  if (!absl::StartsWith(request.name(), "units/") || request.name().size() == 6) {
    return InvalidField("name", "must be units/{id}");
  }
  if (!absl::StartsWith(request.plan(), "plans/") || request.plan().size() == 6) {
    return InvalidField("plan", "required: plans/{id}");
  }
  const int limit = request.notice_limit() == 0 ? 20 : request.notice_limit();
  if (limit < 1 || limit > 100) return InvalidField("notice_limit", "must be 1..100");

  directory::v1::Unit unit;
  std::vector<task::v1::Task> leads, supports;
  DisplayNames names;
  notification::v1::ListInboxResponse inbox;
  const std::string kTask = "p06.task.v1.TaskService", kDirectory = "p06.directory.v1.DirectoryService";
  FanOut f(call.caller, call.request_id, call.deadline);
  f.Run("unit", kDirectory, [&](const FanOut& f) {
    directory::v1::GetUnitRequest r;
    r.set_name(request.name());
    return backends.directory->GetUnit(f.NewContext().get(), r, &unit);
  });
  f.Run("leads", kTask, [&](const FanOut& f) {
    task::v1::ListTasksRequest r;
    r.set_parent(request.plan());
    r.set_lead_unit(request.name());
    return ListAllTasks(*backends.task, f, r, &leads);
  });
  f.Run("supports", kTask, [&](const FanOut& f) {
    task::v1::ListTasksRequest r;
    r.set_parent(request.plan());
    r.set_coordinating_unit(request.name());
    return ListAllTasks(*backends.task, f, r, &supports);
  });
  f.Run("display_names", kDirectory, [&](const FanOut& f) { return ListDisplayNames(*backends.directory, f, &names); });
  f.Run("unread_notices", "p06.notification.v1.NotificationService", [&](const FanOut& f) {
    notification::v1::ListInboxRequest r;
    r.set_unit(request.name());
    r.set_unread_only(true);
    r.set_page_size(limit);
    return backends.notification->ListInbox(f.NewContext().get(), r, &inbox);
  });
  std::vector<dashboard::v1::MissingPart> missing = f.Wait();
  if (grpc::Status s = f.StatusOf("unit"); !s.ok()) return FromGrpcStatus(s);

  dashboard::v1::UnitPage page;
  for (dashboard::v1::MissingPart& m : missing) {
    // Overdue is read from the leads: missing with them.
    if (m.part() == "leads") {
      dashboard::v1::MissingPart overdue = m;
      overdue.set_part("overdue");
      *page.add_missing() = std::move(overdue);
    }
    *page.add_missing() = std::move(m);
  }
  *page.mutable_unit() = std::move(unit);
  for (const task::v1::Task& t : leads) {
    *page.add_leads() = TaskLineOf(t, names);
    if (t.overdue()) *page.add_overdue() = TaskLineOf(t, names);
  }
  for (const task::v1::Task& t : supports) *page.add_supports() = TaskLineOf(t, names);
  for (notification::v1::Notification& n : *inbox.mutable_notifications()) {
    *page.add_unread_notices() = std::move(n);
  }
  return page;
}

}  // namespace p06::gateway
