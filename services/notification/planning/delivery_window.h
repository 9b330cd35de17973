// Office hours: nothing is sent outside [open, close) of a working day in Hà Nội
// (07:30–17:00 by default). What falls outside waits for the next window.
#pragma once

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar/working_calendar.h"

namespace p06::notification {

struct DeliveryWindow {
  absl::Duration open = absl::Hours(7) + absl::Minutes(30);  // After midnight, Hà Nội.
  absl::Duration close = absl::Hours(17);
  // Test rigs and drills only: every day's window opens, days off included.
  bool every_day = false;

  // INVALID_ARGUMENT unless 0 <= open < close <= 24 h.
  absl::Status Validate() const;
  // When the window of `day` opens (whether or not the day is a working day).
  absl::Time OpeningOf(absl::CivilDay day) const;
  // Whether `t` is inside the window of a working day; FAILED_PRECONDITION for a
  // year without calendar data.
  absl::StatusOr<bool> IsOpen(absl::Time t, const calendar::WorkingCalendar& calendar) const;
  // `t` if it is inside a window, else the next opening.
  absl::StatusOr<absl::Time> NextOpen(absl::Time t, const calendar::WorkingCalendar& calendar) const;
};

}  // namespace p06::notification
