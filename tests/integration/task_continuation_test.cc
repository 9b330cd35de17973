// Next year's plan beside this year's, through the real server: the 2026 plan is a
// second plan, the 2025 plan keeps its history, and the import says which 2025 task
// each new task continues, for the Office to confirm.
#include "absl/strings/str_replace.h"
#include "tests/integration/task_progress_fixture.h"
#include "tests/integration/task_server.h"

namespace p06::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kPlan2025[] = "plans/910-qd-btp-2025";

// The 2025 plan as next year's decision would print it: another number, the year
// moved on, and task 3 about something else altogether.
std::string Plan2026() {
  std::string text = absl::StrReplaceAll(PlanText(), {{"910/QĐ-BTP", "1234/QĐ-BTP"}, {"2025", "2026"}});
  const std::string old_title =
      "Nghiên cứu, xây dựng Đề án chuyển đổi số có tính chất tương tự Đề án 06 và bảo đảm kết nối với Đề án 06";
  EXPECT_NE(text.find(old_title), std::string::npos);
  return absl::StrReplaceAll(text, {{old_title, "Kiểm kê tài sản cố định của cơ quan theo quy định"}});
}

class TaskContinuationTest : public TaskServerTest {};

TEST_F(TaskContinuationTest, NextYearsPlanIsASecondPlanWhoseTasksSayWhatTheyContinue) {
  Import(PlanText());
  tpb::ProgressReport report;  // 2025 history that must survive the 2026 import.
  ASSERT_TRUE(T(&TaskStub::ReportProgress, Report(1, "cont-1", 40), &report).ok());

  tpb::ImportPlanResponse preview = Import(Plan2026(), /*dry_run=*/true);
  tpb::ImportPlanResponse r = Import(Plan2026());
  ASSERT_NE(r.plan().name(), kPlan2025);
  EXPECT_EQ(r.plan().year(), 2026);
  EXPECT_EQ(r.diff().added_tasks_size(), 49);
  EXPECT_EQ(preview.continuations_size(), r.continuations_size());

  std::map<std::string, tpb::Continuation> by_task;
  for (const auto& c : r.continuations()) by_task[c.task()] = c;
  const std::string plan = r.plan().name();
  // Task 1 ("… năm 2025" → "… năm 2026") continues 2025's task 1, as alike as titles get.
  ASSERT_TRUE(by_task.contains(plan + "/tasks/1"));
  EXPECT_EQ(by_task[plan + "/tasks/1"].previous_task(), absl::StrCat(kPlan2025, "/tasks/1"));
  EXPECT_DOUBLE_EQ(by_task[plan + "/tasks/1"].score(), 1.0);
  EXPECT_FALSE(by_task[plan + "/tasks/1"].confirmed());
  EXPECT_THAT(by_task[plan + "/tasks/1"].previous_title(), HasSubstr("Kế hoạch triển khai"));
  // Every suggestion pairs a task with its own number here, since the texts are alike.
  for (const auto& [task, c] : by_task) {
    EXPECT_EQ(c.previous_task().substr(c.previous_task().rfind('/')), task.substr(task.rfind('/'))) << task;
    EXPECT_GE(c.score(), 0.5);
  }
  // The task about something else continues nothing.
  EXPECT_FALSE(by_task.contains(plan + "/tasks/3"));
  EXPECT_GE(r.continuations_size(), 45);

  // The 2025 plan is as it was: its tasks, and the progress reported on them.
  tpb::GetTaskRequest get;
  get.set_name(absl::StrCat(kPlan2025, "/tasks/1"));
  tpb::Task t1;
  ASSERT_TRUE(T(&TaskStub::GetTask, get, &t1).ok());
  EXPECT_EQ(t1.status(), tpb::TASK_STATUS_IN_PROGRESS);
  EXPECT_EQ(t1.percent_complete(), 40);
  EXPECT_EQ(Numbers({}).size(), 49u);

  // The Office confirms one, corrects another, and says task 3 continues nothing.
  tpb::ConfirmContinuationRequest confirm;
  confirm.set_task(plan + "/tasks/1");
  confirm.set_previous_task(absl::StrCat(kPlan2025, "/tasks/1"));
  tpb::Continuation confirmed;
  ASSERT_TRUE(T(&TaskStub::ConfirmContinuation, confirm, &confirmed).ok());
  EXPECT_TRUE(confirmed.confirmed());
  confirm.set_task(plan + "/tasks/2");
  confirm.set_previous_task(absl::StrCat(kPlan2025, "/tasks/4"));
  ASSERT_TRUE(T(&TaskStub::ConfirmContinuation, confirm, &confirmed).ok());
  EXPECT_LT(confirmed.score(), 0.5);  // The Office knows better than the titles.
  confirm.set_task(plan + "/tasks/3");
  confirm.clear_previous_task();
  ASSERT_TRUE(T(&TaskStub::ConfirmContinuation, confirm, &confirmed).ok());

  tpb::ListContinuationsRequest list;
  list.set_parent(plan);
  tpb::ListContinuationsResponse listed;
  ASSERT_TRUE(T(&TaskStub::ListContinuations, list, &listed).ok());
  std::map<std::string, tpb::Continuation> stored;
  for (const auto& c : listed.continuations()) stored[c.task()] = c;
  EXPECT_TRUE(stored[plan + "/tasks/1"].confirmed());
  EXPECT_EQ(stored[plan + "/tasks/2"].previous_task(), absl::StrCat(kPlan2025, "/tasks/4"));
  EXPECT_TRUE(stored[plan + "/tasks/3"].confirmed());
  EXPECT_TRUE(stored[plan + "/tasks/3"].previous_task().empty());
  EXPECT_FALSE(stored[plan + "/tasks/5"].confirmed());
}

TEST_F(TaskContinuationTest, AContinuationIsOfLastYearsPlanAndOnlyTheOfficeConfirmsIt) {
  Import(PlanText());
  const std::string plan = Import(Plan2026()).plan().name();
  tpb::ConfirmContinuationRequest confirm;
  confirm.set_task(plan + "/tasks/1");
  confirm.set_previous_task(plan + "/tasks/2");  // The same year's plan.
  tpb::Continuation c;
  EXPECT_THAT(T(&TaskStub::ConfirmContinuation, confirm, &c),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("previous_task")));
  confirm.set_previous_task(absl::StrCat(kPlan2025, "/tasks/999"));
  EXPECT_THAT(T(&TaskStub::ConfirmContinuation, confirm, &c), StatusIs(absl::StatusCode::kNotFound));
  confirm.set_previous_task("plans/../tasks/1");
  EXPECT_THAT(T(&TaskStub::ConfirmContinuation, confirm, &c), StatusIs(absl::StatusCode::kInvalidArgument));
  confirm.set_previous_task(absl::StrCat(kPlan2025, "/tasks/1"));
  EXPECT_THAT(T(&TaskStub::ConfirmContinuation, confirm, &c, &kViewerCaller),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(T(&TaskStub::ConfirmContinuation, confirm, &c, nullptr), StatusIs(absl::StatusCode::kUnauthenticated));
  tpb::ListContinuationsRequest list;
  list.set_parent("plans/khong-co");
  tpb::ListContinuationsResponse listed;
  EXPECT_THAT(T(&TaskStub::ListContinuations, list, &listed), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace p06::testing
