// Working days of the civil service, from a calendar kept as data per year
// (common/calendar/vietnam.calendar, embedded at build time): holidays and
// compensatory days off, and make-up working Saturdays. Used by reporting (submission
// deadlines "N working days after the cut-off") and notification (reminders, quiet
// days). A day in a year the data does not cover is FAILED_PRECONDITION, never a guess.
//
// Immutable after Parse; thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace p06::calendar {

// Why a day is what it is.
struct DayInfo {
  bool working = false;
  std::string note;  // "Tết Nguyên đán [V]", "Làm bù …", "" for an ordinary day.
};

class WorkingCalendar {
 public:
  // Parses the text format of vietnam.calendar. INVALID_ARGUMENT naming the line for
  // a malformed line, a range out of order, a day outside its declared year, or a
  // day listed twice.
  static absl::StatusOr<WorkingCalendar> Parse(absl::string_view text);
  // The calendar shipped with the binary.
  static const WorkingCalendar& Vietnam();

  // The years with data, ascending.
  std::vector<int> Years() const { return {years_.begin(), years_.end()}; }
  bool Covers(int year) const { return years_.contains(year); }

  absl::StatusOr<DayInfo> Day(absl::CivilDay day) const;
  absl::StatusOr<bool> IsWorkingDay(absl::CivilDay day) const;
  // The working day `n` working days after `from` (n > 0) or before it (n < 0),
  // not counting `from` itself; n == 0: `from` if it is a working day, else the next.
  absl::StatusOr<absl::CivilDay> AddWorkingDays(absl::CivilDay from, int n) const;
  // Working days in [first, last], both inclusive (0 when last < first).
  absl::StatusOr<int> CountWorkingDays(absl::CivilDay first, absl::CivilDay last) const;

 private:
  std::set<int> years_;
  std::map<absl::CivilDay, DayInfo> exceptions_;  // Days off on weekdays, make-up working weekend days.
};

}  // namespace p06::calendar
