#include "services/notification/planning/notice_planner.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"

namespace p06::notification {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

std::string RuleId(const pb::Rule& rule) {
  return absl::StartsWith(rule.name(), "rules/") ? rule.name().substr(6) : rule.name();
}

bool RuleApplies(const pb::Rule& rule, const OccurrenceFacts& o) {
  if (!rule.enabled()) return false;
  const pb::Rule::Scope& scope = rule.scope();
  if (!scope.plan().empty() && scope.plan() != o.plan) return false;
  if (scope.section_ordinal() != 0 && scope.section_ordinal() != o.section_ordinal) return false;
  if (scope.schedule_kind() != tpb::Schedule::KIND_UNSPECIFIED && scope.schedule_kind() != o.schedule_kind) {
    return false;
  }
  if (!scope.unit().empty() && !Contains(o.lead_units, scope.unit()) && !Contains(o.coordinating_units, scope.unit())) {
    return false;
  }
  return true;
}

absl::StatusOr<absl::CivilDay> FireDay(const pb::Rule& rule, absl::CivilDay due,
                                       const calendar::WorkingCalendar& calendar) {
  ASSIGN_OR_RETURN(bool working, calendar.IsWorkingDay(due));
  absl::CivilDay effective = due;
  if (!working) {
    ASSIGN_OR_RETURN(effective, calendar.AddWorkingDays(due, -1));
  }
  const int n = rule.kind() == pb::Rule::KIND_REMINDER ? -rule.working_days() : rule.working_days();
  if (n == 0) return effective;
  return calendar.AddWorkingDays(effective, n);
}

Plan PlanNotices(const OccurrenceFacts& occurrence, const std::vector<pb::Rule>& rules,
                 const calendar::WorkingCalendar& calendar, const DeliveryWindow& window) {
  Plan plan;
  if (occurrence.Closed()) return plan;
  for (const pb::Rule& rule : rules) {
    if (!RuleApplies(rule, occurrence)) continue;
    absl::StatusOr<absl::CivilDay> day = FireDay(rule, occurrence.due, calendar);
    if (!day.ok()) {
      plan.unplannable.push_back(absl::StrCat(RuleId(rule), ": ", day.status().message()));
      continue;
    }
    plan.notices.push_back({.rule_id = RuleId(rule),
                            .kind = rule.kind(),
                            .working_days = rule.working_days(),
                            .fire_time = window.OpeningOf(*day)});
  }
  return plan;
}

}  // namespace p06::notification
