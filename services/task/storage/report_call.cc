#include "services/task/storage/report_call.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/grpc/proto_time.h"

namespace p06::task {
namespace {

std::string Hex(const std::string& bytes) { return absl::StrCat("\\x", absl::BytesToHexString(bytes)); }

// In the function's parameter order.
// clang-format off
constexpr ReportArg kArgs[] = {
    {"p_request_id", "{}", [](const ReportCall& c) { return c.request_id; }},
    {"p_fingerprint", "{}", [](const ReportCall& c) { return c.fingerprint; }},
    {"p_plan", "{}", [](const ReportCall& c) { return c.plan; }},
    {"p_number", "{}::int", [](const ReportCall& c) { return absl::StrCat(c.number); }},
    {"p_occurrence_due", "nullif({}, '')::date",
     [](const ReportCall& c) { return c.occurrence_due ? FormatIsoDate(*c.occurrence_due) : std::string(); }},
    {"p_occurrence_sub", "{}::int", [](const ReportCall& c) { return absl::StrCat(c.occurrence_sub); }},
    {"p_unit", "{}", [](const ReportCall& c) { return c.unit; }},
    {"p_on_behalf", "{}::boolean", [](const ReportCall& c) { return std::string(c.on_behalf ? "true" : "false"); }},
    {"p_subject", "{}", [](const ReportCall& c) { return c.subject; }},
    {"p_status", "{}::smallint", [](const ReportCall& c) { return absl::StrCat(c.status); }},
    {"p_percent", "{}::int", [](const ReportCall& c) { return absl::StrCat(c.percent); }},
    {"p_report_id", "{}::bigint", [](const ReportCall& c) { return absl::StrCat(c.report_id); }},
    {"p_create_time", "to_timestamp({}::double precision / 1000000)",
     [](const ReportCall& c) { return absl::StrCat(c.create_micros); }},
    {"p_report", "{}::bytea", [](const ReportCall& c) { return Hex(c.report); }},
    {"p_event_resource", "{}", [](const ReportCall& c) { return c.event_resource; }},
    {"p_event", "{}::bytea", [](const ReportCall& c) { return Hex(c.event); }},
};
// clang-format on

}  // namespace

std::string ReportCall::OrderKey() const { return absl::StrCat(plan, "/", number); }

std::span<const ReportArg> ReportArgs() { return kArgs; }

ReportRefusal ParseReportRefusal(std::string_view code) {
  static constexpr std::pair<std::string_view, ReportRefusal> kCodes[] = {
      {"", ReportRefusal::kNone},
      {db::kReplay, ReportRefusal::kReplay},
      {"not_on_task", ReportRefusal::kNotOnTask},
      {"no_task", ReportRefusal::kNoTask},
      {"not_on_task_behalf", ReportRefusal::kNotOnTaskBehalf},
      {"cancelled", ReportRefusal::kCancelled},
      {"no_occurrence", ReportRefusal::kNoOccurrence},
      {db::kRequestIdReused, ReportRefusal::kRequestIdReused},
  };
  for (const auto& [text, refusal] : kCodes) {
    if (text == code) return refusal;
  }
  return ReportRefusal::kUnknown;
}

absl::Status RefusalStatus(ReportRefusal refusal, const RefusalContext& c) {
  switch (refusal) {
    case ReportRefusal::kNone:
    case ReportRefusal::kReplay:
      return absl::OkStatus();
    case ReportRefusal::kNotOnTask:
      return absl::PermissionDeniedError(
          absl::StrCat(c.unit, " neither leads nor coordinates ", c.task_name, "; it cannot report on it"));
    case ReportRefusal::kNoTask:
      return absl::NotFoundError(absl::StrCat(c.task_name, " not found"));
    case ReportRefusal::kNotOnTaskBehalf:
      return absl::PermissionDeniedError(
          absl::StrCat(c.unit, " neither leads nor coordinates ", c.task_name, "; report for one that does"));
    case ReportRefusal::kCancelled:
      return absl::FailedPreconditionError(
          absl::StrCat(c.task_name, " is cancelled; progress can no longer be reported"));
    case ReportRefusal::kNoOccurrence:
      return absl::NotFoundError(absl::StrCat("report.occurrence: ", c.occurrence, " not found"));
    case ReportRefusal::kRequestIdReused:
      return db::RequestIdReusedError();
    case ReportRefusal::kUnknown:
      break;
  }
  return absl::InternalError(absl::StrCat("report_progress answered a refusal this binary does not know, on ",
                                          c.task_name));
}

}  // namespace p06::task
