// The contract of the report_progress SQL function (schema/functions/report_progress.sql):
// one call's arguments by name, and its answer as one enum. The arguments are bound
// from one table in report_call.cc; task_sql_constants_test checks that table against
// the function's declared parameters.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"

namespace p06::task {

struct ReportCall {
  std::string request_id;
  std::string fingerprint;  // db::RequestFingerprint of the request.
  std::string plan;
  int number = 0;
  std::optional<absl::CivilDay> occurrence_due;  // Unset: a report on the task itself.
  int occurrence_sub = 0;
  std::string unit;  // Reporting unit, "units/…".
  bool on_behalf = false;
  std::string subject;  // Who reports; also the caller its request_id belongs to.
  int status = 0;       // pb::TaskStatus.
  int percent = 0;
  int64_t report_id = 0;
  int64_t create_micros = 0;  // Unix µs.
  std::string report;         // The stored pb::ProgressReport, serialised: also the answer.
  std::string event_resource;
  std::string event;  // The pb::Event, serialised.

  // Calls of one batch run in this order, so that they take task locks in one order.
  std::string OrderKey() const;
};

// One argument of report_progress: its SQL name, how the function takes it from
// text ("{}" stands for the parameter), and its text.
struct ReportArg {
  const char* name;
  const char* sql;
  std::string (*text)(const ReportCall&);
};
std::span<const ReportArg> ReportArgs();

// What report_progress (or reporter_refusal) answers, from its text code.
enum class ReportRefusal {
  kNone,             // '': written.
  kReplay,           // A retry: the answer is the first one's.
  kNotOnTask,        // The unit neither leads nor coordinates the task.
  kNoTask,           // No such task (told only to units that may know).
  kNotOnTaskBehalf,  // The Office reported for a unit that is not on the task.
  kCancelled,        // The task is cancelled.
  kNoOccurrence,     // The occurrence reported on does not exist.
  kRequestIdReused,  // The request id was used for another request.
  kUnknown,          // A code this binary does not know: a bug.
};
ReportRefusal ParseReportRefusal(std::string_view code);

// What a caller is told, in one place for every write that checks a reporter.
struct RefusalContext {
  std::string task_name;   // "plans/…/tasks/N".
  std::string unit;        // The reporting unit.
  std::string occurrence;  // As the request named it, for kNoOccurrence.
};
absl::Status RefusalStatus(ReportRefusal refusal, const RefusalContext& context);

}  // namespace p06::task
