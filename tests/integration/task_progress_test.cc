// Progress reports and the event stream, through real gRPC and PostgreSQL.
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "services/task/event_position.h"
#include "tests/integration/task_server.h"

namespace p06::testing {
namespace {

using ::testing::HasSubstr;

const Principal kHctp{.subject = "chuyenvien@hctp", .unit = "units/cuc-hctp", .roles = {"unit_reporter"}};
const Principal kPolice{.subject = "someone@bca", .unit = "units/bo-cong-an", .roles = {"unit_reporter"}};
const Principal kOffice{.subject = "vanthu@vpb", .unit = "units/van-phong-bo", .roles = {"office"}};
const Principal kTccb{.subject = "chuyenvien@tccb", .unit = "units/vu-tccb", .roles = {"unit_reporter"}};

tpb::ReportProgressRequest Report(int task, const std::string& request_id, int percent = 40) {
  tpb::ReportProgressRequest r;
  r.set_parent("plans/910-qd-btp-2025/tasks/" + std::to_string(task));
  r.set_request_id(request_id);
  r.mutable_report()->set_status(tpb::TASK_STATUS_IN_PROGRESS);
  r.mutable_report()->set_percent_complete(percent);
  r.mutable_report()->set_summary("Đã triển khai theo kế hoạch");
  tpb::Evidence* e = r.mutable_report()->add_evidence();
  e->set_document_type("Công văn");
  e->set_number("123/HCTP-HT");
  return r;
}

class TaskProgressTest : public TaskServerTest {
 protected:
  void SetUp() override {
    TaskServerTest::SetUp();
    Import(PlanText());  // 50 events.
    std::vector<tpb::Event> imported = Watch("", 50, /*replay_only=*/true);
    ASSERT_EQ(imported.size(), 50u);
    after_import_ = imported.back().cursor();
  }
  grpc::Status Post(const tpb::ReportProgressRequest& r, const Principal& who, tpb::ProgressReport* out = nullptr) {
    tpb::ProgressReport ignored;
    return T(&TaskStub::ReportProgress, r, out ? out : &ignored, &who);
  }
  // Reads the stream from `after` until `count` events arrived (or 20 s passed).
  std::vector<tpb::Event> Watch(const std::string& after, size_t count, bool replay_only = false) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    tpb::WatchEventsRequest request;
    request.set_after(after);
    request.set_replay_only(replay_only);
    auto reader = tasks_->WatchEvents(&ctx, request);
    std::vector<tpb::Event> events;
    tpb::WatchEventsResponse batch;
    while (events.size() < count && reader->Read(&batch)) {
      for (const auto& e : batch.events()) events.push_back(e);
    }
    ctx.TryCancel();
    reader->Finish();
    return events;
  }
  // The tasks' current percent, as GetTask tells it.
  int Percent(int task) { return Task(task).percent_complete(); }

  std::string after_import_;  // The cursor of the import's last event.
};

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
  EXPECT_THAT(T(&TaskStub::ReportProgress, Report(24, "p-6"), &out), StatusIs(absl::StatusCode::kUnauthenticated));
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

// Several writers commit concurrently, two on each task, while a consumer follows the
// stream: every event arrives exactly once, in an order that agrees with the order in
// which the writes took effect, across a reconnect and a restart.
TEST_F(TaskProgressTest, ConcurrentWritersEveryEventOnceInOrder) {
  constexpr int kWriters = 4, kEach = 25, kTotal = kWriters * kEach;
  std::vector<tpb::Event> live;
  std::thread consumer([&] { live = Watch(after_import_, kTotal); });
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  const int kTasks[kWriters] = {24, 24, 37, 37};
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        const int percent = w * kEach + i;  // Tells every write apart.
        if (!Post(Report(kTasks[w], "w" + std::to_string(w) + "-" + std::to_string(i), percent), kHctp).ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  consumer.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_EQ(live.size(), static_cast<size_t>(kTotal));
  std::set<std::string> request_ids;
  std::map<int, int> next_of_writer, last_percent_of_task;
  for (size_t i = 0; i < live.size(); ++i) {
    if (i > 0) {
      EXPECT_TRUE(*task::ParseCursor(live[i - 1].cursor(), "") < *task::ParseCursor(live[i].cursor(), ""))
          << live[i - 1].cursor() << " before " << live[i].cursor();
    }
    EXPECT_TRUE(request_ids.insert(live[i].request_id()).second) << "twice: " << live[i].request_id();
    const int percent = live[i].progress().percent_complete();
    EXPECT_EQ(percent % kEach, next_of_writer[percent / kEach]++) << "a writer's reports out of order";
    last_percent_of_task[live[i].resource().find("/tasks/24/") != std::string::npos ? 24 : 37] = percent;
  }
  // The last report of each task in the stream is the one that stands.
  EXPECT_EQ(last_percent_of_task[24], Percent(24));
  EXPECT_EQ(last_percent_of_task[37], Percent(37));

  // A consumer that reconnects resumes after its last cursor.
  std::vector<tpb::Event> resumed = Watch(live[59].cursor(), kTotal - 60, /*replay_only=*/true);
  ASSERT_EQ(resumed.size(), static_cast<size_t>(kTotal - 60));
  EXPECT_EQ(resumed.front().cursor(), live[60].cursor());
  EXPECT_EQ(resumed.back().cursor(), live.back().cursor());

  // And across a restart of the service.
  StartTaskServer();
  std::vector<tpb::Event> after_restart;
  std::thread follower([&] { after_restart = Watch(live[kTotal - 2].cursor(), 2); });
  absl::SleepFor(absl::Milliseconds(200));
  ASSERT_TRUE(Post(Report(24, "after-restart"), kHctp).ok());
  follower.join();
  ASSERT_EQ(after_restart.size(), 2u);
  EXPECT_EQ(after_restart[0].cursor(), live.back().cursor());
  EXPECT_EQ(after_restart[1].request_id(), "after-restart");
}

// A transaction that wrote its event and commits late holds back the events of
// transactions that started after it, even of other tasks, which commit at once (no
// writer waits for another's COMMIT): they can neither overtake it nor leave a gap a
// consumer would skip. The late one notifies nobody, as a writer of another schema
// would not: the stream still moves on when it ends.
TEST_F(TaskProgressTest, ALateCommitIsNeverSkipped) {
  pqxx::connection slow(database_url());
  pqxx::work slow_tx(slow);
  slow_tx.exec0("SET LOCAL search_path TO task");
  slow_tx.exec("SELECT lock_task_for_write('910-qd-btp-2025', 1)");
  slow_tx.exec0(
      "INSERT INTO events (kind, resource, request_id, payload) "
      "VALUES (2, 'plans/910-qd-btp-2025/tasks/1', 'slow', '\\x2a04736c6f77')");  // request_id "slow".

  std::vector<tpb::Event> seen;
  std::thread consumer([&] { seen = Watch(after_import_, 2); });
  EXPECT_TRUE(Post(Report(24, "fast"), kHctp).ok());  // Commits while the slow one is open.
  tpb::ListTaskHistoryRequest history;
  history.set_parent("plans/910-qd-btp-2025/tasks/24");
  tpb::ListTaskHistoryResponse h;
  ASSERT_TRUE(T(&TaskStub::ListTaskHistory, history, &h).ok());
  EXPECT_EQ(h.events_size(), 1) << "the fast report was shown ahead of an older open transaction";
  absl::SleepFor(absl::Milliseconds(300));
  slow_tx.commit();
  consumer.join();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].request_id(), "slow");
  EXPECT_EQ(seen[1].request_id(), "fast");
}

// Transaction ids as numbers: 8 < 9 < 10 < 11, whatever their digit count.
TEST_F(TaskProgressTest, StreamOrderIsNumericAcrossDigitCounts) {
  pqxx::connection conn(database_url());
  pqxx::work tx(conn);
  for (const char* xid : {"11", "8", "10", "9"}) {  // As if by long-finished transactions.
    tx.exec_params(
        "INSERT INTO task.events (xid, kind, resource, request_id, payload) "
        "VALUES ($1::text::xid8, 2, 'plans/910-qd-btp-2025/tasks/1', $1, '')",
        xid);
  }
  tx.commit();
  std::vector<tpb::Event> seen = Watch("", 4, /*replay_only=*/true);
  ASSERT_GE(seen.size(), 4u);  // Then the import's.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(task::ParseCursor(seen[i].cursor(), "")->xid, 8 + i);
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

TEST_F(TaskProgressTest, BadCursorIsInvalidArgument) {
  grpc::ClientContext ctx;
  tpb::WatchEventsRequest request;
  request.set_after("not-a-cursor");
  auto reader = tasks_->WatchEvents(&ctx, request);
  tpb::WatchEventsResponse batch;
  EXPECT_FALSE(reader->Read(&batch));
  EXPECT_THAT(reader->Finish(), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("after")));
}

}  // namespace
}  // namespace p06::testing

namespace p06::testing {
namespace {

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
  r.mutable_measurement()->set_value(1);
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

}  // namespace
}  // namespace p06::testing

namespace p06::testing {
namespace {

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

}  // namespace
}  // namespace p06::testing

namespace p06::testing {
namespace {

// GetTask answers from this replica's cache; a change made through another replica
// reaches it through the event stream.
TEST_F(TaskProgressTest, AnotherReplicasCacheLearnsOfTheChange) {
  db::Pool other_pool(task_config_.db);
  ServiceContext ctx{task_config_, other_pool, task_registry_, clock_};
  auto replica = task::TaskBundle::Create(ctx, "127.0.0.1:" + std::to_string(server_->port()));
  ASSERT_OK(replica);
  tpb::GetTaskRequest get;
  get.set_name("plans/910-qd-btp-2025/tasks/24");
  ASSERT_EQ((*replica)->service().GetTask(get)->status(), tpb::TASK_STATUS_NOT_STARTED);  // Now cached there.

  ASSERT_TRUE(Post(Report(24, "via-first-replica", 70), kHctp).ok());
  EXPECT_EQ(Task(24).percent_complete(), 70);  // This replica reads its own write at once.
  int seen = 0;
  for (absl::Time until = absl::Now() + absl::Seconds(5); seen != 70 && absl::Now() < until;) {
    seen = (*replica)->service().GetTask(get)->percent_complete();
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(seen, 70);
}

}  // namespace
}  // namespace p06::testing

namespace p06::testing {
namespace {

// Events older than the retention are pruned: a cursor before them is OUT_OF_RANGE,
// never a gap; an empty cursor starts at the oldest event kept.
TEST_F(TaskProgressTest, ACursorBeforePrunedEventsIsOutOfRange) {
  std::vector<tpb::Event> imported = Watch("", 50, /*replay_only=*/true);
  ASSERT_EQ(imported.size(), 50u);
  ASSERT_TRUE(Post(Report(24, "kept"), kHctp).ok());
  pqxx::connection admin(database_url());
  pqxx::nontransaction(admin).exec0(
      "UPDATE task.events SET commit_time = now() - interval '400 days' WHERE request_id <> 'kept'");
  db::Pool pool(task_config_.db);
  task::PgTaskStore store(pool, db::BuildConnectionString(task_config_.db));
  ASSERT_THAT(store.PruneEvents(absl::Hours(24 * 365)), StatusIs(absl::StatusCode::kOk));
  EXPECT_EQ(*store.PruneEvents(absl::Hours(24 * 365)), 0);  // Nothing more to prune.

  // Resuming from the last event pruned is fine: nothing after it is missing.
  std::vector<tpb::Event> resumed = Watch(after_import_, 1, /*replay_only=*/true);
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].request_id(), "kept");
  std::vector<tpb::Event> from_start = Watch("", 1, /*replay_only=*/true);
  ASSERT_EQ(from_start.size(), 1u);
  EXPECT_EQ(from_start[0].request_id(), "kept");

  // From before it, events are missing: refused, for the stream and the history.
  grpc::ClientContext ctx;
  tpb::WatchEventsRequest request;
  request.set_after(imported[10].cursor());
  auto reader = tasks_->WatchEvents(&ctx, request);
  tpb::WatchEventsResponse batch;
  EXPECT_FALSE(reader->Read(&batch));
  EXPECT_THAT(reader->Finish(), StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("empty cursor")));
  EXPECT_EQ(pqxx::nontransaction(admin).exec1("SELECT count(*) FROM task.events")[0].as<int>(), 1);
}

}  // namespace
}  // namespace p06::testing

namespace p06::testing {
namespace {

// Reports written together (ReportBatcher) get each its own answer; one that the
// database refuses fails alone and the others are written.
TEST_F(TaskProgressTest, ABadReportInABatchFailsAlone) {
  db::Pool pool(task_config_.db);
  task::ReportBatcher batcher(pool);
  auto call = [](int number, const std::string& request_id, int percent) {
    const std::string name = absl::StrCat("plans/910-qd-btp-2025/tasks/", number, "/progress/", 1000 + percent);
    return task::ReportCall{.order_key = absl::StrCat("910-qd-btp-2025/", number),
                            .args = {request_id, "fp-" + request_id, "910-qd-btp-2025", absl::StrCat(number), "", "0",
                                     "units/cuc-hctp", "false", "tester", "2", absl::StrCat(percent),
                                     absl::StrCat(1000 + percent), "1764000000000000", "\\x0a00", name, "\\x0a00"}};
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
  absl::SleepFor(absl::Milliseconds(300));
  std::vector<absl::StatusOr<task::ReportAnswer>> answers(calls.size(), absl::UnknownError("not run"));
  std::vector<std::thread> writers;
  for (size_t i = 0; i < calls.size(); ++i) {
    writers.emplace_back([&, i] { answers[i] = batcher.Run(calls[i]); });
  }
  absl::SleepFor(absl::Milliseconds(300));
  hold.commit();
  blocked.join();
  for (auto& t : writers) t.join();
  EXPECT_THAT(first, StatusIs(absl::StatusCode::kOk));
  for (size_t i : {0, 1, 3}) {
    ASSERT_THAT(answers[i], StatusIs(absl::StatusCode::kOk)) << i;
    EXPECT_EQ(answers[i]->refusal, "");
  }
  EXPECT_THAT(answers[2], StatusIs(absl::StatusCode::kInvalidArgument));
  pqxx::connection admin(database_url());
  pqxx::nontransaction tx(admin);
  EXPECT_EQ(
      tx.exec1("SELECT string_agg(request_id, ',' ORDER BY request_id) FROM task.request_log")[0].as<std::string>(),
      "first,good-1,good-2,good-3");
  EXPECT_EQ(tx.exec1("SELECT percent_complete FROM task.tasks WHERE number = 24")[0].as<int>(), 10);
}

}  // namespace
}  // namespace p06::testing
