// A year of the 2025 plan on the injected clock, every notice captured by a real SMTP
// server and a real webhook receiver, compared with dates counted by hand for task 7
// (the Ministry Office's monthly report, led by units/van-phong-bo):
//
//   occurrence   outcome            VPB webhook                     focal   head    VPB mail             leadership
//   2025-04-30   done on 28/4       r5 23/4, r2 26/4 (Sat), r1 28/4  –       –       23/4, 28/4           –
//   2025-08-31   done late on 8/9   r5 22/8, r2 27/8, r1 28/8,       3/9     5/9     22/8, 28/8, 29/8     –
//                                   r0 29/8, e1 3/9, e3 5/9
//   2025-12-31   never              r5 24/12, r2 29/12, r1 30/12,    2/1     6/1     24/12, 30/12, 31/12, 15/1/2026
//                                   r0 31/12, e1 2/1, e3 6/1, e5 8/1                 8/1
//   2025-01..03  past at import     –                                –       –       –                    15/4 (e10 only)
//
// (30/4 and 31/8 fall on days off: due the working day before; 26/4/2025 is a make-up
// Saturday; 30/8–2/9/2025 and 1/1/2026 are off. r2 is an extra rule of the test.)
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "common/base/clock.h"
#include "common/calendar/working_calendar.h"
#include "tests/integration/notification_server.h"

namespace p06::testing {
namespace {

const std::string kTask7 = "plans/910-qd-btp-2025/tasks/7/occurrences/";

absl::Time Hanoi(absl::CivilDay d, int hh, int mm) {
  return absl::FromCivil(absl::CivilSecond(d.year(), d.month(), d.day(), hh, mm, 0), absl::FixedTimeZone(7 * 3600));
}

std::string Day(absl::CivilDay d) { return absl::StrFormat("%02d/%02d/%04d", d.day(), d.month(), d.year()); }

class NotificationYearTest : public NotificationServerTest {
 protected:
  void Complete(const std::string& occurrence, const std::string& id) {
    tpb::ReportProgressRequest r = Report(7, id, 100);
    r.mutable_report()->set_status(tpb::TASK_STATUS_COMPLETED);
    r.mutable_report()->set_occurrence(kTask7 + occurrence);
    grpc::Status s = Post(r, kOffice);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
};

// "dd/mm/yyyy" of a notification's creation in Hà Nội, from a webhook body.
absl::CivilDay CreatedDay(const Received& hook, absl::Time* at) {
  const google::protobuf::Struct& data = hook.fields().at("body").struct_value().fields().at("data").struct_value();
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, data.fields().at("createTime").string_value(), &t, &err)) << err;
  *at = t;
  return absl::ToCivilDay(t, VietnamTimeZone());
}

TEST_F(NotificationYearTest, EveryNoticeOfTheYearIsSentOnItsWorkingDayWithinOfficeHours) {
  const int webhook_port = FreePort();
  const std::string vpb_hook = absl::StrCat("http://127.0.0.1:", webhook_port, "/vpb");
  SetEndpoints("units/van-phong-bo", {{dpb::NotificationEndpoint::CHANNEL_EMAIL, "vpb@moj.gov.vn"},
                                      {dpb::NotificationEndpoint::CHANNEL_WEBHOOK, vpb_hook}});
  SetEndpoints("units/lanh-dao-bo", {{dpb::NotificationEndpoint::CHANNEL_EMAIL, "lanhdao@moj.gov.vn"}});
  AddContact("units/van-phong-bo", dpb::Contact::ROLE_FOCAL_POINT, "daumoi.vpb@moj.gov.vn");
  AddContact("units/van-phong-bo", dpb::Contact::ROLE_HEAD, "chanh.vpb@moj.gov.vn");
  StartNotificationServer();
  {
    npb::CreateRuleRequest rule;
    rule.set_rule_id("reminder-2");
    rule.set_request_id("rule-reminder-2");
    rule.mutable_rule()->set_kind(npb::Rule::KIND_REMINDER);
    rule.mutable_rule()->set_working_days(2);
    rule.mutable_rule()->add_channels(npb::CHANNEL_WEBHOOK);
    rule.mutable_rule()->set_enabled(true);
    rule.mutable_rule()->set_recipient(npb::Rule::RECIPIENT_LEAD_UNITS);
    rule.mutable_rule()->mutable_scope()->set_unit("units/van-phong-bo");
    npb::Rule out;
    ASSERT_OK(N(&NotificationStub::CreateRule, rule, &out));
  }
  StartWebhookReceiver(webhook_port, {RotateSecret(vpb_hook, "secret-vpb")});
  WaitCaughtUp();

  const std::map<absl::CivilDay, std::pair<std::string, std::string>> completions = {
      {absl::CivilDay(2025, 4, 28), {"2025-04-30", "t7-apr"}},
      {absl::CivilDay(2025, 9, 8), {"2025-08-31", "t7-aug"}},
  };
  for (absl::CivilDay d(2025, 4, 15); d <= absl::CivilDay(2026, 1, 20); ++d) {
    // Before the window, in it, and after it; at 10:00 the day's progress, if any.
    for (auto [hh, mm] : std::vector<std::pair<int, int>>{{6, 0}, {7, 45}, {10, 0}, {17, 30}}) {
      if (d == absl::CivilDay(2025, 4, 15) && hh < 10) continue;  // The plan came in at 9:00.
      if (hh == 10 && !completions.contains(d) && d != absl::CivilDay(2025, 4, 15)) continue;
      clock_.Set(Hanoi(d, hh, mm));
      if (hh == 10 && completions.contains(d)) {
        Complete(completions.at(d).first, completions.at(d).second);
        WaitCaughtUp();
      }
      ASSERT_OK(notification_bundle_->dispatcher().Drain());
    }
  }

  // The webhook: every call verified (Python's hmac), on a working day in office hours.
  std::map<std::string, std::set<std::string>> hooks;  // occurrence → "rule dd/mm/yyyy"
  std::map<std::string, int> seen;
  const calendar::WorkingCalendar& cal = calendar::WorkingCalendar::Vietnam();
  for (const Received& h : Webhooks()) {
    EXPECT_TRUE(h.fields().at("verified").bool_value()) << Str(h, "id");
    ++seen[Str(h, "id")];
    absl::Time at;
    const absl::CivilDay day = CreatedDay(h, &at);
    EXPECT_TRUE(*cal.IsWorkingDay(day)) << Day(day);
    const absl::Duration since = at - Hanoi(day, 0, 0);
    EXPECT_GE(since, absl::Hours(7) + absl::Minutes(30)) << Day(day);
    EXPECT_LT(since, absl::Hours(17)) << Day(day);
    const auto& data = h.fields().at("body").struct_value().fields().at("data").struct_value().fields();
    const std::string occurrence = data.at("occurrence").string_value();
    if (absl::StartsWith(occurrence, kTask7)) {
      hooks[occurrence.substr(kTask7.size())].insert(
          absl::StrCat(data.at("rule").string_value().substr(6), " ", Day(day)));
    }
  }
  for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id << " was delivered " << n << " times";
  EXPECT_EQ(hooks["2025-04-30"], (std::set<std::string>{"reminder-5 23/04/2025", "reminder-2 26/04/2025",
                                                         "reminder-1 28/04/2025"}));
  EXPECT_EQ(hooks["2025-08-31"],
            (std::set<std::string>{"reminder-5 22/08/2025", "reminder-2 27/08/2025", "reminder-1 28/08/2025",
                                   "reminder-0 29/08/2025", "escalation-1 03/09/2025", "escalation-3 05/09/2025"}));
  EXPECT_EQ(hooks["2025-12-31"],
            (std::set<std::string>{"reminder-5 24/12/2025", "reminder-2 29/12/2025", "reminder-1 30/12/2025",
                                   "reminder-0 31/12/2025", "escalation-1 02/01/2026", "escalation-3 06/01/2026",
                                   "escalation-5 08/01/2026"}));
  EXPECT_TRUE(hooks["2025-01-31"].empty()) << "past at import: only the leadership step, which has no webhook";

  // E-mail: by recipient and occurrence, the days it was sent (its Date header).
  std::map<std::string, std::set<std::string>> mails;  // "to occurrence" → days
  for (const Received& m : Mails()) {
    absl::Time at;
    std::string err;
    ASSERT_TRUE(absl::ParseTime("%a, %d %b %Y %H:%M:%S %z", Str(m, "date"), &at, &err)) << Str(m, "date") << err;
    const absl::CivilDay day = absl::ToCivilDay(at, VietnamTimeZone());
    EXPECT_TRUE(*cal.IsWorkingDay(day)) << Day(day) << " " << Str(m, "subject");
    const absl::Duration since = at - Hanoi(day, 0, 0);
    EXPECT_GE(since, absl::Hours(7) + absl::Minutes(30));
    EXPECT_LT(since, absl::Hours(17));
    EXPECT_TRUE(absl::StartsWith(Str(m, "subject"), "[Đề án 06] ")) << Str(m, "subject");
    const std::string body = Str(m, "body");
    const size_t at_period = body.find("Kỳ: " + kTask7);
    if (at_period == std::string::npos) continue;
    const std::string occurrence = body.substr(at_period + std::string("Kỳ: ").size() + kTask7.size(), 10);
    const auto& to = m.fields().at("rcpt_tos").list_value();
    ASSERT_EQ(to.values_size(), 1);
    mails[absl::StrCat(to.values(0).string_value(), " ", occurrence)].insert(Day(day));
    EXPECT_NE(Str(m, "message_id").find("@p06.moj.gov.vn>"), std::string::npos);
  }
  using S = std::set<std::string>;
  EXPECT_EQ(mails["vpb@moj.gov.vn 2025-04-30"], (S{"23/04/2025", "28/04/2025"}));
  EXPECT_EQ(mails["vpb@moj.gov.vn 2025-08-31"], (S{"22/08/2025", "28/08/2025", "29/08/2025"}));
  EXPECT_EQ(mails["vpb@moj.gov.vn 2025-12-31"], (S{"24/12/2025", "30/12/2025", "31/12/2025", "08/01/2026"}));
  EXPECT_EQ(mails["daumoi.vpb@moj.gov.vn 2025-08-31"], (S{"03/09/2025"}));
  EXPECT_EQ(mails["chanh.vpb@moj.gov.vn 2025-08-31"], (S{"05/09/2025"}));
  EXPECT_EQ(mails["daumoi.vpb@moj.gov.vn 2025-12-31"], (S{"02/01/2026"}));
  EXPECT_EQ(mails["chanh.vpb@moj.gov.vn 2025-12-31"], (S{"06/01/2026"}));
  EXPECT_EQ(mails["lanhdao@moj.gov.vn 2025-12-31"], (S{"15/01/2026"}));
  EXPECT_TRUE(mails["lanhdao@moj.gov.vn 2025-08-31"].empty()) << "completed before its leadership step";
  for (const char* past : {"2025-01-31", "2025-02-28", "2025-03-31"}) {
    EXPECT_EQ(mails[absl::StrCat("lanhdao@moj.gov.vn ", past)], (S{"15/04/2025"})) << past;
    EXPECT_TRUE(mails[absl::StrCat("daumoi.vpb@moj.gov.vn ", past)].empty()) << past << ": superseded";
  }

  // The inbox of VPB holds them too, and a unit reads only its own.
  npb::ListInboxRequest inbox;
  inbox.set_unit("units/van-phong-bo");
  npb::ListInboxResponse page;
  ASSERT_OK(N(&NotificationStub::ListInbox, inbox, &page));
  EXPECT_GT(page.notifications_size(), 10);
  EXPECT_EQ(N(&NotificationStub::ListInbox, inbox, &page, &kHctp).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Nothing left pending, nothing failed.
  npb::ListDeliveriesRequest failed;
  failed.set_state(npb::Delivery::STATE_FAILED);
  npb::ListDeliveriesResponse deliveries;
  ASSERT_OK(N(&NotificationStub::ListDeliveries, failed, &deliveries));
  EXPECT_EQ(deliveries.deliveries_size(), 0)
      << deliveries.deliveries(0).address() << ": " << deliveries.deliveries(0).last_error();
}

}  // namespace
}  // namespace p06::testing
