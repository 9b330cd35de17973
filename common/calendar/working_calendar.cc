#include "common/calendar/working_calendar.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/base/data_lines.h"

// The text of vietnam.calendar, embedded by p06_embed_text (common/CMakeLists.txt).
extern const char kVietnamCalendarText[];

namespace p06::calendar {
namespace {

constexpr int kMaxWorkingDaysStep = 3660;  // Ten years: beyond that a caller is confused.

bool ParseDay(absl::string_view text, absl::CivilDay* day) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  int y = 0, m = 0, d = 0;
  if (parts.size() != 3 || parts[0].size() != 4 || parts[1].size() != 2 || parts[2].size() != 2 ||
      !absl::SimpleAtoi(parts[0], &y) || !absl::SimpleAtoi(parts[1], &m) || !absl::SimpleAtoi(parts[2], &d)) {
    return false;
  }
  *day = absl::CivilDay(y, m, d);
  return day->year() == y && day->month() == m && day->day() == d;  // 2025-02-30 normalises: refused.
}

bool IsWeekend(absl::CivilDay day) {
  const absl::Weekday w = absl::GetWeekday(day);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

absl::Status LineError(int line, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("calendar line ", line, ": ", why));
}

}  // namespace

absl::StatusOr<WorkingCalendar> WorkingCalendar::Parse(absl::string_view text) {
  WorkingCalendar c;
  for (const auto& [line_number, line] : DataLines(text)) {
    std::vector<absl::string_view> words = absl::StrSplit(line, absl::MaxSplits(' ', 2));
    if (words[0] == "year") {
      int year = 0;
      if (words.size() != 2 || !absl::SimpleAtoi(words[1], &year) || year < 2000 || year > 2100) {
        return LineError(line_number, "expected \"year YYYY\" (2000..2100)");
      }
      if (!c.years_.insert(year).second) return LineError(line_number, absl::StrCat("year ", year, " declared twice"));
      continue;
    }
    if (words.size() != 3 || (words[1] != "off" && words[1] != "work")) {
      return LineError(line_number, "expected \"YYYY-MM-DD[..YYYY-MM-DD] off|work note\"");
    }
    std::vector<absl::string_view> range = absl::StrSplit(words[0], absl::MaxSplits("..", 1));
    absl::CivilDay first, last;
    if (!ParseDay(range[0], &first) || !ParseDay(range.size() == 2 ? range[1] : range[0], &last)) {
      return LineError(line_number, absl::StrCat("\"", words[0], "\" is not a date or a range of dates"));
    }
    if (last < first) return LineError(line_number, "the range ends before it starts");
    if (last - first > 366) return LineError(line_number, "the range is longer than a year");
    const bool working = words[1] == "work";
    for (absl::CivilDay day = first; day <= last; ++day) {
      if (!c.years_.contains(static_cast<int>(day.year()))) {
        return LineError(line_number, absl::StrCat(day.year(), " is not declared by a \"year\" line above"));
      }
      if (working && !IsWeekend(day)) {
        return LineError(line_number, "a make-up working day must be a Saturday or Sunday");
      }
      if (!c.exceptions_.emplace(day, DayInfo{.working = working, .note = std::string(words[2])}).second) {
        return LineError(line_number, "a day listed twice");
      }
    }
  }
  return c;
}

const WorkingCalendar& WorkingCalendar::Vietnam() {
  static const WorkingCalendar kCalendar = [] {
    absl::StatusOr<WorkingCalendar> parsed = Parse(kVietnamCalendarText);
    if (!parsed.ok()) std::abort();  // The shipped data is checked by its unit test.
    return *std::move(parsed);
  }();
  return kCalendar;
}

absl::StatusOr<DayInfo> WorkingCalendar::Day(absl::CivilDay day) const {
  if (!Covers(static_cast<int>(day.year()))) {
    return absl::FailedPreconditionError(
        absl::StrCat("no working-day calendar for ", day.year(), "; add the year's holidays to the calendar data"));
  }
  if (auto found = exceptions_.find(day); found != exceptions_.end()) return found->second;
  return DayInfo{.working = !IsWeekend(day)};
}

absl::StatusOr<bool> WorkingCalendar::IsWorkingDay(absl::CivilDay day) const {
  absl::StatusOr<DayInfo> info = Day(day);
  if (!info.ok()) return info.status();
  return info->working;
}

absl::StatusOr<absl::CivilDay> WorkingCalendar::AddWorkingDays(absl::CivilDay from, int n) const {
  if (n > kMaxWorkingDaysStep || n < -kMaxWorkingDaysStep) {
    return absl::InvalidArgumentError(absl::StrCat("at most ", kMaxWorkingDaysStep, " working days at once"));
  }
  absl::CivilDay day = from;
  if (n == 0) {
    for (;;) {
      absl::StatusOr<bool> working = IsWorkingDay(day);
      if (!working.ok()) return working.status();
      if (*working) return day;
      ++day;
    }
  }
  const int step = n > 0 ? 1 : -1;
  for (int left = n > 0 ? n : -n; left > 0;) {
    day += step;
    absl::StatusOr<bool> working = IsWorkingDay(day);
    if (!working.ok()) return working.status();
    if (*working) --left;
  }
  return day;
}

absl::StatusOr<int> WorkingCalendar::CountWorkingDays(absl::CivilDay first, absl::CivilDay last) const {
  int count = 0;
  for (absl::CivilDay day = first; day <= last; ++day) {
    absl::StatusOr<bool> working = IsWorkingDay(day);
    if (!working.ok()) return working.status();
    count += *working ? 1 : 0;
  }
  return count;
}

}  // namespace p06::calendar
