// Delivery that loses nothing: receivers that answer 500, close the connection or
// refuse mail are retried with back-off without holding up the others; an endpoint
// that keeps failing is paused; a delivery out of budget is FAILED until an operator
// retries it; a replay of every event makes no second notification; signatures
// verify (Python's hmac) during a secret rotation.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "common/grpc/proto_time.h"
#include "tests/integration/notification_server.h"

namespace p06::testing {
namespace {

using ::testing::HasSubstr;

// A TCP socket listening on 127.0.0.1 on a free port, for receivers that misbehave
// below HTTP; returns its descriptor and sets `port`.
int LoopbackListener(int* port) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener, 128) != 0) return -1;
  socklen_t len = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return listener;
}

class NotificationDeliveryTest : public NotificationServerTest {
 protected:
  // The leadership gets a webhook and an e-mail: at 9:00 on 15/4/2025, when the plan
  // comes in, every occurrence already ten working days late escalates to it.
  void SetUpLeadership(const std::string& hook) {
    SetEndpoints("units/lanh-dao-bo", {{dpb::NotificationEndpoint::CHANNEL_EMAIL, "lanhdao@moj.gov.vn"},
                                       {dpb::NotificationEndpoint::CHANNEL_WEBHOOK, hook}});
    StartNotificationServer();
    WaitCaughtUp();
  }
  std::vector<npb::Delivery> Deliveries(npb::Channel channel, npb::Delivery::State state = {}) {
    npb::ListDeliveriesRequest request;
    request.set_channel(channel);
    request.set_state(state);
    request.set_page_size(500);
    npb::ListDeliveriesResponse response;
    EXPECT_OK(N(&NotificationStub::ListDeliveries, request, &response));
    return {response.deliveries().begin(), response.deliveries().end()};
  }
  void Drain() { ASSERT_OK(notification_bundle_->dispatcher().Drain()); }
  int Lines(const std::string& file) { return static_cast<int>(ReadJsonLines(dir_ + "/" + file).size()); }
};

TEST_F(NotificationDeliveryTest, AFailingWebhookIsRetriedAndPausedWithoutHoldingUpEmail) {
  const int port = FreePort();
  const std::string hook = absl::StrCat("http://127.0.0.1:", port, "/ldb");
  notification_options_.dispatch.pause_after_failures = 3;
  SetUpLeadership(hook);
  StartWebhookReceiver(port, {RotateSecret(hook, "s1")});
  { std::ofstream(dir_ + "/webhook-down") << "500 for now"; }
  Drain();  // 15/4 09:00.

  const std::vector<npb::Delivery> hooks = Deliveries(npb::CHANNEL_WEBHOOK);
  ASSERT_GT(hooks.size(), 3u);
  // Every e-mail went out although the webhook failed.
  const std::vector<npb::Delivery> mails = Deliveries(npb::CHANNEL_EMAIL);
  ASSERT_EQ(mails.size(), hooks.size());
  for (const npb::Delivery& m : mails) EXPECT_EQ(m.state(), npb::Delivery::STATE_DELIVERED) << m.last_error();
  EXPECT_EQ(Lines("mail.jsonl"), static_cast<int>(mails.size()));
  // The webhook's: pending, one attempt each at most, the answer kept; the endpoint
  // failed three times in a row and was paused, so the rest were not even tried.
  int tried = 0;
  for (const npb::Delivery& h : hooks) {
    EXPECT_EQ(h.state(), npb::Delivery::STATE_PENDING);
    if (h.attempts() == 1) {
      ++tried;
      EXPECT_THAT(h.last_error(), HasSubstr("500"));
    }
  }
  EXPECT_EQ(tried, 3) << "paused after three consecutive failures";

  // Within the pause nothing is tried; after it, the receiver is back and each
  // notification arrives once.
  clock_.Advance(absl::Minutes(3));
  Drain();
  int attempts = 0;
  for (const npb::Delivery& h : Deliveries(npb::CHANNEL_WEBHOOK)) attempts += h.attempts();
  EXPECT_EQ(attempts, 3);
  std::filesystem::remove(dir_ + "/webhook-down");
  clock_.Advance(absl::Minutes(10));
  Drain();
  for (const npb::Delivery& h : Deliveries(npb::CHANNEL_WEBHOOK)) {
    EXPECT_EQ(h.state(), npb::Delivery::STATE_DELIVERED) << h.name() << " " << h.last_error();
  }
  std::map<std::string, int> ids;
  for (const Received& r : Webhooks()) {
    EXPECT_TRUE(r.fields().at("verified").bool_value());
    ++ids[Str(r, "id")];
  }
  EXPECT_EQ(ids.size(), hooks.size());
  for (const auto& [id, n] : ids) EXPECT_EQ(n, 1) << id;
}

TEST_F(NotificationDeliveryTest, OutOfBudgetIsFailedCountedAndRetriedOnDemandWhateverTheAnswersEncoding) {
  // A receiver that answers 500 with a body in Latin-1 (not UTF-8, which the error
  // column must take anyway), then closes the connection.
  int port = 0;
  const int listener = LoopbackListener(&port);
  ASSERT_GE(listener, 0);
  std::atomic<bool> closing{true};
  std::thread closer([&] {
    while (closing) {
      const int c = accept(listener, nullptr, nullptr);
      if (c < 0) continue;
      char request[8192];
      (void)!read(c, request, sizeof request);
      const char answer[] = "HTTP/1.1 500 Loi\r\nContent-Length: 9\r\nConnection: close\r\n\r\nl\xE0 l\xF5i \xE9t";
      (void)!write(c, answer, sizeof answer - 1);
      close(c);
    }
  });
  const std::string hook = absl::StrCat("http://127.0.0.1:", port, "/closes");
  notification_options_.dispatch.budget = 3;
  SetUpLeadership(hook);
  RotateSecret(hook, "s1");
  // One delivery to look at: the others of this endpoint are held by the pause.
  for (int round = 0; round < 40; ++round) {
    Drain();
    clock_.Advance(absl::Hours(2));
  }
  closing = false;
  shutdown(listener, SHUT_RDWR);
  close(listener);
  closer.join();

  std::vector<npb::Delivery> failed = Deliveries(npb::CHANNEL_WEBHOOK, npb::Delivery::STATE_FAILED);
  ASSERT_FALSE(failed.empty());
  EXPECT_EQ(failed[0].attempts(), 3);
  EXPECT_THAT(failed[0].last_error(), HasSubstr("webhook answered 500: l\xEF\xBF\xBD l"));
  EXPECT_NE(NotificationMetricsText().find("notification_deliveries_total{channel=\"webhook\",outcome=\"failed\"}"),
            std::string::npos);

  // An operator fixes the receiver and retries: a fresh budget, due now.
  const int fixed_port = FreePort();
  StartWebhookReceiver(fixed_port, {});
  npb::RetryDeliveryRequest retry;
  retry.set_name(failed[0].name());
  retry.set_request_id("retry-1");
  npb::Delivery again;
  ASSERT_OK(N(&NotificationStub::RetryDelivery, retry, &again));
  EXPECT_EQ(again.state(), npb::Delivery::STATE_PENDING);
  npb::Delivery replayed;
  ASSERT_OK(N(&NotificationStub::RetryDelivery, retry, &replayed));  // The same request: the same answer.
  EXPECT_EQ(replayed.SerializeAsString(), again.SerializeAsString());
  EXPECT_EQ(N(&NotificationStub::RetryDelivery, retry, &replayed, &kHctp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  retry.set_name("deliveries/999999");
  retry.set_request_id("retry-2");
  EXPECT_EQ(N(&NotificationStub::RetryDelivery, retry, &replayed).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(NotificationDeliveryTest, ARefusedMailServerIsRetriedUntilItAccepts) {
  SetEndpoints("units/lanh-dao-bo", {{dpb::NotificationEndpoint::CHANNEL_EMAIL, "lanhdao@moj.gov.vn"}});
  { std::ofstream(dir_ + "/smtp-down") << "451"; }
  StartNotificationServer();
  WaitCaughtUp();
  Drain();
  std::vector<npb::Delivery> mails = Deliveries(npb::CHANNEL_EMAIL);
  ASSERT_FALSE(mails.empty());
  for (const npb::Delivery& m : mails) EXPECT_EQ(m.state(), npb::Delivery::STATE_PENDING);
  EXPECT_EQ(Lines("mail.jsonl"), 0);
  std::filesystem::remove(dir_ + "/smtp-down");
  clock_.Advance(absl::Minutes(30));  // Past the pause and the first back-off.
  Drain();
  for (const npb::Delivery& m : Deliveries(npb::CHANNEL_EMAIL)) {
    EXPECT_EQ(m.state(), npb::Delivery::STATE_DELIVERED) << m.last_error();
  }
  EXPECT_EQ(Lines("mail.jsonl"), static_cast<int>(mails.size()));
}

TEST_F(NotificationDeliveryTest, ReplayingEveryEventMakesNoSecondNotification) {
  SetEndpoints("units/lanh-dao-bo", {{dpb::NotificationEndpoint::CHANNEL_EMAIL, "lanhdao@moj.gov.vn"}});
  StartNotificationServer();
  WaitCaughtUp();
  Drain();
  const size_t before = Deliveries(npb::CHANNEL_UNSPECIFIED).size();
  ASSERT_GT(before, 0u);
  // The cursor back to the start (as after a rebuild), a restart, the same day.
  notification_server_.reset();
  notification_bundle_.reset();
  {
    pqxx::connection conn(database_url());
    pqxx::work tx(conn);
    tx.exec0("UPDATE notification.consumer_state SET event_cursor = '', events_applied = 0");
    tx.commit();
  }
  StartNotificationServer();
  WaitCaughtUp();
  Drain();
  EXPECT_EQ(Deliveries(npb::CHANNEL_UNSPECIFIED).size(), before);
  EXPECT_EQ(Lines("mail.jsonl"), static_cast<int>(Deliveries(npb::CHANNEL_EMAIL).size()));
}

TEST_F(NotificationDeliveryTest, SignaturesVerifyWithEitherSecretDuringARotation) {
  const int port = FreePort();
  const std::string hook = absl::StrCat("http://127.0.0.1:", port, "/ldb");
  SetUpLeadership(hook);
  const std::string old_secret = RotateSecret(hook, "s1");
  npb::RotateWebhookSecretRequest rotate;
  rotate.set_url(hook);
  rotate.set_request_id("s2");
  rotate.set_previous_valid_seconds(3600);
  npb::WebhookSecret fresh;
  ASSERT_OK(N(&NotificationStub::RotateWebhookSecret, rotate, &fresh));
  EXPECT_NE(fresh.secret(), old_secret);
  EXPECT_EQ(fresh.previous_expire_time().seconds(), absl::ToUnixSeconds(clock_.Now() + absl::Hours(1)));
  StartWebhookReceiver(port, {old_secret});  // The receiver has not switched yet.
  Drain();
  std::vector<Received> got = Webhooks();
  ASSERT_FALSE(got.empty());
  for (const Received& r : got) {
    EXPECT_TRUE(r.fields().at("verified").bool_value());
    const std::string signature = Str(r, "signature");
    EXPECT_EQ(std::count(signature.begin(), signature.end(), ','), 2) << "one per secret: " << signature;
  }
}

TEST_F(NotificationDeliveryTest, AnEndpointThatPrefersADigestGetsOneMessageForAllThatFires) {
  SetEndpoints("units/lanh-dao-bo", {{dpb::NotificationEndpoint::CHANNEL_EMAIL, "lanhdao@moj.gov.vn"}},
               /*digest=*/true);
  StartNotificationServer();
  WaitCaughtUp();
  Drain();
  const std::vector<npb::Delivery> mails = Deliveries(npb::CHANNEL_EMAIL);
  ASSERT_GT(mails.size(), 1u);
  for (const npb::Delivery& m : mails) {
    EXPECT_TRUE(m.digest());
    EXPECT_EQ(m.state(), npb::Delivery::STATE_DELIVERED) << m.last_error();
  }
  const std::vector<Received> got = Mails();
  ASSERT_EQ(got.size(), 1u) << "one digest, not one mail per item";
  EXPECT_THAT(Str(got[0], "subject"), HasSubstr(absl::StrCat(mails.size(), " nội dung")));
  EXPECT_THAT(Str(got[0], "message_id"), HasSubstr("<dgst-"));
  // Each item is listed in it, by its subject.
  const std::string body = Str(got[0], "body");
  for (size_t i = 1; i <= mails.size(); ++i) EXPECT_THAT(body, HasSubstr(absl::StrCat("\n", i, ". [Đề án 06] ")));
}

TEST_F(NotificationDeliveryTest, AHangingReceiverHoldsUpOnlyItsOwnDeliveries) {
  // A webhook that accepts connections and never answers.
  int port = 0;
  const int listener = LoopbackListener(&port);
  ASSERT_GE(listener, 0);
  const std::string hook = absl::StrCat("http://127.0.0.1:", port, "/hangs");
  SetEndpoints("units/lanh-dao-bo", {{dpb::NotificationEndpoint::CHANNEL_EMAIL, "lanhdao@moj.gov.vn"},
                                     {dpb::NotificationEndpoint::CHANNEL_WEBHOOK, hook}});
  notification_options_.start_dispatcher = true;  // Its real sender threads, on the test's clock.
  notification_options_.dispatch.tick = absl::Milliseconds(20);
  StartNotificationServer();
  RotateSecret(hook, "s1");
  WaitCaughtUp();
  // Every e-mail arrives while the webhook's sends hang (at most 4 of the 8 senders).
  const absl::Time give_up = absl::Now() + absl::Seconds(8);
  size_t mails = 0;
  while (absl::Now() < give_up) {
    mails = Deliveries(npb::CHANNEL_EMAIL, npb::Delivery::STATE_DELIVERED).size();
    if (mails > 0 && mails == Deliveries(npb::CHANNEL_EMAIL).size()) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_GT(mails, 0u);
  EXPECT_EQ(mails, Deliveries(npb::CHANNEL_EMAIL).size());
  EXPECT_EQ(static_cast<int>(mails), Lines("mail.jsonl"));
  EXPECT_TRUE(Deliveries(npb::CHANNEL_WEBHOOK, npb::Delivery::STATE_DELIVERED).empty());
  notification_server_.reset();
  notification_bundle_.reset();  // Stops the senders (the hanging sends time out).
  close(listener);
}

TEST_F(NotificationDeliveryTest, RulesRefuseBadInputNamingTheField) {
  StartNotificationServer();
  auto create = [&](const std::function<void(npb::CreateRuleRequest&)>& edit, const Principal* who = &kOffice) {
    npb::CreateRuleRequest r;
    r.set_rule_id("nhac-them");
    r.mutable_rule()->set_kind(npb::Rule::KIND_REMINDER);
    r.mutable_rule()->set_working_days(3);
    r.mutable_rule()->add_channels(npb::CHANNEL_INBOX);
    r.mutable_rule()->set_recipient(npb::Rule::RECIPIENT_TASK_UNITS);
    r.mutable_rule()->set_enabled(true);
    edit(r);
    npb::Rule out;
    return N(&NotificationStub::CreateRule, r, &out, who);
  };
  auto refused = [&](const std::function<void(npb::CreateRuleRequest&)>& edit, const std::string& field) {
    grpc::Status s = create(edit);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_THAT(s.error_message(), HasSubstr(field));
  };
  refused([](auto& r) { r.mutable_rule()->set_working_days(-1); }, "rule.working_days");
  refused([](auto& r) { r.mutable_rule()->set_working_days(100000); }, "rule.working_days");
  refused([](auto& r) { r.mutable_rule()->set_kind(npb::Rule::KIND_ESCALATION); r.mutable_rule()->set_working_days(0); },
          "rule.working_days");
  refused([](auto& r) { r.mutable_rule()->set_kind(static_cast<npb::Rule::Kind>(9)); }, "rule.kind");
  refused([](auto& r) { r.mutable_rule()->add_channels(static_cast<npb::Channel>(42)); }, "rule.channels[1]");
  refused([](auto& r) { r.mutable_rule()->clear_channels(); }, "rule.channels");
  refused([](auto& r) { r.mutable_rule()->set_recipient(npb::Rule::RECIPIENT_UNIT); }, "rule.recipient_unit");
  refused([](auto& r) { r.mutable_rule()->mutable_scope()->set_plan("plans/../x"); }, "rule.scope.plan");
  refused([](auto& r) { r.mutable_rule()->add_disabled_units("units/X Y"); }, "rule.disabled_units[0]");
  refused([](auto& r) { r.mutable_rule()->set_display_name(std::string(5000, 'a')); }, "rule.display_name");
  refused([](auto& r) { r.set_rule_id("Bad Id"); }, "rule_id");
  EXPECT_EQ(create([](auto&) {}, nullptr).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(create([](auto&) {}, &kHctp).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  {
    npb::ListRulesRequest list;
    npb::ListRulesResponse rules;
    ASSERT_OK(N(&NotificationStub::ListRules, list, &rules));
    EXPECT_EQ(rules.rules_size(), 7) << "nothing refused was stored";
  }

  ASSERT_OK(create([](auto& r) { r.set_request_id("c1"); }));
  EXPECT_EQ(create([](auto& r) { r.set_request_id("c1"); }).error_code(), grpc::StatusCode::OK) << "a replay";
  EXPECT_EQ(create([](auto& r) { r.set_request_id("c1"); r.mutable_rule()->set_working_days(4); }).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT)
      << "the id reused for another request";
  EXPECT_EQ(create([](auto& r) { r.set_request_id("c2"); }).error_code(), grpc::StatusCode::ALREADY_EXISTS);

  npb::GetRuleRequest get;
  get.set_name("rules/nhac-them");
  npb::Rule rule;
  ASSERT_OK(N(&NotificationStub::GetRule, get, &rule));
  npb::UpdateRuleRequest update;
  *update.mutable_rule() = rule;
  update.mutable_rule()->set_working_days(2);
  update.mutable_update_mask()->add_paths("working_days");
  npb::Rule updated;
  ASSERT_OK(N(&NotificationStub::UpdateRule, update, &updated));
  EXPECT_EQ(updated.working_days(), 2);
  EXPECT_NE(updated.etag(), rule.etag());
  EXPECT_EQ(N(&NotificationStub::UpdateRule, update, &updated).error_code(), grpc::StatusCode::ABORTED) << "stale etag";
  update.mutable_rule()->set_etag(updated.etag());
  update.mutable_update_mask()->set_paths(0, "etag");
  EXPECT_EQ(N(&NotificationStub::UpdateRule, update, &updated).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  update.mutable_update_mask()->set_paths(0, "working_days");
  update.mutable_rule()->set_working_days(-5);
  EXPECT_EQ(N(&NotificationStub::UpdateRule, update, &updated).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // Webhook secrets only for http(s) targets that are not refused.
  for (const char* url : {"ftp://example.gov.vn/x", "javascript:alert(1)", "http://169.254.169.254/latest/meta-data",
                          "http://10.0.0.8/hook", "http://[::1]/hook"}) {
    npb::RotateWebhookSecretRequest r;
    r.set_url(url);
    npb::WebhookSecret out;
    grpc::Status s = N(&NotificationStub::RotateWebhookSecret, r, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << url;
    EXPECT_THAT(s.error_message(), HasSubstr("url")) << url;
  }
  // The calendar: a year without data is FAILED_PRECONDITION.
  npb::GetCalendarRequest cal;
  *cal.mutable_start() = ToProtoDate(absl::CivilDay(2026, 2, 1));
  *cal.mutable_end() = ToProtoDate(absl::CivilDay(2026, 2, 28));
  npb::Calendar feb;
  ASSERT_OK(N(&NotificationStub::GetCalendar, cal, &feb));
  EXPECT_EQ(feb.working_days(), 15);
  EXPECT_EQ(feb.holidays_size(), 5);  // 16–20/2 (Tết) on weekdays.
  *cal.mutable_end() = ToProtoDate(absl::CivilDay(2031, 1, 1));
  EXPECT_EQ(N(&NotificationStub::GetCalendar, cal, &feb).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  *cal.mutable_start() = ToProtoDate(absl::CivilDay(2030, 1, 1));
  EXPECT_EQ(N(&NotificationStub::GetCalendar, cal, &feb).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(NotificationDeliveryTest, AUnitReadsAndMarksOnlyItsOwnInbox) {
  StartNotificationServer();
  WaitCaughtUp();
  Drain();
  const Principal kLeadership{.subject = "thuky@ldb", .unit = "units/lanh-dao-bo", .roles = {"viewer"}};
  npb::ListInboxRequest inbox;
  inbox.set_unit("units/lanh-dao-bo");
  inbox.set_page_size(2);
  npb::ListInboxResponse page;
  ASSERT_OK(N(&NotificationStub::ListInbox, inbox, &page, &kLeadership));
  ASSERT_EQ(page.notifications_size(), 2);
  EXPECT_FALSE(page.next_page_token().empty());
  const npb::Notification first = page.notifications(0);
  npb::MarkReadRequest read;
  read.set_name(first.name());
  npb::Notification marked;
  EXPECT_EQ(N(&NotificationStub::MarkRead, read, &marked, &kHctp).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(N(&NotificationStub::MarkRead, read, &marked, nullptr).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_OK(N(&NotificationStub::MarkRead, read, &marked, &kLeadership));
  EXPECT_TRUE(marked.has_read_time());
  inbox.set_unread_only(true);
  inbox.set_page_size(500);
  ASSERT_OK(N(&NotificationStub::ListInbox, inbox, &page, &kLeadership));
  for (const npb::Notification& n : page.notifications()) EXPECT_NE(n.name(), first.name());
  inbox.set_unit("units/cuc-hctp");
  EXPECT_EQ(N(&NotificationStub::ListInbox, inbox, &page, &kLeadership).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  read.set_name("notifications/ntf_' OR 1=1 --");
  EXPECT_EQ(N(&NotificationStub::MarkRead, read, &marked, &kLeadership).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace p06::testing
