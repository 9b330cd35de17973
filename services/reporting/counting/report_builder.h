// Counting, the Government Office's way (../shared/REFERENCE.md), as a pure function
// of the read model and a period: what had been reported by the end of the window,
// never what came later, so the March report generated in May gives March's numbers.
//
// Items: each occurrence of a task; a task without occurrences (waiting on a
// request or an event) is one item. A report on an occurrence speaks for it; a report
// on the task as a whole speaks for each of its items. An item's state is the latest
// report that speaks for it, by the report's day ≤ the window's end (E):
//   cancelled                      → CANCELLED
//   completed on C, due D          → COMPLETED_ON_TIME (C ≤ D) or COMPLETED_LATE
//   blocked                        → BLOCKED
//   no due date (a trigger)        → IN_PROGRESS_WITHIN_DEADLINE if started, else AWAITING_TRIGGER
//   due D < E                      → OVERDUE
//   due D ≥ E                      → IN_PROGRESS_WITHIN_DEADLINE if started, else NOT_YET_DUE
// ("started": any report with status IN_PROGRESS, or a percent above 0.)
// A missing report: an item due in the window and still open that a lead unit did
// not report on within the window.
#pragma once

#include "p06/reporting/v1/reporting.pb.h"
#include "services/reporting/counting/plan_model.h"

namespace p06::reporting {

namespace pb = ::p06::reporting::v1;

// Builds the body of a report: counts (plan, sections, units), task lines,
// difficulties of the window, targets, missing reports, and the changes since
// `previous` (nullptr: none). Name, times, lag and cursor are the caller's.
pb::Report BuildReport(const PlanModel& model, const pb::ReportPeriod& period, const pb::Report* previous);

// Adds one item's outcome to `counts`.
void Count(pb::Outcome outcome, pb::StatusCounts* counts);

}  // namespace p06::reporting
