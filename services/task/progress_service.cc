#include "services/task/progress_service.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/db/idempotency.h"
#include "common/grpc/pagination.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/resource_name.h"
#include "common/grpc/status_mapping.h"
#include "common/text/fold.h"
#include "services/task/task_limits.h"
#include "services/task/task_service.h"  // ParseTaskName.

namespace p06::task {
namespace {

constexpr int kMaxEvidence = 20;
constexpr int kEventBatch = 500;  // Rows read at once; messages are cut by bytes too.
constexpr absl::Duration kCountBehindEvery = absl::Seconds(2);
constexpr int64_t kCountBehindLimit = 10'000'000;

absl::Status NormalizeText(std::string* text, const std::string& field, size_t max_bytes) {
  ASSIGN_OR_RETURN(*text, text::NormalizeNfc(*text, field));
  if (text->size() > max_bytes) return InvalidField(field, absl::StrCat("longer than ", max_bytes, " bytes"));
  return absl::OkStatus();
}

absl::Status ValidateReport(pb::ProgressReport& r) {
  if (r.status() == pb::TASK_STATUS_UNSPECIFIED || !pb::TaskStatus_IsValid(r.status())) {
    return InvalidField("report.status", "required: NOT_STARTED, IN_PROGRESS, COMPLETED, BLOCKED or CANCELLED");
  }
  if (r.percent_complete() < 0 || r.percent_complete() > 100) {
    return InvalidField("report.percent_complete", "must be 0..100");
  }
  RETURN_IF_ERROR(NormalizeText(r.mutable_summary(), "report.summary", kMaxReportTextBytes));
  RETURN_IF_ERROR(NormalizeText(r.mutable_difficulties(), "report.difficulties", kMaxReportTextBytes));
  RETURN_IF_ERROR(NormalizeText(r.mutable_proposals(), "report.proposals", kMaxReportTextBytes));
  if (r.evidence_size() > kMaxEvidence) return InvalidField("report.evidence", absl::StrCat("at most ", kMaxEvidence));
  for (int i = 0; i < r.evidence_size(); ++i) {
    pb::Evidence* e = r.mutable_evidence(i);
    const std::string f = absl::StrCat("report.evidence[", i, "]");
    RETURN_IF_ERROR(NormalizeText(e->mutable_document_type(), f + ".document_type", 100));
    if (e->document_type().empty()) return InvalidField(f + ".document_type", "required (Quyết định, Công văn, …)");
    RETURN_IF_ERROR(NormalizeText(e->mutable_number(), f + ".number", 100));
    RETURN_IF_ERROR(NormalizeText(e->mutable_title(), f + ".title", 500));
    if (!IsUnset(e->date())) RETURN_IF_ERROR(FromProtoDate(e->date(), f + ".date").status());
    if (!e->url().empty() && ((e->url().rfind("https://", 0) != 0 && e->url().rfind("http://", 0) != 0) ||
                              e->url().size() > 2000 || !text::IsValidUtf8(e->url()))) {
      return InvalidField(f + ".url", "must be an http(s) URL of at most 2000 bytes");
    }
  }
  return absl::OkStatus();
}

// completion_date belongs to a COMPLETED report: not in the future, not before the
// plan's decision (when the plan is known; an unknown plan is refused by the store, in
// the order that tells a stranger nothing). Unset, it is the day of the report.
absl::Status SettleCompletionDate(pb::ProgressReport& r, absl::CivilDay today, TaskStore& store,
                                  const std::string& plan_id) {
  if (r.status() != pb::TASK_STATUS_COMPLETED) {
    if (!IsUnset(r.completion_date())) return InvalidField("report.completion_date", "only with status COMPLETED");
    return absl::OkStatus();
  }
  if (IsUnset(r.completion_date())) {
    *r.mutable_completion_date() = ToProtoDate(today);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(absl::CivilDay day, FromProtoDate(r.completion_date(), "report.completion_date"));
  if (day > today) return InvalidField("report.completion_date", absl::StrCat(FormatIsoDate(day), " is in the future"));
  if (absl::StatusOr<pb::Plan> plan = store.GetPlan(plan_id); plan.ok() && !IsUnset(plan->decision_date())) {
    absl::StatusOr<absl::CivilDay> decided = FromProtoDate(plan->decision_date(), "decision_date");
    if (decided.ok() && day < *decided) {
      return InvalidField("report.completion_date",
                          absl::StrCat(FormatIsoDate(day), " is before the plan's decision (", FormatIsoDate(*decided), ")"));
    }
  }
  return absl::OkStatus();
}

// "plans/p/tasks/7/occurrences/2025-06-30" or ".../2025-06-30-2" of the task `task_name`.
absl::StatusOr<OccurrenceKey> ParseOccurrence(const std::string& name, const std::string& task_name) {
  const std::string prefix = task_name + "/occurrences/";
  if (name.rfind(prefix, 0) != 0) return InvalidField("report.occurrence", absl::StrCat("must start with ", prefix));
  std::string rest = name.substr(prefix.size());
  OccurrenceKey key;
  if (rest.size() > 10) {
    if (rest[10] != '-' || !absl::SimpleAtoi(rest.substr(11), &key.sub_activity) || key.sub_activity <= 0) {
      return InvalidField("report.occurrence", "must end with yyyy-mm-dd or yyyy-mm-dd-{activity}");
    }
    rest = rest.substr(0, 10);
  }
  if (!ParseIsoDate(rest, &key.due)) return InvalidField("report.occurrence", "must end with yyyy-mm-dd");
  return key;
}

// Who reports: the caller's unit, or (for the Ministry Office only) the unit named.
absl::StatusOr<Reporter> ReporterFor(const Principal& caller, const std::string& named_unit, const std::string& field) {
  Reporter reporter{.subject = caller.subject,
                    .unit = named_unit.empty() ? caller.unit : named_unit,
                    .on_behalf = caller.IsOffice()};
  if (reporter.unit.empty()) return InvalidField(field, "required (or call with the x-p06-unit of your unit)");
  RETURN_IF_ERROR(ParseResourceId(reporter.unit, "units/*", field).status());
  if (reporter.unit != caller.unit && !reporter.on_behalf) {
    return absl::PermissionDeniedError(absl::StrCat("you act for ", caller.unit.empty() ? "no unit" : caller.unit,
                                                    "; only the Ministry Office reports for another unit"));
  }
  return reporter;
}

}  // namespace

absl::StatusOr<pb::ProgressReport> ProgressService::ReportProgress(const pb::ReportProgressRequest& request,
                                                                   const Principal& caller) {
  ASSIGN_OR_RETURN(auto task, ParseTaskName(request.parent(), "parent"));
  if (request.request_id().empty()) return InvalidField("request_id", "required: retries must not report twice");
  RETURN_IF_ERROR(db::ValidateRequestId(request.request_id()));
  pb::ProgressReport report = request.report();
  RETURN_IF_ERROR(ValidateReport(report));
  std::optional<OccurrenceKey> occurrence;
  if (!report.occurrence().empty()) {
    ASSIGN_OR_RETURN(occurrence, ParseOccurrence(report.occurrence(), request.parent()));
  }
  ASSIGN_OR_RETURN(Reporter reporter, ReporterFor(caller, report.reporting_unit(), "report.reporting_unit"));
  RETURN_IF_ERROR(SettleCompletionDate(report, TodayInVietnam(clock_), store_, task.first));
  report.clear_name();
  report.clear_reported_by();
  report.clear_create_time();
  absl::StatusOr<pb::ProgressReport> posted =
      store_.ReportProgress(task.first, task.second, occurrence, report, reporter, request);
  if (posted.ok()) cache_.Invalidate(posted->name());  // Read your writes.
  return posted;
}

absl::StatusOr<pb::TargetMeasurement> ProgressService::RecordTargetMeasurement(
    const pb::RecordTargetMeasurementRequest& request, const Principal& caller) {
  const std::string& parent = request.parent();
  const size_t marker = parent.rfind("/targets/");
  int target = 0;
  if (marker == std::string::npos || !absl::SimpleAtoi(parent.substr(marker + 9), &target) || target <= 0) {
    return InvalidField("parent", "must be plans/{plan_id}/tasks/{number}/targets/{n}");
  }
  ASSIGN_OR_RETURN(auto task, ParseTaskName(parent.substr(0, marker), "parent"));
  if (request.request_id().empty()) return InvalidField("request_id", "required: retries must not record twice");
  RETURN_IF_ERROR(db::ValidateRequestId(request.request_id()));
  pb::TargetMeasurement m = request.measurement();
  if (!std::isfinite(m.value()) || m.value() < 0) return InvalidField("measurement.value", "must be a number ≥ 0");
  if (IsUnset(m.period_end())) return InvalidField("measurement.period_end", "required: the last day measured");
  RETURN_IF_ERROR(FromProtoDate(m.period_end(), "measurement.period_end").status());
  RETURN_IF_ERROR(NormalizeText(m.mutable_level(), "measurement.level", 50));
  RETURN_IF_ERROR(NormalizeText(m.mutable_source(), "measurement.source", 500));
  ASSIGN_OR_RETURN(Reporter reporter, ReporterFor(caller, m.reporting_unit(), "measurement.reporting_unit"));
  m.clear_name();
  m.clear_create_time();
  return store_.RecordTargetMeasurement(task.first, task.second, target, m, reporter, request);
}

absl::StatusOr<pb::ListTaskHistoryResponse> ProgressService::ListTaskHistory(const pb::ListTaskHistoryRequest& request) {
  ASSIGN_OR_RETURN(auto task, ParseTaskName(request.parent(), "parent"));
  const std::string filters = QueryFingerprint(request);
  ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(request.page_size(), request.page_token(), filters,
                                                      {.default_size = 100, .max_size = 1000}));
  ASSIGN_OR_RETURN(EventPosition after, ParseCursor(page.after_key, "page_token"));
  ASSIGN_OR_RETURN(EventBatch batch, store_.ReadEvents(after, page.size + 1, request.parent()));
  pb::ListTaskHistoryResponse response;
  response.set_next_page_token(TakePage(
      std::move(batch.events), page, response.mutable_events(), [](const pb::Event& e) { return e.cursor(); },
      filters));
  return response;
}

absl::Status ProgressService::WatchEvents(const pb::WatchEventsRequest& request,
                                      const std::function<bool(const pb::WatchEventsResponse&)>& send,
                                      const std::function<bool()>& cancelled) {
  ASSIGN_OR_RETURN(EventPosition cursor, ParseCursor(request.after(), "after"));
  bool said_caught_up = false;  // A consumer at the head hears so once, even with nothing to send.
  absl::Time counted_behind = absl::InfinitePast();
  for (;;) {
    // Read the wake-up counter before the outbox: a commit after the read moves it.
    const uint64_t seen = events_.Generation();
    ASSIGN_OR_RETURN(EventBatch batch, store_.ReadEvents(cursor, kEventBatch));
    if (!batch.events.empty()) {
      // Each message stays under kMaxMessageBytes (every event is at most
      // kMaxEventBytes): clients refuse messages over 4 MiB by default.
      pb::WatchEventsResponse response;
      size_t bytes = 0;
      for (pb::Event& e : batch.events) {
        const size_t event_bytes = e.ByteSizeLong() + 8;
        if (response.events_size() > 0 && bytes + event_bytes > kMaxMessageBytes) {
          if (!send(response)) return absl::CancelledError("client gone");
          response.Clear();
          bytes = 0;
        }
        bytes += event_bytes;
        *response.add_events() = std::move(e);
      }
      response.set_caught_up(batch.events.size() < static_cast<size_t>(kEventBatch) && !batch.held_back);
      said_caught_up = response.caught_up();
      // Throttled on the real clock: it bounds a cost, it says nothing of the domain.
      if (!response.caught_up() && absl::Now() - counted_behind >= kCountBehindEvery) {
        counted_behind = absl::Now();
        absl::StatusOr<int64_t> behind = store_.CountEventsAfter(batch.last, kCountBehindLimit);
        if (behind.ok()) response.set_events_behind(*behind);  // A lag figure: never worth failing the stream.
      }
      if (!send(response)) return absl::CancelledError("client gone");
      cursor = batch.last;
      continue;  // Maybe more than one batch behind.
    }
    if (!said_caught_up && !batch.held_back) {
      pb::WatchEventsResponse caught_up;
      caught_up.set_caught_up(true);
      if (!send(caught_up)) return absl::CancelledError("client gone");
      said_caught_up = true;
    }
    if (request.replay_only() && !batch.held_back) return absl::OkStatus();
    if (!events_.WaitToReadAgain(seen, batch.held_back, cancelled)) {
      if (events_.Stopped()) return absl::UnavailableError("server draining; resume from the last cursor");
      return absl::CancelledError("client cancelled");
    }
  }
}

}  // namespace p06::task
