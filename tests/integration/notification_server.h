// The notification service in process, following a real task service and asking a
// real directory (TaskProgressTest: both on one fresh database), on the same
// injected clock, delivering to a real webhook receiver and a real SMTP server
// (deploy/tools/webhook_receiver.py and smtp_sink.py, as child processes). The
// dispatcher is not started: tests move the clock and call Drain().
#pragma once

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <filesystem>
#include <fstream>

#include "p06/notification/v1/notification.grpc.pb.h"
#include "services/notification/notification_bundle.h"
#include "absl/strings/str_join.h"
#include "tests/harness/subprocess.h"
#include "tests/integration/task_progress_fixture.h"

namespace p06::testing {

namespace npb = ::p06::notification::v1;
using NotificationStub = npb::NotificationService::Stub;

// One line a receiver wrote, parsed.
using Received = google::protobuf::Struct;

inline std::vector<Received> ReadJsonLines(const std::string& path) {
  std::vector<Received> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    Received r;
    if (google::protobuf::util::JsonStringToMessage(line, &r).ok()) out.push_back(std::move(r));
  }
  return out;
}

inline std::string Str(const Received& r, const std::string& key) {
  auto it = r.fields().find(key);
  return it == r.fields().end() ? "" : it->second.string_value();
}

// A receiver script as a child process, on a port it reports.
class ToolProcess {
 public:
  // Waits until the script prints "listening on PORT".
  static std::unique_ptr<ToolProcess> Start(std::vector<std::string> argv, const std::string& log) {
    std::unique_ptr<ToolProcess> p(new ToolProcess);
    p->log_ = log;
    auto child = Subprocess::Spawn({.argv = std::move(argv), .output_file = log});
    EXPECT_TRUE(child.ok()) << child.status();
    if (!child.ok()) return nullptr;
    p->child_.emplace(std::move(*child));
    for (int i = 0; i < 200 && p->port_ == 0; ++i) {
      std::ifstream in(log);
      for (std::string line; std::getline(in, line);) {
        if (line.rfind("listening on ", 0) == 0) p->port_ = std::stoi(line.substr(13));
      }
      if (p->port_ == 0) absl::SleepFor(absl::Milliseconds(50));
    }
    EXPECT_NE(p->port_, 0) << "no 'listening on' in " << log;
    return p;
  }
  int port() const { return port_; }

 private:
  ToolProcess() = default;
  std::optional<Subprocess> child_;
  std::string log_;
  int port_ = 0;
};

class NotificationServerTest : public TaskProgressTest {
 protected:
  void SetUp() override {
    TaskProgressTest::SetUp();
    dir_ = ::testing::TempDir() + "notification-" + std::to_string(getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    notification_config_.db = {.url = database_url(), .schema = "notification", .size = 8};
    ASSERT_OK(db::ApplyMigrations(db::BuildConnectionString(notification_config_.db), "notification",
                                  NotificationMigrations()));
    notification_pool_ = std::make_unique<db::Pool>(notification_config_.db);
    smtp_ = ToolProcess::Start({"/usr/bin/python3", std::string(P06_SOURCE_DIR) + "/deploy/tools/smtp_sink.py", "--port",
                                "0", "--out", dir_ + "/mail.jsonl", "--refuse-until-file", dir_ + "/smtp-down"},
                               dir_ + "/smtp.log");
    ASSERT_NE(smtp_, nullptr);
  }
  void TearDown() override {
    notification_server_.reset();
    notification_bundle_.reset();
    webhook_.reset();
    smtp_.reset();
    if (!HasFailure()) std::filesystem::remove_all(dir_);  // Kept to look at when a test failed.
    TaskProgressTest::TearDown();
  }

  // (Re)starts the notification bundle and server on the same database.
  void StartNotificationServer() {
    notification_server_.reset();
    notification_bundle_.reset();
    notification_registry_ = std::make_unique<prometheus::Registry>();
    ServiceContext ctx{notification_config_, *notification_pool_, *notification_registry_, clock_};
    notification::NotificationOptions options = notification_options_;
    options.task_target = "127.0.0.1:" + std::to_string(task_server_->port());
    options.directory_target = "127.0.0.1:" + std::to_string(server_->port());
    options.smtp.url = "smtp://127.0.0.1:" + std::to_string(smtp_->port());
    options.webhook_allowed_hosts = {"127.0.0.1"};
    auto bundle = notification::NotificationBundle::Create(ctx, options);
    ASSERT_OK(bundle);
    notification_bundle_ = std::move(*bundle);
    auto server = Server::Start({}, notification_bundle_->GrpcServices(), *notification_registry_);
    ASSERT_OK(server);
    notification_server_ = std::move(*server);
    notifications_ =
        npb::NotificationService::NewStub(MakeChannel("127.0.0.1:" + std::to_string(notification_server_->port())));
  }

  // Starts the webhook receiver on `port` (FreePort(): the URL must be known before
  // its secret is made), knowing `secrets`.
  void StartWebhookReceiver(int port, const std::vector<std::string>& secrets) {
    webhook_ = ToolProcess::Start({"/usr/bin/python3", std::string(P06_SOURCE_DIR) + "/deploy/tools/webhook_receiver.py",
                                   "--port", std::to_string(port), "--secrets", absl::StrJoin(secrets, ","), "--out",
                                   dir_ + "/webhooks.jsonl", "--no-time-check", "--fail-until-file",
                                   dir_ + "/webhook-down"},
                                  dir_ + "/webhook.log");
    ASSERT_NE(webhook_, nullptr);
  }

  // Waits (up to 20 s) until the schedule holds every event the task service wrote.
  void WaitCaughtUp() {
    const int64_t total = CountEvents();
    for (int i = 0; i < 2000; ++i) {
      const events::ConsumerLag lag = notification_bundle_->consumer().Lag();
      if (lag.caught_up && lag.events_applied >= total) return;
      absl::SleepFor(absl::Milliseconds(10));
    }
    FAIL() << "the schedule did not catch up with " << total << " events";
  }

  template <typename Req, typename Resp>
  grpc::Status N(grpc::Status (NotificationStub::*method)(grpc::ClientContext*, const Req&, Resp*),
                 const Req& request, Resp* response, const Principal* caller = &kOfficeCaller) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    if (caller != nullptr) AttachPrincipal(ctx, *caller);
    return (notifications_.get()->*method)(&ctx, request, response);
  }

  // Gives `unit` endpoints and contacts in the directory (`digest`: every endpoint
  // prefers a daily digest).
  void SetEndpoints(const std::string& unit,
                    const std::vector<std::pair<dpb::NotificationEndpoint::Channel, std::string>>& endpoints,
                    bool digest = false) {
    dpb::UpdateUnitRequest request;
    request.mutable_unit()->set_name(unit);
    for (const auto& [channel, address] : endpoints) {
      dpb::NotificationEndpoint* e = request.mutable_unit()->add_notification_endpoints();
      e->set_channel(channel);
      e->set_address(address);
      e->set_daily_digest(digest);
    }
    request.mutable_update_mask()->add_paths("notification_endpoints");
    dpb::Unit out;
    grpc::Status s = Call(&dpb::DirectoryService::Stub::UpdateUnit, request, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  void AddContact(const std::string& unit, dpb::Contact::Role role, const std::string& email) {
    dpb::CreateContactRequest request;
    request.set_parent(unit);
    request.mutable_contact()->set_full_name("Nguyễn Văn " + email.substr(0, email.find('@')));
    request.mutable_contact()->set_role(role);
    request.mutable_contact()->set_email(email);
    dpb::Contact out;
    grpc::Status s = Call(&dpb::DirectoryService::Stub::CreateContact, request, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::string RotateSecret(const std::string& url, const std::string& request_id) {
    npb::RotateWebhookSecretRequest request;
    request.set_url(url);
    request.set_request_id(request_id);
    npb::WebhookSecret out;
    grpc::Status s = N(&NotificationStub::RotateWebhookSecret, request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.secret();
  }

  std::string NotificationMetricsText() {
    return prometheus::TextSerializer().Serialize(notification_registry_->Collect());
  }
  std::vector<Received> Webhooks() { return ReadJsonLines(dir_ + "/webhooks.jsonl"); }
  std::vector<Received> Mails() { return ReadJsonLines(dir_ + "/mail.jsonl"); }

  std::string dir_;
  // Tests may change them before starting. By default the dispatcher is not
  // started (tests call Drain() on their clock) and the first retry waits a minute.
  notification::NotificationOptions notification_options_{
      .dispatch = {.min_backoff = absl::Minutes(1)}, .start_dispatcher = false};
  ServerConfig notification_config_;
  std::unique_ptr<prometheus::Registry> notification_registry_;
  std::unique_ptr<db::Pool> notification_pool_;
  std::unique_ptr<notification::NotificationBundle> notification_bundle_;
  std::unique_ptr<Server> notification_server_;
  std::unique_ptr<NotificationStub> notifications_;
  std::unique_ptr<ToolProcess> smtp_, webhook_;
};

}  // namespace p06::testing
