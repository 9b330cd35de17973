// What the task store writes: a plan and its tasks as drafted by the importer or by
// UpdateTask, with the units resolved. Apart from plan_import.h so that the storage
// interface knows only its own types, not the directory's client.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "p06/task/v1/task.pb.h"

namespace p06::task {

namespace pb = ::p06::task::v1;

enum class UnitRole { kLead = 1, kCoordinating = 2 };

struct TaskDraft {
  pb::Task task;                                            // Named, with resolved lead and coordinating units.
  std::string definition_hash;                              // Tells an unchanged task from a changed one.
  std::string search_text;  // Folded "title | products | note | units" (007_task_search.sql).
  std::vector<std::pair<UnitRole, std::string>> units;      // Groups expanded to members too.
  std::vector<std::pair<int, absl::CivilDay>> occurrences;  // (sub-activity or 0, due date)
};

struct PlanDraft {
  std::string plan_id;      // "910-qd-btp-2025"
  pb::Plan plan;            // Named; revision and times are the store's.
  std::string source_text;  // Normalised (NFC, LF).
  std::string source_sha256;
  std::vector<TaskDraft> tasks;
  std::vector<pb::ImportDiagnostic> diagnostics;
};

// "plans/{plan}/tasks/{n}/occurrences/{yyyy-mm-dd}", with "-{sub}" for a sub-activity's.
std::string OccurrenceName(const std::string& task_name, absl::CivilDay due, int sub_activity);

// A revision may remove tasks only when the request names exactly those it removes
// (remove_tasks): FAILED_PRECONDITION listing them otherwise, INVALID_ARGUMENT for a
// listed task that is not removed.
absl::Status CheckRemovalsConfirmed(const pb::PlanDiff& diff, const pb::ImportPlanRequest& request);

}  // namespace p06::task
