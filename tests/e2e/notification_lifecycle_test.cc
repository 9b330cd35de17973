// The notification binary as operators run it, behind real directory and task
// processes, delivering to a real webhook receiver and a real SMTP server: a burst of
// deliveries with the webhook answering 500 and the mail server refusing for a while,
// the service killed with SIGKILL in the middle, restarted. Every notification must
// reach both receivers at least once, each id a small bounded number of times, and
// every webhook must verify with the standardwebhooks npm package.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/grpc/client.h"
#include "p06/directory/v1/directory.grpc.pb.h"
#include "p06/notification/v1/notification.grpc.pb.h"
#include "tests/e2e/core_processes.h"
#include "tests/harness/callers.h"
#include "tests/harness/metric_families.h"
#include "tests/harness/pg_test.h"
#include "tests/harness/service_process.h"
#include "tests/harness/status_matchers.h"

namespace p06 {
namespace {

namespace dpb = ::p06::directory::v1;
namespace npb = ::p06::notification::v1;
using ::p06::testing::ServiceProcess;
using ::p06::testing::Subprocess;

class NotificationLifecycleTest : public ::p06::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    dir_ = ::testing::TempDir() + "notification-e2e-" + std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
    PgTest::TearDown();
  }
  int64_t Scalar(const std::string& sql) {
    pqxx::connection conn(database_url());
    pqxx::nontransaction tx(conn);
    return tx.exec1(sql)[0].as<int64_t>();
  }
  // A receiver script, up once it says "listening on".
  std::optional<Subprocess> Tool(const std::vector<std::string>& argv, const std::string& log) {
    auto child = Subprocess::Spawn({.argv = argv, .output_file = log});
    EXPECT_TRUE(child.ok());
    for (int i = 0; i < 200; ++i) {
      std::ifstream in(log);
      std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (all.find("listening on") != std::string::npos) return std::move(*child);
      absl::SleepFor(absl::Milliseconds(50));
    }
    ADD_FAILURE() << "no 'listening on' in " << log;
    return std::nullopt;
  }
  std::map<std::string, int> Ids(const std::string& file, const std::string& key) {
    std::map<std::string, int> ids;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
      const std::string quoted = "\"" + key + "\": \"";
      const size_t at = line.find(quoted);
      if (at == std::string::npos) continue;
      const size_t start = at + quoted.size();
      ++ids[line.substr(start, line.find('"', start) - start)];
    }
    return ids;
  }
  std::string dir_;
};

TEST_F(NotificationLifecycleTest, AKillNineDuringABurstLosesNothingAndRepeatsLittle) {
  absl::StatusOr<testing::CoreProcesses> core = testing::StartCoreWithPlan(database_url());
  ASSERT_OK(core);
  ServiceProcess* directory = core->directory.get();
  ServiceProcess* task = core->task.get();

  // Today every occurrence of the 2025 plan is long past: each escalates to the
  // ministry's leadership at once, by webhook and by e-mail.
  const int hook_port = ::p06::testing::FreePort();
  const int smtp_port = ::p06::testing::FreePort();
  const std::string hook = absl::StrCat("http://127.0.0.1:", hook_port, "/ldb");
  {
    auto stub = dpb::DirectoryService::NewStub(directory->channel());
    dpb::UpdateUnitRequest request;
    request.mutable_unit()->set_name("units/lanh-dao-bo");
    auto* mail = request.mutable_unit()->add_notification_endpoints();
    mail->set_channel(dpb::NotificationEndpoint::CHANNEL_EMAIL);
    mail->set_address("lanhdao@moj.gov.vn");
    auto* web = request.mutable_unit()->add_notification_endpoints();
    web->set_channel(dpb::NotificationEndpoint::CHANNEL_WEBHOOK);
    web->set_address(hook);
    request.mutable_update_mask()->add_paths("notification_endpoints");
    grpc::ClientContext ctx;
    ::p06::testing::AttachOffice(ctx);
    dpb::Unit out;
    ASSERT_OK(stub->UpdateUnit(&ctx, request, &out));
  }
  { std::ofstream(dir_ + "/webhook-down") << "500"; }
  { std::ofstream(dir_ + "/smtp-down") << "451"; }
  auto smtp = Tool({"/usr/bin/python3", P06_SOURCE_DIR "/deploy/tools/smtp_sink.py", "--port",
                    std::to_string(smtp_port), "--out", dir_ + "/mail.jsonl", "--refuse-until-file",
                    dir_ + "/smtp-down"},
                   dir_ + "/smtp.log");
  ASSERT_TRUE(smtp);
  const std::vector<std::string> flags = {
      "--directory_target=" + directory->target(), "--task_target=" + task->target(),
      absl::StrCat("--smtp_url=smtp://127.0.0.1:", smtp_port), "--webhook_allowed_hosts=127.0.0.1",
      // Any day, any hour: the test runs when it runs. Short leases, back-off and pauses.
      "--office_every_day", "--office_open_minutes=0", "--office_close_minutes=1440", "--delivery_lease_seconds=5",
      "--retry_min_backoff_ms=200", "--endpoint_pause_seconds=1", "--delivery_budget=50", "--delivery_senders=4"};
  auto first = ServiceProcess::Start(P06_NOTIFICATION_BINARY, database_url(), flags);
  ASSERT_OK(first);
  std::string secret;
  {
    auto stub = npb::NotificationService::NewStub((*first)->channel());
    npb::RotateWebhookSecretRequest request;
    request.set_url(hook);
    request.set_request_id("e2e-secret");
    grpc::ClientContext ctx;
    ::p06::testing::AttachOffice(ctx);
    npb::WebhookSecret out;
    ASSERT_OK(stub->RotateWebhookSecret(&ctx, request, &out));
    secret = out.secret();
  }
  auto webhook = Tool({"/usr/bin/python3", P06_SOURCE_DIR "/deploy/tools/webhook_receiver.py", "--port",
                       std::to_string(hook_port), "--secrets", secret, "--out", dir_ + "/webhooks.jsonl",
                       "--fail-until-file", dir_ + "/webhook-down"},
                      dir_ + "/webhook.log");
  ASSERT_TRUE(webhook);

  // Both receivers refuse for a second, then accept; the kill comes once a few
  // webhooks have arrived, while most are still to go.
  auto total = [&] { return Scalar("SELECT count(*) FROM notification.deliveries WHERE channel = 2"); };
  for (int i = 0; i < 400 && total() == 0; ++i) absl::SleepFor(absl::Milliseconds(50));
  absl::SleepFor(absl::Seconds(1));
  std::filesystem::remove(dir_ + "/webhook-down");
  std::filesystem::remove(dir_ + "/smtp-down");
  for (int i = 0; i < 2000 && Ids(dir_ + "/webhooks.jsonl", "id").size() < 5; ++i) absl::SleepFor(absl::Milliseconds(5));
  (*first)->process().Signal(SIGKILL);
  ASSERT_OK((*first)->process().Wait(absl::Seconds(10)).status());
  const int64_t delivered_at_kill = Scalar("SELECT count(*) FROM notification.deliveries WHERE state = 2 AND channel <> 3");
  const int64_t to_deliver = Scalar("SELECT count(*) FROM notification.deliveries WHERE channel <> 3");
  std::cout << "killed with " << delivered_at_kill << " of " << to_deliver << " webhook and e-mail deliveries done\n";
  ASSERT_LT(delivered_at_kill, to_deliver) << "the kill came after the burst: it proves nothing";

  auto restarted = ServiceProcess::Start(P06_NOTIFICATION_BINARY, database_url(), flags);
  ASSERT_OK(restarted);
  for (int i = 0; i < 1200 && Scalar("SELECT count(*) FROM notification.deliveries WHERE state <> 2") > 0; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_EQ(Scalar("SELECT count(*) FROM notification.deliveries WHERE state <> 2"), 0);

  // Every notification reached both receivers; each id a bounded number of times.
  const int64_t notifications =
      Scalar("SELECT count(DISTINCT notification_id) FROM notification.deliveries WHERE channel = 2");
  ASSERT_EQ(Scalar("SELECT count(DISTINCT notification_id) FROM notification.deliveries WHERE channel = 1"),
            notifications);
  const std::map<std::string, int> hooks = Ids(dir_ + "/webhooks.jsonl", "id");
  const std::map<std::string, int> mails = Ids(dir_ + "/mail.jsonl", "message_id");
  EXPECT_EQ(static_cast<int64_t>(hooks.size()), notifications);
  EXPECT_EQ(static_cast<int64_t>(mails.size()), notifications);
  int most = 0, repeated = 0;
  for (const auto& [id, n] : hooks) {
    most = std::max(most, n);
    repeated += n > 1;
  }
  for (const auto& [id, n] : mails) {
    most = std::max(most, n);
    repeated += n > 1;
  }
  std::cout << notifications << " notifications; " << repeated << " ids received more than once; at most " << most
            << " times\n";
  EXPECT_LE(most, 3);

  // An independent implementation verifies every signature, and refuses a tampered body.
  setenv("P06_NODE_MODULES", P06_SOURCE_DIR "/deploy/tools/node_modules", 1);
  auto verified = ::p06::testing::RunForOutput(
      {.argv = {"/usr/bin/node", P06_SOURCE_DIR "/tests/e2e/js/verify_webhooks.js", dir_ + "/webhooks.jsonl", secret}});
  ASSERT_OK(verified);
  EXPECT_EQ(verified->exit_code, 0) << verified->output;
  std::cout << verified->output;

  // The operator's view through p06ctl: nothing failed, the calendar of Tết 2026.
  auto failed = ::p06::testing::RunForOutput({.argv = {P06_CTL_BINARY, "deliveries", "--target=" + (*restarted)->target(),
                                                       "--state=FAILED"}});
  ASSERT_OK(failed);
  EXPECT_EQ(failed->exit_code, 0) << failed->output;
  EXPECT_EQ(failed->output, "");
  auto calendar = ::p06::testing::RunForOutput({.argv = {P06_CTL_BINARY, "calendar", "--target=" + (*restarted)->target(),
                                                         "--start=2026-02-01", "--end=2026-02-28"}});
  ASSERT_OK(calendar);
  EXPECT_NE(calendar->output.find("15 working days"), std::string::npos) << calendar->output;
  EXPECT_NE(calendar->output.find("day off\t2026-02-16"), std::string::npos) << calendar->output;

  absl::StatusOr<std::string> metrics = ::p06::testing::HttpGet((*restarted)->metrics_port(), "/metrics");
  ASSERT_OK(metrics);
  EXPECT_EQ(testing::MetricFamilies(*metrics), testing::GoldenFamilies("notification")) << *metrics;
}

}  // namespace
}  // namespace p06
