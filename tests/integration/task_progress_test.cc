// Progress reports and target measurements, through real gRPC and PostgreSQL.
#include <thread>

#include "services/task/storage/report_batcher.h"
#include "tests/integration/task_progress_fixture.h"

namespace p06::testing {
namespace {

using ::testing::HasSubstr;

TEST_F(TaskProgressTest, AReportMovesTheTaskAndEntersItsHistory) {
  tpb::ProgressReport posted;
  ASSERT_TRUE(Post(Report(24, "r-24-1"), kHctp, &posted).ok());
  EXPECT_EQ(posted.name().rfind("plans/910-qd-btp-2025/tasks/24/progress/", 0), 0u);
  EXPECT_EQ(posted.reporting_unit(), "units/cuc-hctp");
  EXPECT_EQ(posted.reported_by(), "chuyenvien@hctp");
  tpb::Task task = Task(24);
  EXPECT_EQ(task.status(), tpb::TASK_STATUS_IN_PROGRESS);
  EXPECT_EQ(task.percent_complete(), 40);

  tpb::ListTaskHistoryRequest history;
  history.set_parent("plans/910-qd-btp-2025/tasks/24");
  tpb::ListTaskHistoryResponse h;
  ASSERT_TRUE(T(&TaskStub::ListTaskHistory, history, &h).ok());
  ASSERT_EQ(h.events_size(), 2);  // Imported, then reported.
  EXPECT_EQ(h.events(1).kind(), tpb::Event::KIND_PROGRESS_REPORTED);
  EXPECT_EQ(h.events(1).progress().evidence(0).number(), "123/HCTP-HT");
}

TEST_F(TaskProgressTest, OnlyUnitsOnTheTaskMayReport) {
  EXPECT_THAT(Post(Report(24, "p-1"), kPolice), StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("bo-cong-an")));
  // A stranger learns nothing, not even whether the task exists.
  EXPECT_THAT(Post(Report(99, "p-2"), kPolice), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Post(Report(99, "p-3"), kOffice), StatusIs(absl::StatusCode::kNotFound));
  // A unit in the coordinating group ("Các đơn vị thuộc Bộ có liên quan") may.
  EXPECT_TRUE(Post(Report(24, "p-4"), kTccb).ok());
  // The Office may report for a unit on the task; others only for their own.
  tpb::ReportProgressRequest for_hctp = Report(24, "p-5");
  for_hctp.mutable_report()->set_reporting_unit("units/cuc-hctp");
  EXPECT_TRUE(Post(for_hctp, kOffice).ok());
  EXPECT_THAT(Post(for_hctp, kTccb), StatusIs(absl::StatusCode::kPermissionDenied));
  tpb::ProgressReport out;
  EXPECT_THAT(T(&TaskStub::ReportProgress, Report(24, "p-6"), &out, nullptr), StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(TaskProgressTest, BadReportsAreRefusedNamingTheFieldAndWriteNothing) {
  tpb::ReportProgressRequest r = Report(24, "b-1", 101);
  EXPECT_THAT(Post(r, kHctp), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("report.percent_complete")));
  r = Report(24, "b-2");
  r.mutable_report()->clear_status();
  EXPECT_THAT(Post(r, kHctp), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("report.status")));
  r = Report(24, "");
  EXPECT_THAT(Post(r, kHctp), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("request_id")));
  r = Report(24, "b-3");
  r.mutable_report()->mutable_evidence(0)->clear_document_type();
  EXPECT_THAT(Post(r, kHctp),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("report.evidence[0].document_type")));
  r = Report(24, "b-4");
  r.mutable_report()->set_occurrence("plans/910-qd-btp-2025/tasks/7/occurrences/2025-01-31");
  EXPECT_THAT(Post(r, kHctp), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("report.occurrence")));
  r.mutable_report()->set_occurrence("plans/910-qd-btp-2025/tasks/24/occurrences/2025-01-31");
  EXPECT_THAT(Post(r, kHctp), StatusIs(absl::StatusCode::kNotFound, HasSubstr("occurrence")));
  EXPECT_EQ(Task(24).status(), tpb::TASK_STATUS_NOT_STARTED);
  EXPECT_EQ(Watch(after_import_, 1, /*replay_only=*/true).size(), 0u);
}

TEST_F(TaskProgressTest, AReportOnAnOccurrenceCountsAsItsSubmission) {
  tpb::ReportProgressRequest r = Report(7, "o-1");
  r.mutable_report()->set_status(tpb::TASK_STATUS_COMPLETED);
  r.mutable_report()->set_occurrence("plans/910-qd-btp-2025/tasks/7/occurrences/2025-01-31");
  ASSERT_TRUE(Post(r, kOffice).ok());  // Văn phòng Bộ leads task 7.
  tpb::ListOccurrencesRequest list;
  list.set_parent("plans/910-qd-btp-2025/tasks/7");
  tpb::ListOccurrencesResponse occurrences;
  ASSERT_TRUE(T(&TaskStub::ListOccurrences, list, &occurrences).ok());
  EXPECT_EQ(occurrences.occurrences(0).status(), tpb::TASK_STATUS_COMPLETED);
  EXPECT_EQ(occurrences.occurrences(0).submission_count(), 1);
  EXPECT_FALSE(occurrences.occurrences(0).overdue());
  EXPECT_TRUE(occurrences.occurrences(1).overdue());  // February's, by the clock of 15/04.
}

TEST_F(TaskProgressTest, ARetriedReportTakesEffectOnce) {
  tpb::ProgressReport first, retry;
  ASSERT_TRUE(Post(Report(24, "same-id"), kHctp, &first).ok());
  ASSERT_TRUE(Post(Report(24, "same-id"), kHctp, &retry).ok());
  EXPECT_EQ(first.name(), retry.name());
  EXPECT_EQ(Watch(after_import_, 10, /*replay_only=*/true).size(), 1u);
  EXPECT_THAT(Post(Report(24, "same-id", 90), kHctp),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("request_id")));
}

TEST_F(TaskProgressTest, ARevisionKeepsTheProgressOfUnchangedTasks) {
  ASSERT_TRUE(Post(Report(24, "before-revision", 60), kHctp).ok());
  std::string revised = PlanText();
  size_t t3 = revised.find("\n3.\t");
  revised.replace(revised.find("Năm 2025", t3), std::string("Năm 2025").size(), "Tháng 9");
  tpb::ImportPlanResponse r = Import(revised);
  EXPECT_EQ(r.plan().revision(), 2);
  tpb::Task t24 = Task(24);
  EXPECT_EQ(t24.status(), tpb::TASK_STATUS_IN_PROGRESS);
  EXPECT_EQ(t24.percent_complete(), 60);
}

TEST_F(TaskProgressTest, TargetMeasurementsAreRecordedAndChecked) {
  tpb::Task t36 = Task(36);
  ASSERT_EQ(t36.targets_size(), 9);
  EXPECT_EQ(t36.targets(5).name(), "plans/910-qd-btp-2025/tasks/36/targets/6");
  tpb::RecordTargetMeasurementRequest r;
  r.set_parent(t36.targets(5).name());  // "Tối thiểu 90% người dân, doanh nghiệp hài lòng …"
  r.set_request_id("m-1");
  r.mutable_measurement()->set_value(92.5);
  r.mutable_measurement()->set_source("Khảo sát quý II");
  r.mutable_measurement()->mutable_period_end()->set_year(2025);
  r.mutable_measurement()->mutable_period_end()->set_month(6);
  r.mutable_measurement()->mutable_period_end()->set_day(30);
  tpb::TargetMeasurement out;
  ASSERT_TRUE(T(&TaskStub::RecordTargetMeasurement, r, &out, &kHctp).ok());
  EXPECT_EQ(out.name().rfind("plans/910-qd-btp-2025/tasks/36/targets/6/measurements/", 0), 0u);
  EXPECT_EQ(out.reporting_unit(), "units/cuc-hctp");

  r.set_request_id("m-2");
  r.set_parent("plans/910-qd-btp-2025/tasks/36/targets/10");
  EXPECT_THAT(T(&TaskStub::RecordTargetMeasurement, r, &out, &kHctp), StatusIs(absl::StatusCode::kNotFound));
  r.set_parent(t36.targets(5).name());
  EXPECT_THAT(T(&TaskStub::RecordTargetMeasurement, r, &out, &kPolice), StatusIs(absl::StatusCode::kPermissionDenied));
  r.mutable_measurement()->set_value(-1);
  EXPECT_THAT(T(&TaskStub::RecordTargetMeasurement, r, &out, &kHctp),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("measurement.value")));
  r.mutable_measurement()->set_value(250);  // The target is a percentage.
  EXPECT_THAT(T(&TaskStub::RecordTargetMeasurement, r, &out, &kHctp),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("measurement.value: the target is a percentage")));
  r.mutable_measurement()->set_value(1);
  r.mutable_measurement()->mutable_period_end()->set_year(1900);  // Not a period of a 2025 plan.
  EXPECT_THAT(T(&TaskStub::RecordTargetMeasurement, r, &out, &kHctp),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("measurement.period_end: must lie in 2024..2026")));
  r.mutable_measurement()->clear_period_end();
  EXPECT_THAT(T(&TaskStub::RecordTargetMeasurement, r, &out, &kHctp),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("measurement.period_end")));

  tpb::ListTaskHistoryRequest history;
  history.set_parent("plans/910-qd-btp-2025/tasks/36");
  tpb::ListTaskHistoryResponse h;
  ASSERT_TRUE(T(&TaskStub::ListTaskHistory, history, &h).ok());
  ASSERT_EQ(h.events_size(), 2);
  EXPECT_EQ(h.events(1).kind(), tpb::Event::KIND_TARGET_MEASURED);
  EXPECT_EQ(h.events(1).measurement().value(), 92.5);
}

// The connection drops while COMMIT is under way: the service cannot know whether it
// committed, answers UNAVAILABLE, and the retry with the same request_id settles it.
TEST_F(TaskProgressTest, ACommitInDoubtIsUnavailableAndItsRetryTakesEffectOnce) {
  pqxx::connection admin(database_url());
  {
    pqxx::work tx(admin);
    // A deferred constraint trigger runs during COMMIT: here it just waits there.
    tx.exec0(R"sql(
      CREATE FUNCTION task.slow_commit() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN PERFORM pg_sleep(30); RETURN NULL; END $$;
      CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON task.progress_reports
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION task.slow_commit();
    )sql");
    tx.commit();
  }
  grpc::Status first;
  std::thread poster([&] { first = Post(Report(24, "in-doubt-1"), kHctp); });
  int pid = 0;
  for (int i = 0; i < 200 && pid == 0; ++i) {
    pqxx::nontransaction tx(admin);
    pqxx::result r = tx.exec(
        "SELECT pid FROM pg_stat_activity WHERE query LIKE '%report_progress%' AND wait_event = 'PgSleep' "
        "AND pid <> pg_backend_pid()");
    if (!r.empty()) pid = r[0][0].as<int>();
    absl::SleepFor(absl::Milliseconds(25));
  }
  ASSERT_NE(pid, 0) << "the report never reached COMMIT";
  {
    pqxx::nontransaction tx(admin);
    tx.exec_params("SELECT pg_terminate_backend($1)", pid);
    tx.exec0("DROP TRIGGER slow_commit ON task.progress_reports");
  }
  poster.join();
  EXPECT_THAT(first, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("same request_id")));

  tpb::ProgressReport settled;
  ASSERT_TRUE(Post(Report(24, "in-doubt-1"), kHctp, &settled).ok());
  tpb::ProgressReport again;
  ASSERT_TRUE(Post(Report(24, "in-doubt-1"), kHctp, &again).ok());
  EXPECT_EQ(settled.name(), again.name());
  pqxx::nontransaction tx(admin);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM task.events WHERE request_id = 'in-doubt-1'")[0].as<int>(), 1);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM task.progress_reports")[0].as<int>(), 1);
}

// Reports written together (ReportBatcher) get each its own answer; one that the
// database refuses fails alone and the others are written.
TEST_F(TaskProgressTest, ABadReportInABatchFailsAlone) {
  db::Pool pool(task_config_.db);
  task::ReportBatcher batcher(pool);
  auto call = [](int number, const std::string& request_id, int percent) {
    const std::string name = absl::StrCat("plans/910-qd-btp-2025/tasks/", number, "/progress/", 1000 + percent);
    return task::ReportCall{.request_id = request_id,
                            .fingerprint = "fp-" + request_id,
                            .plan = "910-qd-btp-2025",
                            .number = number,
                            .unit = "units/cuc-hctp",
                            .subject = "tester",
                            .status = tpb::TASK_STATUS_IN_PROGRESS,
                            .percent = percent,
                            .report_id = 1000 + percent,
                            .create_micros = 1764000000000000,
                            .report = std::string("\x0a\x00", 2),
                            .event_resource = name,
                            .event = std::string("\x0a\x00", 2)};
  };
  // 101% passes report_progress but not the tasks table's CHECK: a SQL error.
  const std::vector<task::ReportCall> calls = {call(24, "good-1", 10), call(37, "good-2", 20), call(24, "bad", 101),
                                               call(28, "good-3", 30)};
  // A first report waits on a lock held here, so that the four queue behind it and
  // are then written as one batch.
  pqxx::connection holder(database_url());
  pqxx::work hold(holder);
  hold.exec("SELECT task.lock_task_for_write('910-qd-btp-2025', 30)");
  absl::StatusOr<task::ReportAnswer> first = absl::UnknownError("not run");
  std::thread blocked([&] { first = batcher.Run(call(30, "first", 5)); });
  // Waits on conditions, not on time: the first report blocked on the lock in
  // PostgreSQL, then the four queued behind it in the batcher.
  pqxx::connection observer(database_url());
  auto lock_waiters = [&] {
    pqxx::nontransaction tx(observer);
    return tx.exec1("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")[0].as<int>();
  };
  while (lock_waiters() == 0) absl::SleepFor(absl::Milliseconds(5));
  std::vector<absl::StatusOr<task::ReportAnswer>> answers(calls.size(), absl::UnknownError("not run"));
  std::vector<std::thread> writers;
  for (size_t i = 0; i < calls.size(); ++i) {
    writers.emplace_back([&, i] { answers[i] = batcher.Run(calls[i]); });
  }
  while (batcher.Waiting() < calls.size()) absl::SleepFor(absl::Milliseconds(5));
  hold.commit();
  blocked.join();
  for (auto& t : writers) t.join();
  EXPECT_THAT(first, StatusIs(absl::StatusCode::kOk));
  for (size_t i : {0, 1, 3}) {
    ASSERT_THAT(answers[i], StatusIs(absl::StatusCode::kOk)) << i;
    EXPECT_EQ(answers[i]->refusal, task::ReportRefusal::kNone);
  }
  EXPECT_THAT(answers[2], StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(batcher.LargestBatch(), calls.size()) << "the four were to be written as one batch";
  pqxx::connection admin(database_url());
  pqxx::nontransaction tx(admin);
  EXPECT_EQ(
      tx.exec1("SELECT string_agg(request_id, ',' ORDER BY request_id) FROM task.request_log")[0].as<std::string>(),
      "first,good-1,good-2,good-3");
  EXPECT_EQ(tx.exec1("SELECT percent_complete FROM task.tasks WHERE number = 24")[0].as<int>(), 10);
}

}  // namespace
}  // namespace p06::testing
