// A TaskStore in memory, for the task logic's unit tests: it records the drafts and
// calls the logic hands it, and answers as the real store's contract says for the
// calls those tests make. Methods no unit test needs answer UNIMPLEMENTED, so a test
// that strays into them fails loudly instead of passing on a made-up answer.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/task/storage/task_store.h"

namespace p06::testing {

class FakeTaskStore final : public task::TaskStore {
 public:
  struct ReportCall {
    std::string plan_id;
    int number = 0;
    std::optional<task::OccurrenceKey> occurrence;
    task::pb::ProgressReport report;
    task::Reporter reporter;
  };

  // The plans GetPlan answers with.
  void PutPlan(const std::string& plan_id, const task::pb::Plan& plan) {
    std::lock_guard lock(mu_);
    plans_[plan_id] = plan;
  }
  // The tasks GetTask answers with.
  void PutTask(const task::pb::Task& task) {
    std::lock_guard lock(mu_);
    tasks_[task.name()] = task;
  }
  std::vector<task::PlanDraft> saved() const {
    std::lock_guard lock(mu_);
    return saved_;
  }
  std::vector<ReportCall> reports() const {
    std::lock_guard lock(mu_);
    return reports_;
  }

  absl::StatusOr<task::pb::ImportPlanResponse> SavePlan(const task::PlanDraft& draft,
                                                        const task::pb::ImportPlanRequest&, const std::string&,
                                                        absl::CivilDay) override {
    std::lock_guard lock(mu_);
    saved_.push_back(draft);
    return Response(draft);
  }
  absl::StatusOr<task::pb::ImportPlanResponse> PreviewPlan(const task::PlanDraft& draft) override {
    return Response(draft);
  }
  absl::StatusOr<task::TaskRecord> GetTask(const std::string& plan_id, int number) override {
    std::lock_guard lock(mu_);
    auto found = tasks_.find(absl::StrCat("plans/", plan_id, "/tasks/", number));
    if (found == tasks_.end()) return absl::NotFoundError("no such task");
    return task::TaskRecord{.task = found->second};
  }
  absl::StatusOr<task::pb::ProgressReport> ReportProgress(const std::string& plan_id, int number,
                                                          const std::optional<task::OccurrenceKey>& occurrence,
                                                          const task::pb::ProgressReport& report,
                                                          const task::Reporter& reporter,
                                                          const task::pb::ReportProgressRequest&) override {
    std::lock_guard lock(mu_);
    reports_.push_back({plan_id, number, occurrence, report, reporter});
    task::pb::ProgressReport stored = report;
    stored.set_name(absl::StrCat("plans/", plan_id, "/tasks/", number, "/progress/", reports_.size()));
    stored.set_reporting_unit(reporter.unit);
    stored.set_reported_by(reporter.subject);
    return stored;
  }

  absl::StatusOr<task::pb::Plan> GetPlan(const std::string& plan_id) override {
    std::lock_guard lock(mu_);
    auto found = plans_.find(plan_id);
    if (found == plans_.end()) return absl::NotFoundError("no such plan");
    return found->second;
  }
  absl::StatusOr<std::vector<task::pb::Plan>> ListPlans(int, const std::string&, int) override {
    return Unimplemented();
  }
  absl::StatusOr<std::vector<task::pb::Continuation>> ListContinuations(const std::string&) override {
    return Unimplemented();
  }
  absl::StatusOr<task::pb::Continuation> ConfirmContinuation(const std::string&, const task::pb::ConfirmContinuationRequest&,
                                                             const std::string&, int, const std::string&, int, double,
                                                             const std::string&) override {
    return Unimplemented();
  }
  absl::StatusOr<std::vector<task::RankedTask>> ListTasks(const task::TaskQuery&) override { return Unimplemented(); }
  absl::StatusOr<std::vector<task::pb::Occurrence>> ListOccurrences(const task::OccurrenceQuery&) override {
    return Unimplemented();
  }
  absl::StatusOr<task::pb::Task> UpdateTask(const std::string&, const task::TaskDraft&, const std::string&,
                                            const task::pb::UpdateTaskRequest&, const std::string&,
                                            absl::CivilDay) override {
    return Unimplemented();
  }
  absl::StatusOr<task::pb::TargetMeasurement> RecordTargetMeasurement(
      const std::string&, int, int, const task::pb::TargetMeasurement&, const task::Reporter&,
      const task::pb::RecordTargetMeasurementRequest&) override {
    return Unimplemented();
  }
  absl::StatusOr<task::EventPosition> StreamHead() override { return Unimplemented(); }
  absl::StatusOr<task::EventBatch> ReadEvents(const task::EventPosition&, int, const std::string&) override {
    return Unimplemented();
  }
  absl::StatusOr<int64_t> CountEventsAfter(const task::EventPosition&, int64_t) override { return Unimplemented(); }
  absl::StatusOr<int64_t> PruneEvents(absl::Duration) override { return Unimplemented(); }
  absl::StatusOr<bool> FollowTaskUnits(const std::string&, const task::TaskDraft&, const std::string&,
                                       absl::CivilDay, const std::string&) override {
    return Unimplemented();
  }

 private:
  static absl::Status Unimplemented() { return absl::UnimplementedError("not in FakeTaskStore"); }
  static task::pb::ImportPlanResponse Response(const task::PlanDraft& draft) {
    task::pb::ImportPlanResponse response;
    *response.mutable_plan() = draft.plan;
    for (const task::TaskDraft& t : draft.tasks) *response.add_tasks() = t.task;
    return response;
  }

  mutable std::mutex mu_;
  std::map<std::string, task::pb::Plan> plans_;
  std::map<std::string, task::pb::Task> tasks_;
  std::vector<task::PlanDraft> saved_;
  std::vector<ReportCall> reports_;
};

}  // namespace p06::testing
