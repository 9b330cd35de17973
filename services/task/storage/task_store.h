// Storage of the task service: the interface the logic depends on. SQL lives only in
// pg_task_store.cc. Every method is one transaction.
#pragma once

#include <cstdint>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/db/text_search.h"
#include "services/task/event_position.h"
#include "services/task/drafts.h"

namespace p06::task {

struct TaskQuery {
  std::string plan_id;
  int section_ordinal = 0;  // 0: any.
  std::string lead_unit;    // "units/…"; groups the task names count.
  std::string coordinating_unit;
  std::vector<int> statuses;  // Empty: any.
  bool overdue_only = false;
  std::optional<absl::CivilDay> due_after, due_before;
  // Every word must start a word of the task's search text (any order), and the
  // tasks come best match first; empty: any task, in number order.
  std::vector<std::string> folded_words;
  // Keyset pagination: rows ranked below after_rank, or at it with a number above
  // after_number (db::kFirstPageRank on the first page).
  int64_t after_rank = db::kFirstPageRank;
  int after_number = 0;
  int limit = 50;
  absl::CivilDay today;  // For "overdue", from the service's clock.
};

// A task of a ListTasks page and the rank of its match (0 without a search).
using RankedTask = db::Ranked<pb::Task>;

struct OccurrenceQuery {
  std::string plan_id;
  int task_number = 0;  // 0: every task.
  absl::CivilDay due_after, due_before;
  std::string after_key;  // "yyyy-mm-dd/number/sub" of the last row seen.
  int limit = 100;
  absl::CivilDay today;
};

// A task as stored, with what "overdue" needs: computed at read time against the
// clock, so a cached record stays right as days pass.
struct TaskRecord {
  pb::Task task;                                    // Without `overdue`.
  std::optional<absl::CivilDay> earliest_open_due;  // Of occurrences not completed or cancelled.
  bool OverdueOn(absl::CivilDay today) const { return earliest_open_due && *earliest_open_due < today; }
};

// Who posts a progress report, and may they.
struct Reporter {
  std::string subject;     // Who, for the record.
  std::string unit;        // "units/…" reporting.
  bool on_behalf = false;  // The Ministry Office may report for any unit on the task.
};

// Events read from the outbox.
struct EventBatch {
  std::vector<pb::Event> events;
  EventPosition last;  // Of the last event read; where the read started when none.
  // Events committed after these wait for an older transaction that is still
  // running: read again shortly (it may commit without a notification).
  bool held_back = false;
};

// An occurrence of a task: its due date and sub-activity (0 for the task itself).
struct OccurrenceKey {
  absl::CivilDay due;
  int sub_activity = 0;
};

class TaskStore {
 public:
  virtual ~TaskStore() = default;

  // Saves a draft: the first import of a decision, a new revision when its text
  // changed (unchanged tasks and their progress stay as they are; dropped tasks are
  // marked removed, never deleted), or nothing when the text is the stored one. The
  // plan's events are written to the outbox in the same transaction. With a
  // request_id, a retry by the same `caller` (subject) returns the first answer.
  virtual absl::StatusOr<pb::ImportPlanResponse> SavePlan(const PlanDraft& draft, const pb::ImportPlanRequest& request,
                                                          const std::string& caller, absl::CivilDay today) = 0;
  // What SavePlan would report (unchanged, diff), writing nothing: the dry run.
  virtual absl::StatusOr<pb::ImportPlanResponse> PreviewPlan(const PlanDraft& draft) = 0;

  virtual absl::StatusOr<pb::Plan> GetPlan(const std::string& plan_id) = 0;
  virtual absl::StatusOr<std::vector<pb::Plan>> ListPlans(int year, const std::string& after_id, int limit) = 0;
  virtual absl::StatusOr<TaskRecord> GetTask(const std::string& plan_id, int number) = 0;
  virtual absl::StatusOr<std::vector<RankedTask>> ListTasks(const TaskQuery& query) = 0;
  virtual absl::StatusOr<std::vector<pb::Occurrence>> ListOccurrences(const OccurrenceQuery& query) = 0;
  // NOT_FOUND for a plan that does not exist.
  virtual absl::StatusOr<std::vector<pb::Continuation>> ListContinuations(const std::string& plan_id) = 0;
  // Records the Office's word on what plan_id/number continues (previous_plan_id ""
  // for none), idempotent by request.request_id.
  virtual absl::StatusOr<pb::Continuation> ConfirmContinuation(const std::string& caller,
                                                               const pb::ConfirmContinuationRequest& request,
                                                               const std::string& plan_id, int number,
                                                               const std::string& previous_plan_id, int previous_number,
                                                               double score, const std::string& previous_title) = 0;

  // Replaces a task's definition (and so its units and occurrences) with `draft`,
  // with a TASK_CHANGED event. ABORTED when `etag` is set and stale; NOT_FOUND.
  virtual absl::StatusOr<pb::Task> UpdateTask(const std::string& plan_id, const TaskDraft& draft,
                                              const std::string& etag, const pb::UpdateTaskRequest& request,
                                              const std::string& caller, absl::CivilDay today) = 0;

  // Rewrites a task's units with those of `draft` (the same definition but for the
  // units its names yield when followed to `followed_on`), with a TASK_CHANGED event
  // of `request_id`, when they differ from the stored ones (refs or expanded rows)
  // and the task was not followed to a later day already; returns whether it wrote.
  // ABORTED when `etag` is stale (the task changed since it was read); NOT_FOUND.
  virtual absl::StatusOr<bool> FollowTaskUnits(const std::string& plan_id, const TaskDraft& draft,
                                               const std::string& etag, absl::CivilDay followed_on,
                                               const std::string& request_id) = 0;

  // Appends a progress report and its event; the task's (and occurrence's) status
  // follow it. PERMISSION_DENIED unless `reporter.unit` leads or coordinates the task
  // (groups expanded), checked before NOT_FOUND; FAILED_PRECONDITION for a cancelled
  // task. Idempotent by request.request_id (required) of reporter.subject; the
  // permission is checked again before an earlier answer is replayed.
  virtual absl::StatusOr<pb::ProgressReport> ReportProgress(const std::string& plan_id, int number,
                                                            const std::optional<OccurrenceKey>& occurrence,
                                                            const pb::ProgressReport& report, const Reporter& reporter,
                                                            const pb::ReportProgressRequest& request) = 0;
  // Appends a measurement of target `target` (1-based) and its event; the same
  // permission rules as ReportProgress. NOT_FOUND for a target the task lacks.
  virtual absl::StatusOr<pb::TargetMeasurement> RecordTargetMeasurement(
      const std::string& plan_id, int number, int target, const pb::TargetMeasurement& measurement,
      const Reporter& reporter, const pb::RecordTargetMeasurementRequest& request) = 0;
  // The position after every event that can still be read: following from here
  // yields only changes that commit later (or are committing now).
  virtual absl::StatusOr<EventPosition> StreamHead() = 0;
  // Up to `limit` events after `after`, in stream order; of one task (and its reports)
  // when `resource_prefix` is set. OUT_OF_RANGE when events after `after` were pruned.
  virtual absl::StatusOr<EventBatch> ReadEvents(const EventPosition& after, int limit,
                                                const std::string& resource_prefix = "") = 0;
  // How many events lie after `after`, counted up to `limit`.
  virtual absl::StatusOr<int64_t> CountEventsAfter(const EventPosition& after, int64_t limit) = 0;
  // Deletes the events committed more than `older_than` ago; returns how many.
  virtual absl::StatusOr<int64_t> PruneEvents(absl::Duration older_than) = 0;
};

}  // namespace p06::task
