// Vietnamese time phrases of plan tables → structured schedules.
//
//   "Tháng 3" (plan 2025)        → ONE_OFF due 2025-03-31
//   "Tháng 6 và Tháng 12"        → ON_MONTHS {6, 12}
//   "Hàng tháng" / "Hằng tháng"  → MONTHLY
//   "Quý II/2025"                → ONE_OFF due 2025-06-30
//   "Theo yêu cầu của …"         → ON_REQUEST, trigger "…"
//
// Matching works on the folded phrase (case, diacritics and punctuation ignored), so
// "Thang 6 va thang 12" parses too. An unknown phrase comes back with unparsed = true
// and kind UNSPECIFIED, its text kept: the caller imports the task anyway.
// Pure and thread-safe.
#pragma once

#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "p06/task/v1/task.pb.h"

namespace p06::task {

namespace pb = ::p06::task::v1;

// `plan_year` supplies the year of phrases that give none ("Tháng 3", "Trước 15/12").
pb::Schedule ParseTimePhrase(absl::string_view phrase, int plan_year);

// The reporting obligations a schedule creates in `plan_year`, in date order:
// ONE_OFF its due date; MONTHLY the last day of every month; QUARTERLY of every
// quarter; ON_MONTHS of the listed months; YEARLY and CONTINUOUS the 6-month and
// annual report dates (30/6 and 31/12); ON_REQUEST, ON_EVENT, FOLLOWS_PROGRAMME none
// (they wait for their trigger).
std::vector<absl::CivilDay> OccurrenceDates(const pb::Schedule& schedule, int plan_year);

}  // namespace p06::task
