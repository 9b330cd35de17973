// The read model against the unlucky operator: the task service down, the consumer's
// cursor fallen behind the task service's retention, and the dashboard it serves.
#include <pqxx/pqxx>

#include "services/task/storage/pg_task_store.h"
#include "tests/integration/reporting_scenario.h"

namespace p06::testing {
namespace {

using ::testing::HasSubstr;

int64_t Count(const std::string& url, const std::string& sql) {
  pqxx::connection conn(url);
  pqxx::nontransaction tx(conn);
  return tx.exec1(sql)[0].as<int64_t>();
}

// With the task service gone, reports of periods the read model holds are still
// made, and say how far behind they may be.
TEST_F(ReportingReportTest, WithTheTaskServiceDownReportsComeFromTheReadModelWithTheLagStated) {
  PlayTheYear();
  task_server_.reset();  // The stream ends; the consumer retries in the background.
  for (int i = 0; i < 500 && reporting_bundle_->consumer().Lag().caught_up; ++i) absl::SleepFor(absl::Milliseconds(10));
  clock_.Advance(absl::Minutes(5));
  rpb::Report half;
  ASSERT_OK(Create(rpb::PERIOD_KIND_SIX_MONTH, "2025-H1", &half));
  EXPECT_EQ(half.totals().total(), 93);
  EXPECT_FALSE(half.lag().caught_up());
  EXPECT_GE(half.lag().seconds_behind(), 300) << "the last event applied is at least 5 minutes old";
  EXPECT_FALSE(half.lag().event_cursor().empty());
  // A period the read model cannot hold yet is refused, saying how far it got.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 7, 1, 9, 0, 0), absl::UTCTimeZone()));
  rpb::Report later;
  EXPECT_THAT(Create(rpb::PERIOD_KIND_SIX_MONTH, "2026-H1", &later),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("holds the task service's events up to 2026-01-05")));
}

// A cursor older than the task service keeps (its events pruned) is answered
// OUT_OF_RANGE: the consumer rebuilds from the List RPCs and replays what is kept.
TEST_F(ReportingReportTest, ACursorBehindTheRetentionRebuildsTheReadModel) {
  ASSERT_TRUE(Post(Report(26, "held-before"), kHctp).ok());
  WaitCaughtUp();
  reporting_server_.reset();
  reporting_bundle_.reset();
  ASSERT_TRUE(Post(Report(24, "pruned-away"), kHctp).ok());
  ASSERT_TRUE(Post(Report(25, "kept"), kHctp).ok());
  {
    pqxx::connection admin(database_url());
    pqxx::nontransaction(admin).exec0(
        "UPDATE task.events SET commit_time = now() - interval '400 days' WHERE request_id <> 'kept'");
  }
  db::Pool pool(task_config_.db);
  task::PgTaskStore store(pool, db::BuildConnectionString(task_config_.db), SystemClock::Get());
  ASSERT_OK(store.PruneEvents(absl::Hours(24 * 365)));

  StartReportingServer();
  const std::string url = database_url();
  for (int i = 0; i < 2000 && Count(url, "SELECT count(*) FROM reporting.progress WHERE number = 25") == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(Count(url, "SELECT count(*) FROM reporting.tasks WHERE NOT removed"), 49);
  EXPECT_EQ(Count(url, "SELECT count(*) FROM reporting.occurrences"), Count(url, "SELECT count(*) FROM task.occurrences"));
  // What the model held before is kept (the task service cannot list it again); the
  // report whose event was pruned before the model saw it is gone from the task
  // service's history too; the one kept is there, once.
  EXPECT_EQ(Count(url, "SELECT count(*) FROM reporting.progress WHERE number = 26"), 1);
  EXPECT_EQ(Count(url, "SELECT count(*) FROM reporting.progress WHERE number = 24"), 0);
  EXPECT_EQ(Count(url, "SELECT count(*) FROM reporting.progress WHERE number = 25"), 1);
  EXPECT_EQ(Count(url, "SELECT caught_up::int FROM reporting.consumer_state"), 1);
  rpb::Report march;
  EXPECT_OK(Create(rpb::PERIOD_KIND_MONTHLY, "2025-03", &march));
  EXPECT_EQ(march.totals().total(), 93);
}

// Live aggregates as of a day: counts, what falls due in the next 10 working days,
// the oldest overdue first.
TEST_F(ReportingReportTest, TheDashboardCountsAsOfItsDay) {
  PlayTheYear();
  rpb::GetDashboardRequest request;
  request.set_plan("plans/910-qd-btp-2025");
  *request.mutable_as_of() = D(2025, 6, 20);
  rpb::Dashboard dashboard;
  ASSERT_OK(R(&ReportingStub::GetDashboard, request, &dashboard, &kHctp));
  // Due 30/6/2025, within 10 working days of 20/6 and still open: the 30/6
  // occurrences of 27 continuous tasks (24's is blocked), of tasks 6, 7 and 8, and
  // task 33's pilot.
  EXPECT_EQ(dashboard.due_soon(), 31);
  ASSERT_EQ(dashboard.top_overdue_size(), 2);
  EXPECT_EQ(dashboard.top_overdue(0).occurrence(), kPlan + "7/occurrences/2025-04-30");
  EXPECT_EQ(dashboard.top_overdue(1).occurrence(), kPlan + "7/occurrences/2025-05-31");
  EXPECT_EQ(dashboard.totals().total(), 93);
  EXPECT_EQ(dashboard.totals().completed_on_time(), 2) << "7-March and, reported on 20/6, 6-Q1";
  request.set_due_within_working_days(61);
  EXPECT_THAT(R(&ReportingStub::GetDashboard, request, &dashboard),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("due_within_working_days")));
}

// An event whose data the read model cannot take (here a task whose occurrence is due
// on 1/1 of the year 0, a date PostgreSQL does not have) is kept aside and passed: the
// events after it still arrive, and what it would have changed is left as it was.
TEST_F(ReportingReportTest, AnEventTheModelCannotTakeIsKeptAsideNotRetriedForEver) {
  WaitCaughtUp();
  tpb::Event poison;
  poison.set_kind(tpb::Event::KIND_TASK_CHANGED);
  poison.set_resource("plans/910-qd-btp-2025/tasks/24");
  poison.mutable_task()->set_name(poison.resource());
  poison.mutable_task()->set_number(24);
  poison.mutable_task()->set_title("poisoned");
  tpb::Occurrence* o = poison.add_occurrences();
  o->set_name("plans/910-qd-btp-2025/tasks/24/occurrences/0000-01-01");
  o->mutable_due_date()->set_year(0);
  o->mutable_due_date()->set_month(1);
  o->mutable_due_date()->set_day(1);
  {
    pqxx::connection admin(database_url());
    pqxx::work tx(admin);
    tx.exec_params("INSERT INTO task.events (kind, resource, request_id, payload) VALUES (2, $1, 'poison', $2)",
                   poison.resource(), pqxx::binarystring(poison.SerializeAsString()));
    tx.exec0("NOTIFY task_events");
    tx.commit();
  }
  ASSERT_TRUE(Post(Report(25, "after-poison"), kHctp).ok());
  WaitCaughtUp();
  const std::string url = database_url();
  EXPECT_EQ(Count(url, "SELECT count(*) FROM reporting.progress WHERE number = 25"), 1);
  EXPECT_EQ(Count(url, "SELECT count(*) FROM reporting.skipped_events WHERE resource LIKE '%/tasks/24'"), 1);
  EXPECT_EQ(Count(url, "SELECT count(*) FROM reporting.occurrences WHERE number = 24"), 2) << "as before";
}

}  // namespace
}  // namespace p06::testing
