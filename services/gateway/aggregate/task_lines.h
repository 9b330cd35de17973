// What both dashboard pages read: every task of a query (all pages), every unit's
// display name (one batch for the whole page, never a call per task), and a task as a
// line of a table.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "p06/directory/v1/directory.grpc.pb.h"
#include "p06/dashboard/v1/dashboard.pb.h"
#include "p06/task/v1/task.grpc.pb.h"
#include "services/gateway/aggregate/fan_out.h"

namespace p06::gateway {

// Unit or group name → display name.
using DisplayNames = std::map<std::string, std::string>;

// Every task `request` selects, following page tokens (at most 50 pages).
grpc::Status ListAllTasks(task::v1::TaskService::StubInterface& tasks, const FanOut& f,
                          task::v1::ListTasksRequest request, std::vector<task::v1::Task>* out);

// Every unit's and group's display name, in as few pages as the directory allows.
grpc::Status ListDisplayNames(directory::v1::DirectoryService::StubInterface& directory, const FanOut& f,
                              DisplayNames* out);

// `task` as a table line, its units labelled from `names` (the plan's text when a name
// is not there).
dashboard::v1::TaskLine TaskLineOf(const task::v1::Task& task, const DisplayNames& names);

}  // namespace p06::gateway
