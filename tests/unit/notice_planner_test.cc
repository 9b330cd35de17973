// When notices fire: the dates below were counted by hand on the 2025/2026 calendars
// (common/calendar/vietnam.calendar), the make-up Saturday 26/4/2025 and the holidays
// 30/4–4/5 and 30/8–2/9/2025, 1/1/2026 included.
#include "services/notification/planning/notice_planner.h"

#include <gtest/gtest.h>

#include "common/base/clock.h"
#include "services/notification/delivery/notice_firer.h"

namespace p06::notification {
namespace {

using absl::CivilDay;
const calendar::WorkingCalendar& Cal() { return calendar::WorkingCalendar::Vietnam(); }

pb::Rule MakeRule(const std::string& id, pb::Rule::Kind kind, int days,
                  pb::Rule::Recipient recipient = pb::Rule::RECIPIENT_TASK_UNITS) {
  pb::Rule r;
  r.set_name("rules/" + id);
  r.set_kind(kind);
  r.set_working_days(days);
  r.set_enabled(true);
  r.set_recipient(recipient);
  r.add_channels(pb::CHANNEL_EMAIL);
  r.add_channels(pb::CHANNEL_INBOX);
  return r;
}

CivilDay C(int y, int m, int d) { return CivilDay(y, m, d); }

CivilDay Fire(pb::Rule::Kind kind, int days, CivilDay due) {
  absl::StatusOr<CivilDay> d = FireDay(MakeRule("r", kind, days), due, Cal());
  EXPECT_TRUE(d.ok()) << d.status();
  return d.value_or(CivilDay());
}

struct Ladder {
  CivilDay due, r5, r1, r0, e1, e3, e5, e10;
};

TEST(NoticePlanner, TheDefaultLadderFallsOnTheDaysCountedByHand) {
  const Ladder ladders[] = {
      // 31/1/2025 is in Tết (25/1–2/2): due on the working day before, Fri 24/1.
      {C(2025, 1, 31), C(2025, 1, 17), C(2025, 1, 23), C(2025, 1, 24), C(2025, 2, 3), C(2025, 2, 5), C(2025, 2, 7),
       C(2025, 2, 14)},
      // 30/4 is a holiday: due Tue 29/4; five working days back counts Sat 26/4 (made up).
      {C(2025, 4, 30), C(2025, 4, 23), C(2025, 4, 28), C(2025, 4, 29), C(2025, 5, 5), C(2025, 5, 7), C(2025, 5, 9),
       C(2025, 5, 16)},
      // Sunday 31/8 before Quốc khánh (30/8–2/9): due Fri 29/8, escalations from Wed 3/9.
      {C(2025, 8, 31), C(2025, 8, 22), C(2025, 8, 28), C(2025, 8, 29), C(2025, 9, 3), C(2025, 9, 5), C(2025, 9, 9),
       C(2025, 9, 16)},
      // Over the new year: 1/1/2026 is off.
      {C(2025, 12, 31), C(2025, 12, 24), C(2025, 12, 30), C(2025, 12, 31), C(2026, 1, 2), C(2026, 1, 6), C(2026, 1, 8),
       C(2026, 1, 15)},
  };
  for (const Ladder& l : ladders) {
    SCOPED_TRACE(absl::FormatCivilTime(l.due));
    EXPECT_EQ(Fire(pb::Rule::KIND_REMINDER, 5, l.due), l.r5);
    EXPECT_EQ(Fire(pb::Rule::KIND_REMINDER, 1, l.due), l.r1);
    EXPECT_EQ(Fire(pb::Rule::KIND_REMINDER, 0, l.due), l.r0);
    EXPECT_EQ(Fire(pb::Rule::KIND_ESCALATION, 1, l.due), l.e1);
    EXPECT_EQ(Fire(pb::Rule::KIND_ESCALATION, 3, l.due), l.e3);
    EXPECT_EQ(Fire(pb::Rule::KIND_ESCALATION, 5, l.due), l.e5);
    EXPECT_EQ(Fire(pb::Rule::KIND_ESCALATION, 10, l.due), l.e10);
  }
}

TEST(NoticePlanner, AYearWithoutCalendarDataIsNeverGuessed) {
  EXPECT_EQ(FireDay(MakeRule("r", pb::Rule::KIND_REMINDER, 1), CivilDay(2031, 3, 31), Cal()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  OccurrenceFacts o{.name = "plans/p/tasks/1/occurrences/2031-03-31", .task = "plans/p/tasks/1", .plan = "plans/p",
                    .due = CivilDay(2031, 3, 31)};
  Plan plan = PlanNotices(o, {MakeRule("reminder-1", pb::Rule::KIND_REMINDER, 1)}, Cal(), DeliveryWindow{});
  EXPECT_TRUE(plan.notices.empty());
  ASSERT_EQ(plan.unplannable.size(), 1u);
  EXPECT_EQ(plan.unplannable[0].rfind("reminder-1: ", 0), 0u);
}

TEST(NoticePlanner, FiresWhenTheWindowOpensInHanoi) {
  OccurrenceFacts o{.name = "plans/p/tasks/1/occurrences/2025-08-31", .task = "plans/p/tasks/1", .plan = "plans/p",
                    .due = CivilDay(2025, 8, 31)};
  Plan plan = PlanNotices(o, {MakeRule("reminder-0", pb::Rule::KIND_REMINDER, 0)}, Cal(), DeliveryWindow{});
  ASSERT_EQ(plan.notices.size(), 1u);
  EXPECT_EQ(plan.notices[0].fire_time,
            absl::FromCivil(absl::CivilSecond(2025, 8, 29, 7, 30, 0), absl::FixedTimeZone(7 * 3600)));
}

TEST(NoticePlanner, ScopeEnabledAndClosedDecideWhetherARuleApplies) {
  OccurrenceFacts o{.name = "plans/p/tasks/7/occurrences/2025-04-30", .task = "plans/p/tasks/7", .plan = "plans/p",
                    .section_ordinal = 2, .schedule_kind = tpb::Schedule::KIND_MONTHLY,
                    .lead_units = {"units/van-phong-bo"}, .coordinating_units = {"groups/cac-don-vi"},
                    .due = CivilDay(2025, 4, 30), .status = tpb::TASK_STATUS_IN_PROGRESS};
  pb::Rule r = MakeRule("r", pb::Rule::KIND_REMINDER, 1);
  EXPECT_TRUE(RuleApplies(r, o));
  r.mutable_scope()->set_plan("plans/other");
  EXPECT_FALSE(RuleApplies(r, o));
  r.mutable_scope()->set_plan("plans/p");
  r.mutable_scope()->set_section_ordinal(3);
  EXPECT_FALSE(RuleApplies(r, o));
  r.mutable_scope()->set_section_ordinal(2);
  r.mutable_scope()->set_schedule_kind(tpb::Schedule::KIND_QUARTERLY);
  EXPECT_FALSE(RuleApplies(r, o));
  r.mutable_scope()->set_schedule_kind(tpb::Schedule::KIND_MONTHLY);
  r.mutable_scope()->set_unit("units/vu-tccb");
  EXPECT_FALSE(RuleApplies(r, o));
  r.mutable_scope()->set_unit("groups/cac-don-vi");
  EXPECT_TRUE(RuleApplies(r, o));
  r.set_enabled(false);
  EXPECT_FALSE(RuleApplies(r, o));
  r.set_enabled(true);
  o.status = tpb::TASK_STATUS_COMPLETED;
  EXPECT_TRUE(PlanNotices(o, {r}, Cal(), DeliveryWindow{}).notices.empty());
  o.status = tpb::TASK_STATUS_BLOCKED;  // Blocked is still awaited.
  EXPECT_EQ(PlanNotices(o, {r}, Cal(), DeliveryWindow{}).notices.size(), 1u);
}

absl::Time Hanoi(int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), absl::FixedTimeZone(7 * 3600));
}

TEST(DeliveryWindow, OfficeHoursOnWorkingDaysOnly) {
  const DeliveryWindow w;
  EXPECT_FALSE(*w.IsOpen(Hanoi(2025, 4, 25, 7, 29), Cal()));
  EXPECT_TRUE(*w.IsOpen(Hanoi(2025, 4, 25, 7, 30), Cal()));
  EXPECT_TRUE(*w.IsOpen(Hanoi(2025, 4, 25, 16, 59), Cal()));
  EXPECT_FALSE(*w.IsOpen(Hanoi(2025, 4, 25, 17, 0), Cal()));
  EXPECT_TRUE(*w.IsOpen(Hanoi(2025, 4, 26, 10, 0), Cal())) << "the make-up Saturday is a working day";
  EXPECT_FALSE(*w.IsOpen(Hanoi(2025, 4, 27, 10, 0), Cal())) << "a Sunday";
  EXPECT_FALSE(*w.IsOpen(Hanoi(2025, 9, 2, 10, 0), Cal())) << "Quốc khánh";
  EXPECT_FALSE(*w.IsOpen(Hanoi(2026, 2, 17, 10, 0), Cal())) << "Tết 2026";
  // Friday evening before Quốc khánh: the next window is Wednesday morning.
  EXPECT_EQ(*w.NextOpen(Hanoi(2025, 8, 29, 17, 30), Cal()), Hanoi(2025, 9, 3, 7, 30));
  EXPECT_EQ(*w.NextOpen(Hanoi(2025, 9, 3, 6, 0), Cal()), Hanoi(2025, 9, 3, 7, 30));
  EXPECT_EQ(*w.NextOpen(Hanoi(2025, 9, 3, 9, 0), Cal()), Hanoi(2025, 9, 3, 9, 0));
  EXPECT_EQ(w.IsOpen(Hanoi(2031, 1, 6, 9, 0), Cal()).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE((DeliveryWindow{.open = absl::Hours(18), .close = absl::Hours(8)}).Validate().ok());
}

// A directory of three units and a group, answering from memory.
class MemoryDirectory final : public RecipientDirectory {
 public:
  MemoryDirectory() {
    UnitRecipient vpb{.name = "units/van-phong-bo", .display_name = "Văn phòng Bộ"};
    dpb::NotificationEndpoint mail;
    mail.set_channel(dpb::NotificationEndpoint::CHANNEL_EMAIL);
    mail.set_address("vpb@moj.gov.vn");
    vpb.endpoints.push_back(mail);
    dpb::Contact focal;
    focal.set_role(dpb::Contact::ROLE_FOCAL_POINT);
    focal.set_email("daumoi@moj.gov.vn");
    dpb::Contact head;
    head.set_role(dpb::Contact::ROLE_HEAD);
    head.set_email("chanhvanphong@moj.gov.vn");
    vpb.contacts = {focal, head};
    units_["units/van-phong-bo"] = vpb;
    units_["units/vu-tccb"] = {.name = "units/vu-tccb", .display_name = "Vụ Tổ chức cán bộ"};
    units_["units/cuc-hctp"] = {.name = "units/cuc-hctp", .display_name = "Cục Hành chính tư pháp"};
  }
  absl::StatusOr<UnitRecipient> Unit(const std::string& name) override {
    auto it = units_.find(name);
    if (it == units_.end()) return absl::NotFoundError(name);
    return it->second;
  }
  absl::StatusOr<std::vector<std::string>> Members(const std::string& group) override {
    if (group == "groups/cac-don-vi") return std::vector<std::string>{"units/vu-tccb", "units/cuc-hctp"};
    return absl::NotFoundError(group);
  }

 private:
  std::map<std::string, UnitRecipient> units_;
};

DueNotice Due(const std::string& rule, pb::Rule::Kind kind, int days, CivilDay due_day) {
  return {.rule_id = rule, .kind = kind, .working_days = days,
          .occurrence = {.name = "plans/p/tasks/7/occurrences/" + absl::FormatCivilTime(due_day),
                         .task = "plans/p/tasks/7", .plan = "plans/p", .title = "Báo cáo định kỳ",
                         .lead_units = {"units/van-phong-bo"}, .coordinating_units = {"groups/cac-don-vi"},
                         .due = due_day}};
}

TEST(NoticeFirer, OnlyTheLatestStepOfEachKindFiresAndRecipientsComeFromTheDirectory) {
  MemoryDirectory directory;
  std::map<std::string, pb::Rule> rules;
  rules["reminder-1"] = MakeRule("reminder-1", pb::Rule::KIND_REMINDER, 1);
  rules["escalation-1"] = MakeRule("escalation-1", pb::Rule::KIND_ESCALATION, 1, pb::Rule::RECIPIENT_FOCAL_POINTS);
  rules["escalation-3"] = MakeRule("escalation-3", pb::Rule::KIND_ESCALATION, 3, pb::Rule::RECIPIENT_HEADS);
  rules["escalation-3"].add_disabled_units("units/van-phong-bo");
  const std::vector<DueNotice> due = {
      Due("reminder-1", pb::Rule::KIND_REMINDER, 1, CivilDay(2025, 8, 31)),  // Its due date has passed.
      Due("escalation-1", pb::Rule::KIND_ESCALATION, 1, CivilDay(2025, 8, 31)),
      Due("escalation-3", pb::Rule::KIND_ESCALATION, 3, CivilDay(2025, 8, 31)),
      Due("reminder-1", pb::Rule::KIND_REMINDER, 1, CivilDay(2025, 9, 30)),
  };
  absl::StatusOr<FireOutcome> out = DecideFiring(due, rules, directory, Hanoi(2025, 9, 29, 8, 0), {});
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->fired.size(), 2u);
  ASSERT_EQ(out->superseded.size(), 2u);
  // escalation-3 goes to the heads of the lead units, but VPB is switched off for it.
  // The September reminder reaches VPB and the group's members.
  std::vector<std::string> units;
  for (const NewNotification& n : out->notifications) units.push_back(n.rule_id + " " + n.unit);
  EXPECT_EQ(units, (std::vector<std::string>{"reminder-1 units/van-phong-bo", "reminder-1 units/vu-tccb",
                                             "reminder-1 units/cuc-hctp"}));
  EXPECT_EQ(out->notifications[0].id, NotificationId("reminder-1", due[3].occurrence.name, "units/van-phong-bo"));
  ASSERT_EQ(out->notifications[0].deliveries.size(), 2u);  // E-mail and inbox.
  EXPECT_EQ(out->notifications[0].deliveries[0].address, "vpb@moj.gov.vn");

  // Without the switch-off, the head step reaches the head by e-mail.
  rules["escalation-3"].clear_disabled_units();
  out = DecideFiring({due[2]}, rules, directory, Hanoi(2025, 9, 5, 8, 0), {});
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->notifications.size(), 1u);
  EXPECT_EQ(out->notifications[0].deliveries[0].address, "chanhvanphong@moj.gov.vn");
  EXPECT_NE(out->notifications[0].subject.find("quá hạn 3 ngày làm việc"), std::string::npos);
}

TEST(NoticeFirer, TheIdDependsOnRuleOccurrenceAndUnitOnly) {
  const std::string a = NotificationId("reminder-1", "plans/p/tasks/7/occurrences/2025-08-31", "units/van-phong-bo");
  EXPECT_EQ(a, NotificationId("reminder-1", "plans/p/tasks/7/occurrences/2025-08-31", "units/van-phong-bo"));
  EXPECT_NE(a, NotificationId("reminder-5", "plans/p/tasks/7/occurrences/2025-08-31", "units/van-phong-bo"));
  EXPECT_NE(a, NotificationId("reminder-1", "plans/p/tasks/7/occurrences/2025-08-31", "units/vu-tccb"));
  EXPECT_EQ(a.size(), 36u);
  EXPECT_EQ(a.rfind("ntf-", 0), 0u);
}

}  // namespace
}  // namespace p06::notification
