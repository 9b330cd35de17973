// TaskStore on PostgreSQL (schema "task", see ../schema/): plans and tasks in
// pg_task_store.cc, progress and events in pg_progress.cc, sharing pg_events.h.
#pragma once

#include <mutex>
#include <vector>

#include "common/base/clock.h"
#include "common/db/notifier.h"
#include "common/db/pool.h"
#include "services/task/storage/pg_events.h"
#include "services/task/storage/report_batcher.h"
#include "services/task/storage/task_store.h"

namespace p06::task {

class PgTaskStore final : public TaskStore {
 public:
  // `notify_conninfo`: where to send the wake-up of kEventsChannel after each write.
  // `clock` stamps progress reports (their create_time, and so their day).
  // `batch_written` hears the size of every batch of reports committed together.
  PgTaskStore(db::Pool& pool, std::string notify_conninfo, const Clock& clock,
              std::function<void(size_t)> batch_written = nullptr)
      : pool_(pool),
        clock_(clock),
        notifier_(std::move(notify_conninfo), pg::kEventsChannel),
        batcher_(pool, std::move(batch_written)) {}

  absl::StatusOr<pb::ImportPlanResponse> SavePlan(const PlanDraft& draft, const pb::ImportPlanRequest& request,
                                                  const std::string& caller, absl::CivilDay today) override;
  absl::StatusOr<pb::ImportPlanResponse> PreviewPlan(const PlanDraft& draft) override;
  absl::StatusOr<pb::Plan> GetPlan(const std::string& plan_id) override;
  absl::StatusOr<std::vector<pb::Plan>> ListPlans(int year, const std::string& after_id, int limit) override;
  absl::StatusOr<TaskRecord> GetTask(const std::string& plan_id, int number) override;
  absl::StatusOr<EventPosition> StreamHead() override;
  absl::StatusOr<std::vector<RankedTask>> ListTasks(const TaskQuery& query) override;
  absl::StatusOr<std::vector<pb::Occurrence>> ListOccurrences(const OccurrenceQuery& query) override;
  absl::StatusOr<std::vector<pb::Continuation>> ListContinuations(const std::string& plan_id) override;
  absl::StatusOr<pb::Continuation> ConfirmContinuation(const std::string& caller,
                                                       const pb::ConfirmContinuationRequest& request,
                                                       const std::string& plan_id, int number,
                                                       const std::string& previous_plan_id, int previous_number,
                                                       double score, const std::string& previous_title) override;
  absl::StatusOr<pb::Task> UpdateTask(const std::string& plan_id, const TaskDraft& draft, const std::string& etag,
                                      const pb::UpdateTaskRequest& request, const std::string& caller,
                                      absl::CivilDay today) override;
  absl::StatusOr<bool> FollowTaskUnits(const std::string& plan_id, const TaskDraft& draft, const std::string& etag,
                                       absl::CivilDay followed_on, const std::string& request_id) override;
  absl::StatusOr<pb::ProgressReport> ReportProgress(const std::string& plan_id, int number,
                                                    const std::optional<OccurrenceKey>& occurrence,
                                                    const pb::ProgressReport& report, const Reporter& reporter,
                                                    const pb::ReportProgressRequest& request) override;
  absl::StatusOr<pb::TargetMeasurement> RecordTargetMeasurement(
      const std::string& plan_id, int number, int target, const pb::TargetMeasurement& measurement,
      const Reporter& reporter, const pb::RecordTargetMeasurementRequest& request) override;
  absl::StatusOr<EventBatch> ReadEvents(const EventPosition& after, int limit,
                                        const std::string& resource_prefix) override;
  absl::StatusOr<int64_t> CountEventsAfter(const EventPosition& after, int64_t limit) override;
  absl::StatusOr<int64_t> PruneEvents(absl::Duration older_than) override;

 private:
  // Ids for new progress reports, taken from the database a block at a time, so
  // that ReportProgress can build its response before its one statement.
  absl::StatusOr<int64_t> NextReportId();

  // Passes on the result of a write that appended events, waking the stream's
  // followers when it committed.
  template <typename Result>
  Result Notifying(Result result) {
    if (result.ok()) notifier_.Notify();
    return result;
  }

  db::Pool& pool_;
  const Clock& clock_;
  db::Notifier notifier_;
  ReportBatcher batcher_;
  std::mutex ids_mu_;
  std::vector<int64_t> free_report_ids_;  // Guarded by ids_mu_; taken from the back.
};

}  // namespace p06::task
