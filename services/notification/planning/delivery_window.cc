#include "services/notification/planning/delivery_window.h"

#include "common/base/clock.h"
#include "common/base/invalid_field.h"
#include "common/base/status_macros.h"

namespace p06::notification {

absl::Status DeliveryWindow::Validate() const {
  if (open < absl::ZeroDuration() || close > absl::Hours(24) || open >= close) {
    return InvalidField("delivery_window", "must be 00:00 <= open < close <= 24:00");
  }
  return absl::OkStatus();
}

absl::Time DeliveryWindow::OpeningOf(absl::CivilDay day) const {
  return absl::FromCivil(absl::CivilSecond(day), VietnamTimeZone()) + open;
}

absl::StatusOr<bool> DeliveryWindow::IsOpen(absl::Time t, const calendar::WorkingCalendar& calendar) const {
  const absl::CivilDay day = absl::ToCivilDay(t, VietnamTimeZone());
  bool working = true;
  if (!every_day) {
    ASSIGN_OR_RETURN(working, calendar.IsWorkingDay(day));
  }
  const absl::Duration since_midnight = t - absl::FromCivil(absl::CivilSecond(day), VietnamTimeZone());
  return working && since_midnight >= open && since_midnight < close;
}

absl::StatusOr<absl::Time> DeliveryWindow::NextOpen(absl::Time t, const calendar::WorkingCalendar& calendar) const {
  ASSIGN_OR_RETURN(bool open_now, IsOpen(t, calendar));
  if (open_now) return t;
  const absl::CivilDay day = absl::ToCivilDay(t, VietnamTimeZone());
  bool working = true;
  if (!every_day) {
    ASSIGN_OR_RETURN(working, calendar.IsWorkingDay(day));
  }
  if (working && t < OpeningOf(day)) return OpeningOf(day);  // Before today's window.
  if (every_day) return OpeningOf(day + 1);
  ASSIGN_OR_RETURN(absl::CivilDay next, calendar.AddWorkingDays(day, 1));
  return OpeningOf(next);
}

}  // namespace p06::notification
