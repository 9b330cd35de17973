// TaskStore on PostgreSQL (schema "task", see ../schema/): plans and tasks in
// pg_task_store.cc, progress and events in pg_progress.cc, sharing pg_events.h.
#pragma once

#include "common/db/pool.h"
#include "services/task/storage/task_store.h"

namespace p06::task {

class PgTaskStore final : public TaskStore {
 public:
  explicit PgTaskStore(db::Pool& pool) : pool_(pool) {}

  absl::StatusOr<pb::ImportPlanResponse> SavePlan(const PlanDraft& draft, const pb::ImportPlanRequest& request,
                                                  absl::CivilDay today) override;
  absl::StatusOr<pb::ImportPlanResponse> PreviewPlan(const PlanDraft& draft) override;
  absl::StatusOr<pb::Plan> GetPlan(const std::string& plan_id) override;
  absl::StatusOr<std::vector<pb::Plan>> ListPlans(int year, const std::string& after_id, int limit) override;
  absl::StatusOr<TaskRecord> GetTask(const std::string& plan_id, int number) override;
  absl::StatusOr<int64_t> LatestEventSeq() override;
  absl::StatusOr<std::vector<pb::Task>> ListTasks(const TaskQuery& query) override;
  absl::StatusOr<std::vector<pb::Occurrence>> ListOccurrences(const OccurrenceQuery& query) override;
  absl::StatusOr<pb::Task> UpdateTask(const std::string& plan_id, const TaskDraft& draft, const std::string& etag,
                                      const pb::UpdateTaskRequest& request, absl::CivilDay today) override;
  absl::StatusOr<pb::ProgressReport> ReportProgress(const std::string& plan_id, int number,
                                                    const std::optional<OccurrenceKey>& occurrence,
                                                    const pb::ProgressReport& report, const Reporter& reporter,
                                                    const pb::ReportProgressRequest& request) override;
  absl::StatusOr<pb::TargetMeasurement> RecordTargetMeasurement(
      const std::string& plan_id, int number, int target, const pb::TargetMeasurement& measurement,
      const Reporter& reporter, const pb::RecordTargetMeasurementRequest& request) override;
  absl::StatusOr<std::vector<pb::Event>> ReadEvents(int64_t after_seq, int limit,
                                                    const std::string& resource_prefix) override;

 private:
  db::Pool& pool_;
};

}  // namespace p06::task
