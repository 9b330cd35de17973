// The reporting binary as operators run it, behind real directory and task
// processes: killed with SIGKILL in the middle of catching up, restarted, and
// compared with a replica that was never killed.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/grpc/client.h"
#include "p06/task/v1/task.grpc.pb.h"
#include "tests/e2e/core_processes.h"
#include "tests/harness/callers.h"
#include "tests/harness/metric_families.h"
#include "tests/harness/pg_test.h"
#include "tests/harness/service_process.h"
#include "tests/harness/status_matchers.h"

namespace p06 {
namespace {

namespace tpb = ::p06::task::v1;
using ::p06::testing::ServiceProcess;

constexpr int kReports = 20000;

class ReportingLifecycleTest : public ::p06::testing::PgTest {
 protected:
  int64_t Scalar(const std::string& url, const std::string& sql) {
    pqxx::connection conn(url);
    pqxx::nontransaction tx(conn);
    return tx.exec1(sql)[0].as<int64_t>();
  }
  // Waits until the reporting schema at `url` holds every event the task service wrote.
  bool CaughtUp(const std::string& url, absl::Duration timeout) {
    const int64_t total = Scalar(database_url(), "SELECT count(*) FROM task.events");
    const absl::Time give_up = absl::Now() + timeout;
    while (absl::Now() < give_up) {
      try {
        if (Scalar(url, "SELECT events_applied FROM reporting.consumer_state") == total) return true;
      } catch (const std::exception&) {
        // The schema may not exist yet.
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    return false;
  }
  std::string Export(const ServiceProcess& reporting) {
    auto created = ::p06::testing::RunForOutput(
        {.argv = {P06_CTL_BINARY, "report", "create", "--target=" + reporting.target(), "--plan=plans/910-qd-btp-2025",
                  "--kind=ANNUAL", "--label=2025"}});
    EXPECT_TRUE(created.ok() && created->exit_code == 0) << (created.ok() ? created->output : "");
    const std::string name = created->output.substr(created->output.find("reports/"),
                                                    created->output.find('\t', created->output.find("reports/")) -
                                                        created->output.find("reports/"));
    auto exported = ::p06::testing::RunForOutput({.argv = {P06_CTL_BINARY, "report", "export",
                                                           "--target=" + reporting.target(), "--name=" + name,
                                                           "--format=csv", "--o=-"}});
    EXPECT_TRUE(exported.ok() && exported->exit_code == 0);
    return exported.ok() ? exported->output : "";
  }
};

TEST_F(ReportingLifecycleTest, AKillNineMidCatchUpNeitherLosesNorDoublesAnEvent) {
  absl::StatusOr<testing::CoreProcesses> core = testing::StartCoreWithPlan(database_url());
  ASSERT_OK(core);
  ServiceProcess* task = core->task.get();

  // Thousands of events, from eight writers at once.
  std::atomic<int> failed{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 8; ++w) {
    writers.emplace_back([&, w] {
      auto stub = tpb::TaskService::NewStub(MakeChannel(task->target()));
      for (int i = w; i < kReports; i += 8) {
        tpb::ReportProgressRequest r;
        r.set_parent(absl::StrCat("plans/910-qd-btp-2025/tasks/", i % 2 ? 24 : 25));
        r.set_request_id(absl::StrCat("load-", i));
        r.mutable_report()->set_status(tpb::TASK_STATUS_IN_PROGRESS);
        r.mutable_report()->set_percent_complete(i % 100);
        r.mutable_report()->set_reporting_unit("units/cuc-hctp");
        grpc::ClientContext ctx;
        ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
        ::p06::testing::AttachOffice(ctx);
        tpb::ProgressReport out;
        if (!stub->ReportProgress(&ctx, r, &out).ok()) ++failed;
      }
    });
  }
  for (auto& t : writers) t.join();
  ASSERT_EQ(failed.load(), 0);

  // Killed as soon as it has applied something, while it is still catching up (not
  // waiting for it to serve: by then it may have caught up).
  auto reporting = ::p06::testing::Subprocess::Spawn(
      {.argv = {P06_REPORTING_BINARY, "--database_url=" + database_url(), "--task_target=" + task->target(),
                "--grpc_port=" + std::to_string(::p06::testing::FreePort()),
                "--metrics_port=" + std::to_string(::p06::testing::FreePort())},
       .output_file = "/dev/null"});
  ASSERT_OK(reporting);
  int64_t applied_at_kill = 0;
  for (int i = 0; i < 20000 && applied_at_kill == 0; ++i) {
    try {
      applied_at_kill = Scalar(database_url(), "SELECT events_applied FROM reporting.consumer_state");
    } catch (const std::exception&) {
      // Its schema is not there yet.
    }
  }
  reporting->Signal(SIGKILL);
  ASSERT_OK(reporting->Wait(absl::Seconds(10)).status());
  const int64_t total = Scalar(database_url(), "SELECT count(*) FROM task.events");
  std::cout << "killed with " << applied_at_kill << " of " << total << " events applied\n";
  ASSERT_GT(applied_at_kill, 0);
  ASSERT_LT(applied_at_kill, total) << "the kill came after the catch-up: it proves nothing";

  auto restarted = ServiceProcess::Start(P06_REPORTING_BINARY, database_url(), {"--task_target=" + task->target()});
  ASSERT_OK(restarted);
  ASSERT_TRUE(CaughtUp(database_url(), absl::Seconds(60)));
  EXPECT_EQ(Scalar(database_url(), "SELECT count(*) FROM reporting.progress"), kReports);
  absl::StatusOr<std::string> metrics = ::p06::testing::HttpGet((*restarted)->metrics_port(), "/metrics");
  ASSERT_OK(metrics);
  EXPECT_EQ(testing::MetricFamilies(*metrics), testing::GoldenFamilies("reporting")) << *metrics;

  // A replica in another database that was never killed builds the same report.
  absl::StatusOr<std::string> created = cluster().CreateDatabase();
  ASSERT_OK(created);
  const std::string replica_url = *created;
  auto replica = ServiceProcess::Start(P06_REPORTING_BINARY, replica_url, {"--task_target=" + task->target()});
  ASSERT_OK(replica);
  ASSERT_TRUE(CaughtUp(replica_url, absl::Seconds(60)));
  EXPECT_EQ(Scalar(replica_url, "SELECT count(*) FROM reporting.progress"), kReports);
  const std::string once = Export(**restarted);
  const std::string again = Export(**replica);
  EXPECT_FALSE(once.empty());
  EXPECT_EQ(once, again);
  replica->reset();
  (void)cluster().DropDatabase(replica_url);
}

}  // namespace
}  // namespace p06
