// Report periods from the shipped regime (Decree 09/2019's windows), counted by hand
// on a 2025 calendar, and what the regime parser refuses.
#include "services/reporting/periods/regime.h"

#include <gtest/gtest.h>

#include "absl/strings/str_format.h"
#include "tests/harness/status_matchers.h"

namespace p06::reporting {
namespace {

using ::p06::testing::StatusIs;
using ::testing::HasSubstr;

std::string Window(const pb::ReportPeriod& p) {
  auto d = [](const p06::type::v1::Date& x) { return absl::StrFormat("%02d/%02d/%04d", x.day(), x.month(), x.year()); };
  return absl::StrCat(p.label(), " ", d(p.window_start()), "-", d(p.window_end()), " unit ", d(p.unit_deadline()),
                      " office ", d(p.office_deadline()));
}

const calendar::WorkingCalendar& Vn() { return calendar::WorkingCalendar::Vietnam(); }

TEST(RegimeTest, MonthlyWindowsRunFromThe15thToThe14th) {
  absl::StatusOr<std::vector<pb::ReportPeriod>> months = Regime::Default().Periods(2025, pb::PERIOD_KIND_MONTHLY, Vn());
  ASSERT_OK(months);
  ASSERT_EQ(months->size(), 12u);
  // January's window starts in December 2024; 14/1/2025 is a Tuesday: +1 and +2 working days.
  EXPECT_EQ(Window((*months)[0]), "2025-01 15/12/2024-14/01/2025 unit 15/01/2025 office 16/01/2025");
  // 14/2/2025 is a Friday: Monday 17/2 and Tuesday 18/2.
  EXPECT_EQ(Window((*months)[1]), "2025-02 15/01/2025-14/02/2025 unit 17/02/2025 office 18/02/2025");
  // 14/3/2025 is a Friday.
  EXPECT_EQ(Window((*months)[2]), "2025-03 15/02/2025-14/03/2025 unit 17/03/2025 office 18/03/2025");
}

TEST(RegimeTest, LongerPeriodsStartOnThe15thOfDecember) {
  auto one = [](pb::PeriodKind kind) {
    absl::StatusOr<std::vector<pb::ReportPeriod>> p = Regime::Default().Periods(2025, kind, Vn());
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *p : std::vector<pb::ReportPeriod>{};
  };
  std::vector<pb::ReportPeriod> quarters = one(pb::PERIOD_KIND_QUARTERLY);
  ASSERT_EQ(quarters.size(), 4u);
  // 14/3/2025 Friday → +2 wd Tuesday 18/3, +4 wd Thursday 20/3.
  EXPECT_EQ(Window(quarters[0]), "2025-Q1 15/12/2024-14/03/2025 unit 18/03/2025 office 20/03/2025");
  EXPECT_EQ(Window(quarters[1]), "2025-Q2 15/03/2025-14/06/2025 unit 17/06/2025 office 19/06/2025");
  // 14/9/2025 is a Sunday: +2 wd is Tuesday 16/9.
  EXPECT_EQ(Window(quarters[2]), "2025-Q3 15/06/2025-14/09/2025 unit 16/09/2025 office 18/09/2025");
  ASSERT_EQ(one(pb::PERIOD_KIND_SIX_MONTH).size(), 1u);
  EXPECT_EQ(Window(one(pb::PERIOD_KIND_SIX_MONTH)[0]), "2025-H1 15/12/2024-14/06/2025 unit 17/06/2025 office 19/06/2025");
  EXPECT_EQ(Window(one(pb::PERIOD_KIND_NINE_MONTH)[0]), "2025-9M 15/12/2024-14/09/2025 unit 16/09/2025 office 18/09/2025");
  EXPECT_EQ(Window(one(pb::PERIOD_KIND_ANNUAL)[0]), "2025 15/12/2024-14/12/2025 unit 17/12/2025 office 19/12/2025");
  // Every kind of the year, in order of the window's end: 12 + 4 + 1 + 1 + 1.
  absl::StatusOr<std::vector<pb::ReportPeriod>> all = Regime::Default().Periods(2025, pb::PERIOD_KIND_UNSPECIFIED, Vn());
  ASSERT_OK(all);
  EXPECT_EQ(all->size(), 19u);
}

TEST(RegimeTest, APeriodIsFoundByItsLabel) {
  absl::StatusOr<pb::ReportPeriod> q = Regime::Default().Find(pb::PERIOD_KIND_QUARTERLY, "2025-Q2", Vn());
  ASSERT_OK(q);
  EXPECT_EQ(q->window_end().month(), 6);
  EXPECT_THAT(Regime::Default().Find(pb::PERIOD_KIND_MONTHLY, "2025-Q2", Vn()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("period.label")));
  EXPECT_THAT(Regime::Default().Find(pb::PERIOD_KIND_MONTHLY, "March", Vn()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("period.label")));
  // 2027 has no calendar data: its working-day deadlines cannot be counted.
  EXPECT_THAT(Regime::Default().Periods(2027, pb::PERIOD_KIND_MONTHLY, Vn()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("2027")));
  EXPECT_THAT(Regime::Default().Periods(1999, pb::PERIOD_KIND_MONTHLY, Vn()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("year")));
  EXPECT_THAT(Regime::Default().Periods(2025, pb::PERIOD_KIND_AD_HOC, Vn()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kind")));
}

TEST(RegimeTest, TheParserNamesTheBadLine) {
  EXPECT_THAT(Regime::Parse("# c\nweekly 14 1 after_previous +1wd +2wd\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 2")));
  EXPECT_THAT(Regime::Parse("monthly 31 1 after_previous +1wd +2wd\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("end_day")));
  EXPECT_THAT(Regime::Parse("monthly 14 3,1 after_previous +1wd +2wd\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("increasing")));
  EXPECT_THAT(Regime::Parse("monthly 14 1 sometime +1wd +2wd\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("start")));
  EXPECT_THAT(Regime::Parse("monthly 14 1 after_previous +0wd +2wd\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unit deadline")));
  EXPECT_THAT(Regime::Parse("monthly 14 1 after_previous +1wd +2wd\nmonthly 14 1 after_previous +1wd +2wd\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("twice")));
  // A fixed deadline on or before the cut-off breaks Decree 09's Art. 8(5).
  EXPECT_THAT(Regime::Parse("annual 14 12 12-15-previous_year 12-10 12-20\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("8(5)")));
  EXPECT_THAT(Regime::Parse("six_month 14 6,12 12-15-previous_year +1wd +2wd\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("one end month")));
}

}  // namespace
}  // namespace p06::reporting
