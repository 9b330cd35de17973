// The counting rules of report_builder.h on a plan built by hand: no database, no
// service, each rule alone.
#include "services/reporting/counting/report_builder.h"

#include <gtest/gtest.h>

#include "common/grpc/proto_time.h"

namespace p06::reporting {
namespace {

constexpr char kTask[] = "plans/p/tasks/1";

ModelReport Reported(absl::CivilDay day, tpb::TaskStatus status, const std::string& occurrence = "",
                     std::optional<absl::CivilDay> completed = std::nullopt) {
  ModelReport r{.day = day};
  r.report.set_status(status);
  r.report.set_reporting_unit("units/a");
  if (!occurrence.empty()) r.report.set_occurrence(std::string(kTask) + "/occurrences/" + occurrence);
  if (completed) *r.report.mutable_completion_date() = ToProtoDate(*completed);
  return r;
}

// One task, led by units/a, due at the end of March and of June.
PlanModel TwoDueDates() {
  PlanModel m;
  m.plan.set_name("plans/p");
  ModelTask t;
  t.task.set_name(kTask);
  t.task.set_number(1);
  tpb::UnitRef* lead = t.task.add_lead_units();
  lead->set_unit("units/a");
  lead->set_primary(true);
  for (absl::CivilDay due : {absl::CivilDay(2025, 3, 31), absl::CivilDay(2025, 6, 30)}) {
    t.occurrences.push_back({.name = std::string(kTask) + "/occurrences/" + FormatIsoDate(due), .due = due});
  }
  m.tasks.push_back(t);
  return m;
}

pb::ReportPeriod Window(absl::CivilDay start, absl::CivilDay end) {
  pb::ReportPeriod p;
  *p.mutable_window_start() = ToProtoDate(start);
  *p.mutable_window_end() = ToProtoDate(end);
  return p;
}

std::vector<pb::Outcome> Outcomes(const pb::Report& r) {
  std::vector<pb::Outcome> out;
  for (const pb::CountedItem& i : r.tasks(0).items()) out.push_back(i.outcome());
  return out;
}

TEST(ReportBuilderTest, NothingReportedIsOverdueOnceDueAndNotYetDueBefore) {
  const pb::Report r = BuildReport(TwoDueDates(), Window(absl::CivilDay(2025, 3, 15), absl::CivilDay(2025, 4, 14)), nullptr);
  EXPECT_EQ(Outcomes(r), (std::vector<pb::Outcome>{pb::OUTCOME_OVERDUE, pb::OUTCOME_NOT_YET_DUE}));
  EXPECT_EQ(r.totals().total(), 2);
  ASSERT_EQ(r.missing_reports_size(), 1) << "31/3 was due in the window and nobody reported";
}

// units/a merged into units/b, and the task followed: a's report, made before, answers
// for b; a report by a unit that b did not take over does not.
TEST(ReportBuilderTest, AUnitThatTookATaskOverAnswersByItsPredecessorsReport) {
  PlanModel m = TwoDueDates();
  tpb::UnitRef* lead = m.tasks[0].task.mutable_lead_units(0);
  lead->set_unit("units/b");
  lead->add_followed_from("units/a");
  m.reports[1] = {Reported(absl::CivilDay(2025, 3, 20), tpb::TASK_STATUS_IN_PROGRESS)};
  const pb::ReportPeriod window = Window(absl::CivilDay(2025, 3, 15), absl::CivilDay(2025, 4, 14));
  EXPECT_EQ(BuildReport(m, window, nullptr).missing_reports_size(), 0);
  // A second ref to b (another text in the cell) that took nothing over: b is still
  // answered for, and listed once when it is not.
  tpb::UnitRef* again = m.tasks[0].task.add_lead_units();
  again->set_unit("units/b");
  again->set_text("b, as named elsewhere");
  EXPECT_EQ(BuildReport(m, window, nullptr).missing_reports_size(), 0);
  m.tasks[0].task.mutable_lead_units(0)->clear_followed_from();
  const pb::Report r = BuildReport(m, window, nullptr);
  ASSERT_EQ(r.missing_reports_size(), 1);
  EXPECT_EQ(r.missing_reports(0).unit(), "units/b");
}

TEST(ReportBuilderTest, AReportOnTheTaskSpeaksForEveryItemOneOnAnOccurrenceForItAlone) {
  PlanModel m = TwoDueDates();
  m.reports[1] = {Reported(absl::CivilDay(2025, 2, 1), tpb::TASK_STATUS_BLOCKED),
                  Reported(absl::CivilDay(2025, 3, 20), tpb::TASK_STATUS_COMPLETED, "2025-03-31")};
  const pb::Report r = BuildReport(m, Window(absl::CivilDay(2025, 3, 15), absl::CivilDay(2025, 4, 14)), nullptr);
  EXPECT_EQ(Outcomes(r), (std::vector<pb::Outcome>{pb::OUTCOME_COMPLETED_ON_TIME, pb::OUTCOME_BLOCKED}));
}

TEST(ReportBuilderTest, OnTimeComparesTheCompletionDateNotTheReportsDay) {
  PlanModel m = TwoDueDates();
  m.reports[1] = {Reported(absl::CivilDay(2025, 4, 10), tpb::TASK_STATUS_COMPLETED, "2025-03-31", absl::CivilDay(2025, 3, 30)),
                  Reported(absl::CivilDay(2025, 4, 10), tpb::TASK_STATUS_COMPLETED, "2025-06-30")};
  const pb::Report r = BuildReport(m, Window(absl::CivilDay(2025, 3, 15), absl::CivilDay(2025, 7, 14)), nullptr);
  EXPECT_EQ(Outcomes(r), (std::vector<pb::Outcome>{pb::OUTCOME_COMPLETED_ON_TIME, pb::OUTCOME_COMPLETED_ON_TIME}));
  EXPECT_EQ(r.tasks(0).items(0).completion_date().day(), 30);
  // Completed on 10/4 without a stated date, against a due date of 31/3: late.
  m.reports[1][0].report.clear_completion_date();
  EXPECT_EQ(Outcomes(BuildReport(m, Window(absl::CivilDay(2025, 3, 15), absl::CivilDay(2025, 7, 14)), nullptr))[0], pb::OUTCOME_COMPLETED_LATE);
}

TEST(ReportBuilderTest, WhatWasReportedAfterTheCutOffDoesNotCount) {
  PlanModel m = TwoDueDates();
  m.reports[1] = {Reported(absl::CivilDay(2025, 4, 15), tpb::TASK_STATUS_COMPLETED, "2025-03-31", absl::CivilDay(2025, 3, 30))};
  const pb::Report r = BuildReport(m, Window(absl::CivilDay(2025, 3, 15), absl::CivilDay(2025, 4, 14)), nullptr);
  EXPECT_EQ(Outcomes(r)[0], pb::OUTCOME_OVERDUE) << "reported the day after the cut-off";
}

TEST(ReportBuilderTest, ATargetThatMustFallIsMetAsItFalls) {
  PlanModel m = TwoDueDates();
  tpb::Target* t = m.tasks[0].task.add_targets();
  t->set_name(std::string(kTask) + "/targets/1");
  t->set_target_value(10);
  t->set_comparison(tpb::Target::COMPARISON_AT_MOST);
  ModelMeasurement high{.target = 1, .day = absl::CivilDay(2025, 3, 1)};
  high.measurement.set_value(20);
  *high.measurement.mutable_period_end() = ToProtoDate(absl::CivilDay(2025, 2, 28));
  ModelMeasurement low = high;
  low.measurement.set_value(8);
  *low.measurement.mutable_period_end() = ToProtoDate(absl::CivilDay(2025, 3, 31));
  low.day = absl::CivilDay(2025, 4, 1);
  m.measurements[1] = {high, low};
  pb::Report march = BuildReport(m, Window(absl::CivilDay(2025, 2, 15), absl::CivilDay(2025, 3, 14)), nullptr);
  ASSERT_EQ(march.targets_size(), 1);
  EXPECT_FALSE(march.targets(0).met());
  EXPECT_EQ(march.targets(0).percent_met(), 50) << "20 against at most 10";
  pb::Report april = BuildReport(m, Window(absl::CivilDay(2025, 3, 15), absl::CivilDay(2025, 4, 14)), nullptr);
  EXPECT_TRUE(april.targets(0).met());
  EXPECT_EQ(april.targets(0).percent_met(), 100);
}

}  // namespace
}  // namespace p06::reporting
