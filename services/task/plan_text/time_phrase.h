// Vietnamese time phrases of plan tables → structured schedules, by a small grammar
// over the folded words (case, diacritics and punctuation ignored), so forms compose:
//
//   months        "Tháng 3", "Tháng 6 và tháng 12 năm 2026", "tháng 3, 6, 9/2026"
//   quarters      "Quý II/2025", "Quý I và Quý III/2026"
//   halves        "6 tháng đầu năm", "6 tháng cuối năm 2026"
//   the year      "Năm 2026", "Trong năm 2026", "đầu/giữa/cuối năm"
//   deadlines     "Trước 15/12", "chậm nhất ngày 30/6/2026", "không muộn hơn tháng 9"
//   ranges        "Từ tháng 3 đến tháng 6 năm 2026", "từ Quý I đến Quý III"
//   recurrences   "Hằng tháng", "hàng quý", "định kỳ 6 tháng", "Năm 2025 và các năm tiếp theo"
//   continuous    "Thường xuyên", "Cả năm", "Liên tục"
//   triggers      "Theo yêu cầu của …", "Khi có …", "Theo kế hoạch …"
//
// A phrase without a year takes the plan's. One month or quarter is a ONE_OFF due at
// its end; several are ON_MONTHS (quarters by their last month). Dates a phrase names
// beyond the plan's year ±10 are typos. A phrase the grammar cannot read comes back
// with unparsed = true and kind UNSPECIFIED, its text kept: never guessed, and the
// caller imports the task anyway. Pure and thread-safe.
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
