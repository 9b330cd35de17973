// The directory binary as operators run it: a real process, real signals, a real
// PostgreSQL that goes away and comes back.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <future>
#include <pqxx/pqxx>

#include "common/grpc/client.h"
#include "p06/directory/v1/directory.grpc.pb.h"
#include "services/p06ctl/health.h"
#include "tests/harness/callers.h"
#include "tests/harness/metric_families.h"
#include "tests/harness/pg_test.h"
#include "tests/harness/service_process.h"
#include "tests/harness/status_matchers.h"

namespace p06 {
namespace {

namespace pb = ::p06::directory::v1;
using ::p06::testing::ServiceProcess;
using ::p06::testing::StatusIs;

grpc::Status CreateUnit(const std::shared_ptr<grpc::Channel>& channel, const std::string& id, const std::string& code) {
  pb::CreateUnitRequest req;
  req.set_unit_id(id);
  req.mutable_unit()->set_code(code);
  req.mutable_unit()->set_display_name("Đơn vị " + code);
  req.mutable_unit()->set_kind(pb::UNIT_KIND_OFFICE);
  req.mutable_unit()->set_in_ministry(true);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  testing::AttachOffice(ctx);
  pb::Unit unit;
  return pb::DirectoryService::NewStub(channel)->CreateUnit(&ctx, req, &unit);
}

grpc::Status GetUnit(const std::shared_ptr<grpc::Channel>& channel, const std::string& id,
                     absl::Duration timeout = absl::Seconds(5)) {
  pb::GetUnitRequest req;
  req.set_name("units/" + id);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  testing::AttachOffice(ctx);
  pb::Unit unit;
  return pb::DirectoryService::NewStub(channel)->GetUnit(&ctx, req, &unit);
}

class ServiceLifecycleTest : public ::p06::testing::PgTest {
 protected:
  absl::StatusOr<std::unique_ptr<ServiceProcess>> StartDirectory(std::vector<std::string> flags = {}) {
    return ServiceProcess::Start(P06_DIRECTORY_BINARY, database_url(), std::move(flags));
  }
};

TEST_F(ServiceLifecycleTest, ServesHealthAndMetricsThatPromtoolAccepts) {
  auto service = StartDirectory();
  ASSERT_OK(service);
  ASSERT_TRUE(CreateUnit((*service)->channel(), "e2e-unit", "E2EUNIT").ok());
  EXPECT_TRUE(GetUnit((*service)->channel(), "e2e-unit").ok());
  EXPECT_TRUE(ctl::CheckHealth((*service)->channel(), "p06.directory.v1.DirectoryService", absl::Seconds(2)).ok());

  absl::StatusOr<std::string> metrics = ::p06::testing::HttpGet((*service)->metrics_port(), "/metrics");
  ASSERT_OK(metrics);
  EXPECT_NE(metrics->find("grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"GetUnit\""), std::string::npos);
  EXPECT_NE(metrics->find("p06_build_info{"), std::string::npos);
  EXPECT_NE(metrics->find("p06_db_pool_in_use_connections"), std::string::npos);

  const char* promtool = "/usr/bin/promtool";
  if (access(promtool, X_OK) != 0) GTEST_SKIP() << "promtool not installed (deploy/install-deps.sh installs it)";
  std::string file = "/tmp/p06-metrics-" + std::to_string(getpid()) + ".txt";
  std::ofstream(file) << *metrics;
  absl::Status check =
      ::p06::testing::Run({.argv = {"/bin/sh", "-c", std::string(promtool) + " check metrics < " + file}});
  unlink(file.c_str());
  EXPECT_OK(check);
}

TEST_F(ServiceLifecycleTest, SigtermLetsInFlightCallsFinishRefusesNewOnesAndExitsZero) {
  auto service = StartDirectory({"--drain_deadline=10s"});
  ASSERT_OK(service);
  ASSERT_TRUE(CreateUnit((*service)->channel(), "e2e-unit", "E2EUNIT").ok());

  // Hold a lock that every GetUnit waits for, so that calls are in flight on demand.
  pqxx::connection blocker(database_url());
  pqxx::work lock_tx(blocker);
  lock_tx.exec0("LOCK TABLE directory.units IN ACCESS EXCLUSIVE MODE");

  std::vector<std::future<grpc::Status>> in_flight;
  for (int i = 0; i < 4; ++i) {
    in_flight.push_back(
        std::async(std::launch::async, [&] { return GetUnit((*service)->channel(), "e2e-unit", absl::Seconds(20)); }));
  }
  // Wait until all four are blocked on the lock inside PostgreSQL.
  pqxx::connection observer(database_url());
  for (int waiting = 0; waiting < 4;) {
    pqxx::nontransaction tx(observer);
    waiting = tx.exec1(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'p06-directory'"
                    " AND wait_event_type = 'Lock'")[0]
                  .as<int>();
    absl::SleepFor(absl::Milliseconds(20));
  }

  const absl::Time sigterm_at = absl::Now();
  (*service)->process().Signal(SIGTERM);
  // New calls are refused: wait until a fresh channel cannot even get a health answer.
  grpc::Status refused;
  for (absl::Time give_up = absl::Now() + absl::Seconds(5); absl::Now() < give_up;) {
    refused = ctl::CheckHealth(MakeChannel((*service)->target()), "", absl::Milliseconds(500));
    if (!refused.ok()) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_FALSE(refused.ok());
  // Health turns NOT_SERVING just before the listener closes: a call in that instant is
  // still accepted (it waits on the lock and times out). Soon every new call is refused.
  grpc::Status fresh;
  for (absl::Time give_up = absl::Now() + absl::Seconds(5); absl::Now() < give_up;) {
    fresh = GetUnit(MakeChannel((*service)->target()), "e2e-unit", absl::Milliseconds(500));
    if (fresh.error_code() == grpc::StatusCode::UNAVAILABLE) break;
  }
  EXPECT_THAT(fresh, StatusIs(absl::StatusCode::kUnavailable));

  lock_tx.commit();  // Release: the in-flight calls may now finish.
  for (auto& call : in_flight) EXPECT_TRUE(call.get().ok());
  absl::StatusOr<int> exit_code = (*service)->process().Wait(absl::Seconds(10));
  ASSERT_OK(exit_code);
  EXPECT_EQ(*exit_code, 0);
  EXPECT_LT(absl::Now() - sigterm_at, absl::Seconds(10));
}

TEST_F(ServiceLifecycleTest, SecondStartReusesTheData) {
  {
    auto first = StartDirectory();
    ASSERT_OK(first);
    ASSERT_TRUE(CreateUnit((*first)->channel(), "e2e-unit", "E2EUNIT").ok());
    (*first)->process().Signal(SIGTERM);
    ASSERT_EQ(*(*first)->process().Wait(absl::Seconds(15)), 0);
  }
  auto second = StartDirectory();
  ASSERT_OK(second);
  EXPECT_TRUE(GetUnit((*second)->channel(), "e2e-unit").ok());
  EXPECT_EQ((*second)->Log().find("migration applied"), std::string::npos) << (*second)->Log();
}

TEST_F(ServiceLifecycleTest, InvalidConfigurationExitsOneNamingTheSetting) {
  auto result = ::p06::testing::RunForOutput(
      {.argv = {P06_DIRECTORY_BINARY, "--database_url=" + database_url(), "--db_pool_size=0"}}, absl::Seconds(10));
  ASSERT_OK(result);
  EXPECT_EQ(result->exit_code, 1);
  EXPECT_NE(result->output.find("db_pool_size"), std::string::npos) << result->output;
}

TEST_F(ServiceLifecycleTest, ATakenPortExitsOneSayingSoInsteadOfCrashing) {
  // Held as an outgoing connection or another program would hold it: without
  // SO_REUSEPORT (gRPC sets it, so a second copy of a service would share the port).
  const int holder = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(holder, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(holder, 1), 0);
  socklen_t len = sizeof addr;
  getsockname(holder, reinterpret_cast<sockaddr*>(&addr), &len);
  auto result = ::p06::testing::RunForOutput(
      {.argv = {P06_DIRECTORY_BINARY, "--database_url=" + database_url(),
                "--grpc_port=" + std::to_string(ntohs(addr.sin_port)),
                "--metrics_port=" + std::to_string(::p06::testing::FreePort())}},
      absl::Seconds(30));
  close(holder);
  ASSERT_OK(result);
  EXPECT_EQ(result->exit_code, 1) << "128 + 11 would be the crash this once was";
  EXPECT_NE(result->output.find("cannot listen on"), std::string::npos) << result->output;
}

// PostgreSQL stops and starts again under a running service: calls fail fast with
// UNAVAILABLE meanwhile, and succeed again soon after, without restarting the service.
TEST(DatabaseOutageTest, CallsAreUnavailableDuringTheOutageAndRecoverWithoutRestart) {
  // A cluster of its own: stopping the shared one would disturb other tests.
  auto cluster = ::p06::testing::PgCluster::Create();
  ASSERT_OK(cluster);
  auto url = (*cluster)->CreateDatabase();
  ASSERT_OK(url);
  auto service = ServiceProcess::Start(P06_DIRECTORY_BINARY, *url);
  ASSERT_OK(service);
  auto channel = (*service)->channel();
  ASSERT_TRUE(CreateUnit(channel, "e2e-unit", "E2EUNIT").ok());
  ASSERT_TRUE(GetUnit(channel, "e2e-unit").ok());

  ASSERT_OK((*cluster)->Stop());
  // Readiness follows the database: NOT_SERVING while it is away.
  const absl::Time stopped = absl::Now();
  grpc::Status health;
  while ((health = ctl::CheckHealth(channel, "", absl::Seconds(2))).ok() && absl::Now() - stopped < absl::Seconds(10)) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_THAT(health, StatusIs(absl::StatusCode::kUnavailable, ::testing::HasSubstr("NOT_SERVING")));
  for (int i = 0; i < 5; ++i) {
    absl::Time start = absl::Now();
    EXPECT_THAT(GetUnit(channel, "e2e-unit", absl::Seconds(5)), StatusIs(absl::StatusCode::kUnavailable));
    EXPECT_LT(absl::Now() - start, absl::Seconds(5));  // Answered, not left to the deadline.
  }
  EXPECT_THAT((*service)->process().Wait(absl::ZeroDuration()), StatusIs(absl::StatusCode::kDeadlineExceeded))
      << "the service must still be running";

  ASSERT_OK((*cluster)->Start());
  const absl::Time back = absl::Now();
  grpc::Status status;
  while (!(status = GetUnit(channel, "e2e-unit", absl::Seconds(2))).ok() && absl::Now() - back < absl::Seconds(10)) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_LT(absl::Now() - back, absl::Seconds(2));
  while (!(health = ctl::CheckHealth(channel, "", absl::Seconds(2))).ok() && absl::Now() - back < absl::Seconds(10)) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(health.ok()) << "SERVING again once the database is back: " << health.error_message();
}

// The command-line client against the real binary: the path people use in a terminal.
TEST_F(ServiceLifecycleTest, P06ctlResolvesNamesAgainstTheRunningService) {
  auto service = StartDirectory();
  ASSERT_OK(service);
  auto result = ::p06::testing::RunForOutput({.argv = {P06_CTL_BINARY, "resolve", "--target=" + (*service)->target(),
                                                       "Cục CNTT", "Tong cuc Thi hanh an dan su"}},
                                             absl::Seconds(10));
  ASSERT_OK(result);
  EXPECT_EQ(result->exit_code, 0);
  const std::string& text = result->output;
  EXPECT_NE(text.find("Cục CNTT\tABBREVIATION\t0.95\tunits/cuc-cntt"), std::string::npos) << text;
  EXPECT_NE(text.find("Tong cuc Thi hanh an dan su\tSUCCESSOR_OF"), std::string::npos) << text;
  EXPECT_NE(text.find("units/cuc-qlthads"), std::string::npos) << text;
}

}  // namespace
}  // namespace p06

namespace p06 {
namespace {

// The suite as deploy/run.sh runs it: both binaries as processes, the task service
// calling the directory, and the 2025 plan loaded with p06ctl.
TEST_F(ServiceLifecycleTest, TaskServiceImportsThePlanThroughTheDirectory) {
  auto directory = StartDirectory({"--log_level=debug"});
  ASSERT_OK(directory);
  auto task = ServiceProcess::Start(P06_TASK_BINARY, database_url(),
                                    {"--directory_target=" + (*directory)->target(), "--log_level=debug"});
  ASSERT_OK(task);
  const std::string plan = P06_SOURCE_DIR "/deploy/plans/qd-910-btp-2025.txt";
  auto first =
      ::p06::testing::RunForOutput({.argv = {P06_CTL_BINARY, "import", "--target=" + (*task)->target(), plan}});
  ASSERT_OK(first);
  EXPECT_EQ(first->exit_code, 0) << first->output;
  EXPECT_NE(first->output.find("plans/910-qd-btp-2025 revision 1: 49 tasks; added 49"), std::string::npos)
      << first->output;
  EXPECT_NE(first->output.find(":169: DUPLICATE_UNIT_REMOVED"), std::string::npos) << first->output;

  // One request id follows the import from the task service into the directory.
  const std::string task_log = (*task)->Log();
  const size_t import_line = task_log.find("\"grpc_method\":\"ImportPlan\"");
  ASSERT_NE(import_line, std::string::npos) << task_log;
  const size_t line_start = task_log.rfind('\n', import_line) + 1;
  const size_t id_at = task_log.find("\"request_id\":\"", line_start) + 14;
  const std::string request_id = task_log.substr(id_at, task_log.find('"', id_at) - id_at);
  ASSERT_EQ(request_id.size(), 32u) << task_log.substr(line_start, 300);
  EXPECT_NE((*directory)->Log().find("\"request_id\":\"" + request_id + "\",\"grpc_method\":\"ResolveUnitNames\""),
            std::string::npos);

  auto listed = ::p06::testing::RunForOutput({.argv = {P06_CTL_BINARY, "tasks", "--target=" + (*task)->target(),
                                                       "--plan=plans/910-qd-btp-2025", "--unit=units/bo-cong-an"}});
  ASSERT_OK(listed);
  EXPECT_EQ(listed->output, "") << "Bộ Công an leads no task";
  EXPECT_TRUE(ctl::CheckHealth(MakeChannel((*task)->target()), "p06.task.v1.TaskService", absl::Seconds(2)).ok());

  auto reported = ::p06::testing::RunForOutput(
      {.argv = {P06_CTL_BINARY, "progress", "--target=" + (*task)->target(), "--task=plans/910-qd-btp-2025/tasks/25",
                "--status=IN_PROGRESS", "--percent=30", "--summary=Đã hướng dẫn 63 địa phương", "--unit=units/cuc-hctp",
                "--subject=chuyenvien"}});
  ASSERT_OK(reported);
  EXPECT_EQ(reported->exit_code, 0) << reported->output;
  EXPECT_NE(reported->output.find("plans/910-qd-btp-2025/tasks/25/progress/"), std::string::npos) << reported->output;
  auto refused = ::p06::testing::RunForOutput(
      {.argv = {P06_CTL_BINARY, "progress", "--target=" + (*task)->target(), "--task=plans/910-qd-btp-2025/tasks/25",
                "--percent=300", "--unit=units/cuc-hctp"}});
  ASSERT_OK(refused);
  EXPECT_EQ(refused->exit_code, 1);
  EXPECT_NE(refused->output.find("report.percent_complete"), std::string::npos) << refused->output;

  // Each service exports exactly the metric families its list names: a renamed or
  // dropped metric breaks dashboards and alerts, so it must be a deliberate change.
  for (auto [service, process] : {std::pair{"directory", directory->get()}, std::pair{"task", task->get()}}) {
    absl::StatusOr<std::string> metrics = ::p06::testing::HttpGet(process->metrics_port(), "/metrics");
    ASSERT_OK(metrics);
    EXPECT_EQ(testing::MetricFamilies(*metrics), testing::GoldenFamilies(service)) << service << "\n" << *metrics;
  }
  // And they count: the import resolved its unit cells, the report was one batch.
  absl::StatusOr<std::string> directory_metrics = ::p06::testing::HttpGet((*directory)->metrics_port(), "/metrics");
  ASSERT_OK(directory_metrics);
  EXPECT_EQ(directory_metrics->find("directory_resolutions_total{match_kind=\"exact\"} 0"), std::string::npos);
  EXPECT_NE(directory_metrics->find("directory_resolutions_total{match_kind=\"exact\"} "), std::string::npos);
  absl::StatusOr<std::string> task_metrics = ::p06::testing::HttpGet((*task)->metrics_port(), "/metrics");
  ASSERT_OK(task_metrics);
  EXPECT_NE(task_metrics->find("task_report_batch_size_count 1\n"), std::string::npos) << *task_metrics;
}

}  // namespace
}  // namespace p06
