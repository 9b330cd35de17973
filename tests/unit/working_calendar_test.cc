// The working-day calendar: the shipped data, counted by hand from the 2025 and 2026
// government notices (../shared/REFERENCE.md), and what the parser refuses.
#include "common/calendar/working_calendar.h"

#include <gtest/gtest.h>

#include "tests/harness/status_matchers.h"

namespace p06::calendar {
namespace {

using ::p06::testing::StatusIs;
using ::testing::HasSubstr;

const WorkingCalendar& Vn() { return WorkingCalendar::Vietnam(); }

TEST(WorkingCalendarTest, TheShippedDataCovers2025And2026) {
  EXPECT_EQ(Vn().Years(), (std::vector<int>{2025, 2026}));
}

TEST(WorkingCalendarTest, HolidaysWeekendsAndMakeUpSaturdays) {
  EXPECT_FALSE(*Vn().IsWorkingDay(absl::CivilDay(2025, 9, 2)));   // Quốc khánh, Tuesday.
  EXPECT_FALSE(*Vn().IsWorkingDay(absl::CivilDay(2025, 9, 1)));   // Its adjacent Monday.
  EXPECT_TRUE(*Vn().IsWorkingDay(absl::CivilDay(2025, 9, 3)));
  EXPECT_FALSE(*Vn().IsWorkingDay(absl::CivilDay(2025, 1, 27)));  // Tết 2025, a Monday.
  EXPECT_FALSE(*Vn().IsWorkingDay(absl::CivilDay(2025, 5, 2)));   // Friday, swapped…
  EXPECT_TRUE(*Vn().IsWorkingDay(absl::CivilDay(2025, 4, 26)));   // …with this Saturday.
  EXPECT_FALSE(*Vn().IsWorkingDay(absl::CivilDay(2025, 4, 19)));  // An ordinary Saturday.
  EXPECT_FALSE(*Vn().IsWorkingDay(absl::CivilDay(2026, 2, 16)));  // Tết 2026, a Monday.
  EXPECT_TRUE(*Vn().IsWorkingDay(absl::CivilDay(2026, 8, 22)));   // Make-up Saturday 2026.
  EXPECT_FALSE(*Vn().IsWorkingDay(absl::CivilDay(2026, 9, 1)));
  EXPECT_EQ(Vn().Day(absl::CivilDay(2026, 2, 18))->note, "Tết Nguyên đán [V]");
}

TEST(WorkingCalendarTest, AYearWithoutDataIsRefusedNotGuessed) {
  EXPECT_THAT(Vn().IsWorkingDay(absl::CivilDay(2027, 3, 1)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("2027")));
  // Counting across into a year without data fails too.
  EXPECT_THAT(Vn().AddWorkingDays(absl::CivilDay(2026, 12, 30), 5), StatusIs(absl::StatusCode::kFailedPrecondition));
}

// Counted on a printed calendar.
TEST(WorkingCalendarTest, WorkingDaysAfterAndBefore) {
  // Cut-off Fri 14/2/2025; 1 working day after: Mon 17/2.
  EXPECT_EQ(*Vn().AddWorkingDays(absl::CivilDay(2025, 2, 14), 1), absl::CivilDay(2025, 2, 17));
  // Fri 24/1/2025, 1 working day after: Tết (25/1–2/2) is skipped, Mon 3/2.
  EXPECT_EQ(*Vn().AddWorkingDays(absl::CivilDay(2025, 1, 24), 1), absl::CivilDay(2025, 2, 3));
  // Fri 25/4/2025 + 1: the make-up Saturday 26/4.
  EXPECT_EQ(*Vn().AddWorkingDays(absl::CivilDay(2025, 4, 25), 1), absl::CivilDay(2025, 4, 26));
  // Tue 29/4/2025 + 1: 30/4–4/5 off, Mon 5/5.
  EXPECT_EQ(*Vn().AddWorkingDays(absl::CivilDay(2025, 4, 29), 1), absl::CivilDay(2025, 5, 5));
  // 5 working days before Wed 3/9/2025: 29, 28, 27, 26, 25 August.
  EXPECT_EQ(*Vn().AddWorkingDays(absl::CivilDay(2025, 9, 3), -5), absl::CivilDay(2025, 8, 25));
  // 0: the day itself, or the next working day.
  EXPECT_EQ(*Vn().AddWorkingDays(absl::CivilDay(2025, 9, 3), 0), absl::CivilDay(2025, 9, 3));
  EXPECT_EQ(*Vn().AddWorkingDays(absl::CivilDay(2025, 8, 30), 0), absl::CivilDay(2025, 9, 3));
  // February 2026: 20 weekdays, 5 of them in Tết (16–20/2): 15.
  EXPECT_EQ(*Vn().CountWorkingDays(absl::CivilDay(2026, 2, 1), absl::CivilDay(2026, 2, 28)), 15);
}

TEST(WorkingCalendarTest, TheParserNamesTheBadLine) {
  EXPECT_THAT(WorkingCalendar::Parse("year 2025\n2025-02-30 off x\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 2")));
  EXPECT_THAT(WorkingCalendar::Parse("2025-01-01 off x\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not declared")));
  EXPECT_THAT(WorkingCalendar::Parse("year 2025\n2025-01-06 work x\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Saturday or Sunday")));
  EXPECT_THAT(WorkingCalendar::Parse("year 2025\n2025-01-03..2025-01-01 off x\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ends before")));
  EXPECT_THAT(WorkingCalendar::Parse("year 2025\n2025-01-01 off a\n2025-01-01 off b\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 3")));
  EXPECT_THAT(WorkingCalendar::Parse("year 2025\n2025-01-01 holiday x\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("off|work")));
}

}  // namespace
}  // namespace p06::calendar
