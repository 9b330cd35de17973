#include "services/gateway/aggregate/task_lines.h"

namespace p06::gateway {
namespace {

constexpr int kMaxPages = 50;

void AddLabels(const google::protobuf::RepeatedPtrField<task::v1::UnitRef>& refs, const DisplayNames& names,
               google::protobuf::RepeatedPtrField<dashboard::v1::UnitLabel>* out) {
  for (const task::v1::UnitRef& ref : refs) {
    dashboard::v1::UnitLabel* label = out->Add();
    label->set_unit(ref.unit());
    auto it = names.find(ref.unit());
    label->set_display_name(it != names.end() ? it->second : ref.text());
  }
}

}  // namespace

grpc::Status ListAllTasks(task::v1::TaskService::StubInterface& tasks, const FanOut& f,
                          task::v1::ListTasksRequest request, std::vector<task::v1::Task>* out) {
  request.set_page_size(1000);
  std::vector<task::v1::Task> all;  // Given to `out` only whole: a part that fails shows nothing.
  for (int page = 0; page < kMaxPages; ++page) {
    task::v1::ListTasksResponse response;
    std::unique_ptr<grpc::ClientContext> ctx = f.NewContext();
    if (grpc::Status s = tasks.ListTasks(ctx.get(), request, &response); !s.ok()) return s;
    for (task::v1::Task& t : *response.mutable_tasks()) all.push_back(std::move(t));
    if (response.next_page_token().empty()) {
      *out = std::move(all);
      return grpc::Status::OK;
    }
    request.set_page_token(response.next_page_token());
  }
  return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "more tasks than a page shows");
}

grpc::Status ListDisplayNames(directory::v1::DirectoryService::StubInterface& directory, const FanOut& f,
                              DisplayNames* result) {
  DisplayNames names;  // Given to `result` only whole.
  directory::v1::ListUnitsRequest units;
  units.set_page_size(1000);
  for (int page = 0; page < kMaxPages; ++page) {
    directory::v1::ListUnitsResponse response;
    std::unique_ptr<grpc::ClientContext> ctx = f.NewContext();
    if (grpc::Status s = directory.ListUnits(ctx.get(), units, &response); !s.ok()) return s;
    for (const directory::v1::Unit& u : response.units()) names[u.name()] = u.display_name();
    if (response.next_page_token().empty()) break;
    units.set_page_token(response.next_page_token());
  }
  directory::v1::ListGroupsRequest groups;
  groups.set_page_size(1000);
  for (int page = 0; page < kMaxPages; ++page) {
    directory::v1::ListGroupsResponse response;
    std::unique_ptr<grpc::ClientContext> ctx = f.NewContext();
    if (grpc::Status s = directory.ListGroups(ctx.get(), groups, &response); !s.ok()) return s;
    for (const directory::v1::Group& g : response.groups()) names[g.name()] = g.display_name();
    if (response.next_page_token().empty()) break;
    groups.set_page_token(response.next_page_token());
  }
  *result = std::move(names);
  return grpc::Status::OK;
}

dashboard::v1::TaskLine TaskLineOf(const task::v1::Task& task, const DisplayNames& names) {
  dashboard::v1::TaskLine line;
  line.set_name(task.name());
  line.set_number(task.number());
  line.set_title(task.title());
  AddLabels(task.lead_units(), names, line.mutable_lead_units());
  AddLabels(task.coordinating_units(), names, line.mutable_coordinating_units());
  line.set_status(task.status());
  line.set_overdue(task.overdue());
  line.set_percent_complete(task.percent_complete());
  return line;
}

}  // namespace p06::gateway
