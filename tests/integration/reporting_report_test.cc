// Reports of the 2025 plan counted the Government Office's way, against a real task
// service and a real PostgreSQL, with the clock moved to each report's day
// (reporting_scenario.h). Every expectation below was worked out by hand from the
// scenario and the plan's text (tests/testdata/plan_910_2025_tasks.txt lists each
// task's schedule): 93 items in all: 5 one-off tasks, 12 waiting on a trigger, 28
// continuous tasks × 2 (30/6, 31/12), task 33's two milestones, task 6 × 4 quarters,
// task 7 × 12 months, task 8 × 2.
#include <map>

#include "tests/integration/reporting_scenario.h"

namespace p06::testing {
namespace {

using ::testing::HasSubstr;

// {total, on time, late, within deadline, overdue, not yet due, awaiting, blocked, cancelled}
std::vector<int> Counts(const rpb::StatusCounts& c) {
  return {c.total(),       c.completed_on_time(), c.completed_late(), c.in_progress_within_deadline(), c.overdue(),
          c.not_yet_due(), c.awaiting_trigger(),  c.blocked(),        c.cancelled()};
}

TEST_F(ReportingReportTest, MarchJuneAndDecemberCountAsOfTheirCutOffs) {
  PlayTheYear();

  rpb::Report march;
  ASSERT_OK(Create(rpb::PERIOD_KIND_MONTHLY, "2025-03", &march));
  EXPECT_EQ(march.period().window_start().month(), 2);
  EXPECT_EQ(march.period().window_start().day(), 15);
  EXPECT_EQ(march.period().window_end().day(), 14);
  EXPECT_EQ(Counts(march.totals()), (std::vector<int>{93, 0, 2, 1, 0, 78, 12, 0, 0}));
  std::map<std::string, rpb::Outcome> m = Outcomes(march);
  EXPECT_EQ(m[O(7, "2025-01-31")], rpb::OUTCOME_COMPLETED_LATE);
  EXPECT_EQ(m[O(7, "2025-02-28")], rpb::OUTCOME_COMPLETED_LATE);
  EXPECT_EQ(m[O(7, "2025-03-31")], rpb::OUTCOME_NOT_YET_DUE) << "reported 28/3, after the cut-off";
  EXPECT_EQ(m[O(1, "2025-03-31")], rpb::OUTCOME_IN_PROGRESS_WITHIN_DEADLINE);
  EXPECT_EQ(m[kPlan + "2"], rpb::OUTCOME_AWAITING_TRIGGER);
  EXPECT_TRUE(march.difficulties().empty());
  EXPECT_TRUE(march.lag().caught_up());
  ASSERT_TRUE(march.lag().has_events_behind());
  EXPECT_EQ(march.lag().events_behind(), 0);

  rpb::Report half;
  ASSERT_OK(Create(rpb::PERIOD_KIND_SIX_MONTH, "2025-H1", &half));
  EXPECT_EQ(half.period().window_start().year(), 2024);
  EXPECT_EQ(Counts(half.totals()), (std::vector<int>{93, 1, 3, 1, 3, 72, 10, 2, 1}));
  m = Outcomes(half);
  EXPECT_EQ(m[O(7, "2025-03-31")], rpb::OUTCOME_COMPLETED_ON_TIME);
  EXPECT_EQ(m[O(1, "2025-03-31")], rpb::OUTCOME_COMPLETED_LATE);
  EXPECT_EQ(m[O(6, "2025-03-31")], rpb::OUTCOME_OVERDUE) << "its completion was reported only on 20/6";
  EXPECT_EQ(m[O(7, "2025-04-30")], rpb::OUTCOME_OVERDUE);
  EXPECT_EQ(m[O(7, "2025-05-31")], rpb::OUTCOME_OVERDUE);
  EXPECT_EQ(m[O(24, "2025-06-30")], rpb::OUTCOME_BLOCKED);
  EXPECT_EQ(m[O(24, "2025-12-31")], rpb::OUTCOME_BLOCKED);
  EXPECT_EQ(m[kPlan + "9"], rpb::OUTCOME_IN_PROGRESS_WITHIN_DEADLINE);
  EXPECT_EQ(m[kPlan + "30"], rpb::OUTCOME_CANCELLED);
  ASSERT_EQ(half.difficulties_size(), 1);
  EXPECT_EQ(half.difficulties(0).task(), kPlan + "24");
  EXPECT_EQ(half.difficulties(0).unit(), "units/cuc-hctp");
  EXPECT_EQ(half.difficulties(0).date().day(), 20);
  EXPECT_EQ(half.difficulties(0).difficulties(), "Chưa có hướng dẫn kết nối dữ liệu hộ tịch với CSDLQG về dân cư");
  EXPECT_EQ(half.difficulties(0).proposals(), "Đề nghị Bộ Công an hỗ trợ kết nối");
  // Obligations due in the window the lead had not reported on by 14/6.
  std::vector<std::string> missing;
  for (const rpb::MissingReport& mr : half.missing_reports()) missing.push_back(mr.unit() + " " + mr.occurrence());
  EXPECT_EQ(missing, (std::vector<std::string>{"units/van-phong-bo " + O(6, "2025-03-31"),
                                               "units/van-phong-bo " + O(7, "2025-04-30"),
                                               "units/van-phong-bo " + O(7, "2025-05-31")}));
  ASSERT_EQ(half.targets_size(), 9) << "task 36's nine targets";
  for (const rpb::TargetLine& t : half.targets()) EXPECT_FALSE(t.measured()) << t.target() << ": measured in July";

  rpb::Report year;
  ASSERT_OK(Create(rpb::PERIOD_KIND_ANNUAL, "2025", &year));
  EXPECT_EQ(Counts(year.totals()), (std::vector<int>{93, 3, 4, 1, 39, 34, 10, 1, 1}));
  m = Outcomes(year);
  EXPECT_EQ(m[O(6, "2025-03-31")], rpb::OUTCOME_COMPLETED_ON_TIME) << "completed 28/3, as the unit stated";
  EXPECT_EQ(m[O(24, "2025-06-30")], rpb::OUTCOME_COMPLETED_LATE);
  EXPECT_EQ(m[O(24, "2025-12-31")], rpb::OUTCOME_BLOCKED) << "the task-wide report of 20/5 still speaks for it";
  EXPECT_EQ(m[O(28, "2025-12-31")], rpb::OUTCOME_COMPLETED_ON_TIME);
  EXPECT_EQ(m[O(33, "2025-06-30-1")], rpb::OUTCOME_OVERDUE);
  EXPECT_EQ(m[O(33, "2025-12-31-2")], rpb::OUTCOME_NOT_YET_DUE);
  EXPECT_EQ(m[O(25, "2025-06-30")], rpb::OUTCOME_OVERDUE);
  // Section IV (tasks 24–37): 28 on time; 24 late; 25, 26, 27, 33, 34, 35, 37 overdue;
  // 25, 26, 27, 33, 34, 35, 36, 37 not yet due; 29, 31, 32 waiting; 24 blocked; 30 cancelled.
  const rpb::SectionSummary* s4 = nullptr;
  for (const rpb::SectionSummary& s : year.sections()) {
    if (s.ordinal() == 4) s4 = &s;
  }
  ASSERT_NE(s4, nullptr);
  EXPECT_EQ(Counts(s4->counts()), (std::vector<int>{22, 1, 1, 0, 7, 8, 3, 1, 1}));
  // Task 36's targets as measured by the cut-off, direction-aware.
  std::map<std::string, const rpb::TargetLine*> targets;
  for (const rpb::TargetLine& t : year.targets()) targets[t.target()] = &t;
  const rpb::TargetLine* t1 = targets[kPlan + "36/targets/1"];
  ASSERT_NE(t1, nullptr);
  EXPECT_TRUE(t1->measured());
  EXPECT_EQ(t1->latest_value(), 80);
  EXPECT_EQ(t1->percent_met(), 80);
  EXPECT_FALSE(t1->met());
  const rpb::TargetLine* t6 = targets[kPlan + "36/targets/6"];
  ASSERT_NE(t6, nullptr);
  EXPECT_TRUE(t6->met());
  EXPECT_EQ(t6->percent_met(), 100);
  const rpb::TargetLine* t8 = targets[kPlan + "36/targets/8"];
  ASSERT_NE(t8, nullptr);
  EXPECT_FALSE(t8->measured());
  ASSERT_EQ(t8->levels_size(), 4);
  EXPECT_EQ(t8->levels(3).level(), "xã");
  EXPECT_TRUE(t8->levels(3).measured());
  EXPECT_TRUE(t8->levels(3).met()) << "65% against 60% for communes";
  EXPECT_FALSE(t8->levels(0).measured());
  // Cục Hành chính tư pháp's line carries the difficulty it reported.
  const rpb::UnitSummary* hctp = nullptr;
  for (const rpb::UnitSummary& u : year.units()) {
    if (u.unit() == "units/cuc-hctp") hctp = &u;
  }
  ASSERT_NE(hctp, nullptr);
  EXPECT_EQ(hctp->difficulties_size(), 1);
  EXPECT_GT(hctp->led().total(), 0);
}

TEST_F(ReportingReportTest, TheNextReportOfAKindSaysWhatChanged) {
  PlayTheYear();
  rpb::Report march, june;
  ASSERT_OK(Create(rpb::PERIOD_KIND_MONTHLY, "2025-03", &march));
  ASSERT_OK(Create(rpb::PERIOD_KIND_MONTHLY, "2025-06", &june));
  EXPECT_EQ(june.previous_report(), march.name());
  std::vector<std::string> changes;
  for (const rpb::Change& c : june.changes()) {
    changes.push_back(absl::StrCat(c.occurrence().empty() ? c.task() : c.occurrence(), " ",
                                   rpb::Outcome_Name(c.previous()), "→", rpb::Outcome_Name(c.current())));
  }
  EXPECT_EQ(changes, (std::vector<std::string>{
                         O(1, "2025-03-31") + " OUTCOME_IN_PROGRESS_WITHIN_DEADLINE→OUTCOME_COMPLETED_LATE",
                         O(6, "2025-03-31") + " OUTCOME_NOT_YET_DUE→OUTCOME_OVERDUE",
                         O(7, "2025-03-31") + " OUTCOME_NOT_YET_DUE→OUTCOME_COMPLETED_ON_TIME",
                         O(7, "2025-04-30") + " OUTCOME_NOT_YET_DUE→OUTCOME_OVERDUE",
                         O(7, "2025-05-31") + " OUTCOME_NOT_YET_DUE→OUTCOME_OVERDUE",
                     }));
  // June's own window (15/5–14/6): May's monthly report was due and not made.
  ASSERT_EQ(june.missing_reports_size(), 1);
  EXPECT_EQ(june.missing_reports(0).occurrence(), O(7, "2025-05-31"));
}

// The same period from the same events gives the same figures, however often, and
// after the reporting service restarts and rebuilds nothing.
TEST_F(ReportingReportTest, TheSameReportTwiceIsIdenticalAndARetryReturnsTheFirst) {
  PlayTheYear();
  rpb::Report first, second, retried;
  ASSERT_OK(Create(rpb::PERIOD_KIND_SIX_MONTH, "2025-H1", &first, "h1-once"));
  StartReportingServer();
  WaitCaughtUp();
  ASSERT_OK(Create(rpb::PERIOD_KIND_SIX_MONTH, "2025-H1", &second));
  ASSERT_OK(Create(rpb::PERIOD_KIND_SIX_MONTH, "2025-H1", &retried, "h1-once"));
  EXPECT_EQ(retried.name(), first.name());
  EXPECT_NE(second.name(), first.name());
  auto body = [](rpb::Report r) {
    r.clear_name();
    r.clear_create_time();
    r.clear_lag();
    return r.SerializeAsString();
  };
  EXPECT_EQ(body(first), body(second));
  // The same request id with another period is refused.
  rpb::Report other;
  EXPECT_THAT(Create(rpb::PERIOD_KIND_MONTHLY, "2025-03", &other, "h1-once"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("request_id")));
}

TEST_F(ReportingReportTest, BadRequestsNameTheirField) {
  WaitCaughtUp();
  rpb::Report r;
  rpb::CreateReportRequest req;
  req.set_plan("plans/910-qd-btp-2025");
  EXPECT_THAT(R(&ReportingStub::CreateReport, req, &r), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("period.kind")));
  EXPECT_THAT(Create(rpb::PERIOD_KIND_MONTHLY, "2025-13", &r),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("period.label")));
  req.mutable_period()->set_kind(rpb::PERIOD_KIND_AD_HOC);
  *req.mutable_period()->mutable_window_start() = D(2025, 5, 1);
  *req.mutable_period()->mutable_window_end() = D(2025, 4, 1);
  EXPECT_THAT(R(&ReportingStub::CreateReport, req, &r),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("period.window_end")));
  *req.mutable_period()->mutable_window_end() = D(2026, 6, 1);
  EXPECT_THAT(R(&ReportingStub::CreateReport, req, &r),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("longer than a year")));
  // A period that has not ended (the clock says 15/4/2025): the read model cannot hold it.
  EXPECT_THAT(Create(rpb::PERIOD_KIND_MONTHLY, "2025-06", &r),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("2025-06-14")));
  rpb::CreateReportRequest unknown;
  unknown.set_plan("plans/no-such-plan");
  unknown.mutable_period()->set_kind(rpb::PERIOD_KIND_MONTHLY);
  unknown.mutable_period()->set_label("2025-03");
  EXPECT_THAT(R(&ReportingStub::CreateReport, unknown, &r), StatusIs(absl::StatusCode::kNotFound));
  // Only the Office creates reports; anyone may read.
  EXPECT_THAT(R(&ReportingStub::CreateReport, unknown, &r, &kHctp), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(R(&ReportingStub::CreateReport, unknown, &r, nullptr), StatusIs(absl::StatusCode::kUnauthenticated));
  rpb::GetReportRequest get;
  get.set_name("reports/999");
  EXPECT_THAT(R(&ReportingStub::GetReport, get, &r), StatusIs(absl::StatusCode::kNotFound));
  rpb::ExportReportRequest exp;
  exp.set_name("reports/1");
  rpb::ExportReportResponse doc;
  EXPECT_THAT(R(&ReportingStub::ExportReport, exp, &doc),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("format")));
}

}  // namespace
}  // namespace p06::testing
