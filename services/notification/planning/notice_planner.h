// When each rule fires for an occurrence: the pure rules of the schedule.
//
// - A due date on a day off counts as the working day before it ("shifted to the
//   previous working day"): that is the effective due day.
// - A reminder of N working days fires N working days before the effective due day
//   (N = 0: on it); an escalation of N fires N working days after it.
// - It fires when that day's delivery window opens (07:30 in Hà Nội by default).
// - A rule fires only if it is enabled and its scope matches (plan, section, schedule
//   kind, a unit among the task's); a closed occurrence (completed, cancelled,
//   removed) has no notices.
// - A day in a year without calendar data cannot be counted: that rule is left out
//   for that occurrence and reported in `unplannable`, never guessed.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/calendar/working_calendar.h"
#include "p06/notification/v1/notification.pb.h"
#include "services/notification/planning/delivery_window.h"
#include "services/notification/planning/occurrence_facts.h"

namespace p06::notification {

namespace pb = ::p06::notification::v1;

struct PlannedNotice {
  std::string rule_id;  // Without "rules/".
  pb::Rule::Kind kind = pb::Rule::KIND_UNSPECIFIED;
  int working_days = 0;
  absl::Time fire_time;
};

struct Plan {
  std::vector<PlannedNotice> notices;
  std::vector<std::string> unplannable;  // "rule-id: why", for the log and a metric.
};

bool RuleApplies(const pb::Rule& rule, const OccurrenceFacts& occurrence);

// The day a rule fires on for a due date; FAILED_PRECONDITION without calendar data.
absl::StatusOr<absl::CivilDay> FireDay(const pb::Rule& rule, absl::CivilDay due,
                                       const calendar::WorkingCalendar& calendar);

Plan PlanNotices(const OccurrenceFacts& occurrence, const std::vector<pb::Rule>& rules,
                 const calendar::WorkingCalendar& calendar, const DeliveryWindow& window);

// "rules/{id}" → "{id}".
std::string RuleId(const pb::Rule& rule);

}  // namespace p06::notification
