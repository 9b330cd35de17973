// Report periods as configuration: a regime file (regimes/decree-09-2019.regime,
// embedded as the default) says when each kind of periodic report's data window ends
// and starts and when each tier must submit. Deadlines in working days are counted
// with the working-day calendar (common/calendar).
//
// Immutable after Parse; thread-safe.
#pragma once

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/calendar/working_calendar.h"
#include "p06/reporting/v1/reporting.pb.h"

namespace p06::reporting {

namespace pb = ::p06::reporting::v1;

// "+3wd" or a fixed "MM-DD" of the period's year.
struct Deadline {
  int working_days = 0;  // > 0 for "+Nwd".
  int month = 0, day = 0;
};

// One line of the regime file.
struct PeriodRule {
  pb::PeriodKind kind = pb::PERIOD_KIND_UNSPECIFIED;
  int end_day = 0;
  std::vector<int> end_months;
  bool start_after_previous = true;  // Else start_month/start_day of the previous year.
  int start_month = 0, start_day = 0;
  Deadline unit, office;
};

class Regime {
 public:
  // INVALID_ARGUMENT naming the line for anything malformed, a yearly kind with more
  // than one period, or a fixed deadline not after its cut-off (Art. 8(5)).
  static absl::StatusOr<Regime> Parse(absl::string_view text);
  // Decree 09/2019's windows, shipped with the binary.
  static const Regime& Default();

  // The periods of `year` (of `kind`, or every periodic kind when UNSPECIFIED), in
  // order of their window's end. FAILED_PRECONDITION when a working-day deadline
  // falls in a year `calendar` has no data for.
  absl::StatusOr<std::vector<pb::ReportPeriod>> Periods(int year, pb::PeriodKind kind,
                                                        const calendar::WorkingCalendar& calendar) const;
  // The period of `kind` labelled `label` ("2025-03", "2025-Q1", "2025-H1", "2025-9M",
  // "2025"); INVALID_ARGUMENT naming period.label when there is none.
  absl::StatusOr<pb::ReportPeriod> Find(pb::PeriodKind kind, absl::string_view label,
                                        const calendar::WorkingCalendar& calendar) const;

 private:
  std::vector<PeriodRule> rules_;
};

}  // namespace p06::reporting
