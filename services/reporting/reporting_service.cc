#include "services/reporting/reporting_service.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/base/invalid_field.h"
#include "common/base/status_macros.h"
#include "common/db/idempotency.h"
#include "common/grpc/pagination.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/resource_name.h"
#include "services/reporting/counting/report_builder.h"
#include "services/reporting/export/exporters.h"
#include "services/reporting/storage/report_view.h"

namespace p06::reporting {
namespace {

constexpr int kMaxAdHocDays = 366;
constexpr size_t kMaxLabelBytes = 100;
// Events committed just before a moment may still be on their way to the stream when
// it says "caught up": a window counts as held only this long after it ended.
constexpr absl::Duration kCompletenessGrace = absl::Minutes(1);

absl::StatusOr<int64_t> ParseReportName(const std::string& name, absl::string_view field) {
  ASSIGN_OR_RETURN(std::vector<std::string> ids, ParseResourceName(name, "reports/#", field));
  int64_t id = 0;
  (void)absl::SimpleAtoi(ids[0], &id);  // Checked by the pattern.
  return id;
}

constexpr size_t kExportChunkBytes = 2 << 20;

absl::StatusOr<pb::Report> InView(absl::StatusOr<pb::Report> report, pb::ReportView view) {
  if (!report.ok() || view != pb::REPORT_VIEW_BASIC) return report;
  return BasicView(*std::move(report));
}

absl::Status CheckView(pb::ReportView view) {
  if (!pb::ReportView_IsValid(view)) return InvalidField("view", "BASIC or FULL");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<pb::ListReportPeriodsResponse> ReportingService::ListReportPeriods(
    const pb::ListReportPeriodsRequest& request) {
  ASSIGN_OR_RETURN(std::vector<pb::ReportPeriod> periods, regime_.Periods(request.year(), request.kind(), calendar_));
  pb::ListReportPeriodsResponse response;
  for (pb::ReportPeriod& p : periods) *response.add_periods() = std::move(p);
  return response;
}

absl::StatusOr<pb::ReportPeriod> ReportingService::ResolvePeriod(const pb::ReportPeriod& asked) {
  if (asked.kind() == pb::PERIOD_KIND_UNSPECIFIED || !pb::PeriodKind_IsValid(asked.kind())) {
    return InvalidField("period.kind", "required: MONTHLY, QUARTERLY, SIX_MONTH, NINE_MONTH, ANNUAL or AD_HOC");
  }
  if (asked.label().size() > kMaxLabelBytes) return InvalidField("period.label", "at most 100 bytes");
  if (asked.kind() != pb::PERIOD_KIND_AD_HOC) return regime_.Find(asked.kind(), asked.label(), calendar_);
  // Ad hoc and thematic reports: the window and deadline the request gives.
  if (IsUnset(asked.window_start())) return InvalidField("period.window_start", "required for AD_HOC");
  if (IsUnset(asked.window_end())) return InvalidField("period.window_end", "required for AD_HOC");
  ASSIGN_OR_RETURN(absl::CivilDay start, FromProtoDate(asked.window_start(), "period.window_start"));
  ASSIGN_OR_RETURN(absl::CivilDay end, FromProtoDate(asked.window_end(), "period.window_end"));
  if (end < start) return InvalidField("period.window_end", "is before period.window_start");
  if (end - start >= kMaxAdHocDays) return InvalidField("period.window_end", "the window is longer than a year");
  pb::ReportPeriod period = asked;
  if (period.label().empty()) period.set_label(absl::StrCat(FormatIsoDate(start), "..", FormatIsoDate(end)));
  if (!IsUnset(asked.unit_deadline())) {
    ASSIGN_OR_RETURN(absl::CivilDay deadline, FromProtoDate(asked.unit_deadline(), "period.unit_deadline"));
    if (deadline <= end) return InvalidField("period.unit_deadline", "must be after period.window_end");
  }
  return period;
}

absl::StatusOr<pb::Report> ReportingService::CreateReport(const pb::CreateReportRequest& request,
                                                          const Principal& caller) {
  const absl::Time started = absl::Now();
  ASSIGN_OR_RETURN(std::string plan_id, ParseResourceId(request.plan(), "plans/*", "plan"));
  if (!request.request_id().empty()) RETURN_IF_ERROR(db::ValidateRequestId(request.request_id()));
  RETURN_IF_ERROR(CheckView(request.view()));
  ASSIGN_OR_RETURN(pb::ReportPeriod period, ResolvePeriod(request.period()));

  // Counted as of the cut-off: the read model must hold every event of the window.
  const absl::Time window_over =
      absl::FromCivil(absl::CivilSecond(CivilDayOf(period.window_end()) + 1), VietnamTimeZone()) + kCompletenessGrace;
  const std::optional<absl::Time> complete = consumer_.CompleteAsOf();
  if (!complete || *complete < window_over) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the read model holds the task service's events ",
        complete ? absl::StrCat("up to ", absl::FormatTime("%Y-%m-%d %H:%M:%S %Ez", *complete, VietnamTimeZone()))
                 : std::string("of no complete moment yet"),
        "; the period ", period.label(), " ends ", FormatIsoDate(CivilDayOf(period.window_end())),
        complete ? absl::StrCat(" (", absl::ToInt64Seconds(window_over - *complete), " s behind)") : "",
        ": try again when it has caught up"));
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const LoadedPlan> model, Model(plan_id));
  const LoadedPlan& loaded = *model;
  pb::CreateReportRequest resolved = request;
  *resolved.mutable_period() = period;
  resolved.clear_view();  // How the answer is shown is not what the request id stands for.
  // Measured before the store's transaction (it reads the consumer's state on a
  // connection of its own), and for the events the report was built from.
  pb::Lag lag = consumer_.Lag();
  lag.set_event_cursor(loaded.state.cursor);
  lag.set_events_applied(loaded.state.events_applied);
  absl::StatusOr<pb::Report> saved =
      store_.SaveReport(plan_id, resolved, caller.subject, [&](const pb::Report* previous) -> absl::StatusOr<pb::Report> {
        pb::Report report = BuildReport(loaded.model, period, previous);
        report.set_event_cursor(loaded.state.cursor);
        *report.mutable_lag() = lag;
        return report;
      });
  if (saved.ok()) metrics_.report_seconds.Observe(absl::ToDoubleSeconds(absl::Now() - started));
  return InView(std::move(saved), request.view());
}

absl::StatusOr<pb::Report> ReportingService::GetReport(const pb::GetReportRequest& request) {
  ASSIGN_OR_RETURN(int64_t id, ParseReportName(request.name(), "name"));
  RETURN_IF_ERROR(CheckView(request.view()));
  return InView(store_.GetReport(id), request.view());
}

absl::StatusOr<pb::ListReportsResponse> ReportingService::ListReports(const pb::ListReportsRequest& request) {
  std::string plan_id;
  if (!request.plan().empty()) {
    ASSIGN_OR_RETURN(plan_id, ParseResourceId(request.plan(), "plans/*", "plan"));
  }
  const std::string filters = QueryFingerprint(request);
  ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(request.page_size(), request.page_token(), filters));
  int64_t before = 0;
  if (!page.after_key.empty() && !absl::SimpleAtoi(page.after_key, &before)) {
    return InvalidField("page_token", "malformed");
  }
  ASSIGN_OR_RETURN(std::vector<pb::Report> reports, store_.ListReports(plan_id, before, page.size + 1));
  pb::ListReportsResponse response;
  response.set_next_page_token(TakePage(
      std::move(reports), page, response.mutable_reports(),
      [](const pb::Report& r) { return LastSegment(r.name()); }, filters));
  return response;
}

absl::StatusOr<pb::ExportReportResponse> ReportingService::ExportReport(const pb::ExportReportRequest& request) {
  ASSIGN_OR_RETURN(int64_t id, ParseReportName(request.name(), "name"));
  if (request.format() == pb::EXPORT_FORMAT_UNSPECIFIED || !pb::ExportFormat_IsValid(request.format())) {
    return InvalidField("format", "required: CSV, XLSX, HTML or MARKDOWN");
  }
  if (request.offset() < 0) return InvalidField("offset", "must not be negative");
  ASSIGN_OR_RETURN(std::shared_ptr<const Document> doc, Rendered(id, request.format()));
  if (static_cast<size_t>(request.offset()) > doc->content.size()) {
    return InvalidField("offset", absl::StrCat("beyond the document's ", doc->content.size(), " bytes"));
  }
  pb::ExportReportResponse response;
  response.set_content_type(doc->content_type);
  response.set_file_name(doc->file_name);
  response.set_total_bytes(static_cast<int64_t>(doc->content.size()));
  response.set_offset(request.offset());
  response.set_content(doc->content.substr(request.offset(), kExportChunkBytes));
  return response;
}

absl::StatusOr<std::shared_ptr<const LoadedPlan>> ReportingService::Model(const std::string& plan_id) {
  // The read model only changes when the cursor moves: while it stands still, the
  // plan loaded last serves every dashboard and report of it.
  ASSIGN_OR_RETURN(ConsumerState state, store_.State());
  {
    std::lock_guard lock(model_mu_);
    if (model_ != nullptr && model_plan_ == plan_id && model_->state.cursor == state.cursor) return model_;
  }
  ASSIGN_OR_RETURN(LoadedPlan loaded, store_.LoadPlan(plan_id));
  auto shared = std::make_shared<const LoadedPlan>(std::move(loaded));
  std::lock_guard lock(model_mu_);
  model_plan_ = plan_id;
  model_ = shared;
  return shared;
}

absl::StatusOr<std::shared_ptr<const Document>> ReportingService::Rendered(int64_t id, pb::ExportFormat format) {
  const std::string key = absl::StrCat(id, "/", static_cast<int>(format));
  {
    std::lock_guard lock(rendered_mu_);
    for (const auto& [k, doc] : rendered_) {
      if (k == key) return doc;
    }
  }
  // A stored report never changes: its rendering can be kept while its chunks are read.
  ASSIGN_OR_RETURN(pb::Report report, store_.GetReport(id));
  ASSIGN_OR_RETURN(Document doc, Export(report, format));
  auto shared = std::make_shared<const Document>(std::move(doc));
  std::lock_guard lock(rendered_mu_);
  rendered_.emplace_front(key, shared);
  if (rendered_.size() > kRenderedKept) rendered_.pop_back();
  return shared;
}

absl::StatusOr<pb::Dashboard> ReportingService::GetDashboard(const pb::GetDashboardRequest& request) {
  ASSIGN_OR_RETURN(std::string plan_id, ParseResourceId(request.plan(), "plans/*", "plan"));
  absl::CivilDay as_of = TodayInVietnam(clock_);
  if (!IsUnset(request.as_of())) {
    ASSIGN_OR_RETURN(as_of, FromProtoDate(request.as_of(), "as_of"));
  }
  const int horizon = request.due_within_working_days() == 0 ? 10 : request.due_within_working_days();
  if (horizon < 1 || horizon > 60) return InvalidField("due_within_working_days", "must be 1..60");
  ASSIGN_OR_RETURN(std::shared_ptr<const LoadedPlan> model, Model(plan_id));
  const LoadedPlan& loaded = *model;
  pb::ReportPeriod live;
  live.set_kind(pb::PERIOD_KIND_AD_HOC);
  live.set_label(absl::StrCat("as of ", FormatIsoDate(as_of)));
  *live.mutable_window_start() = ToProtoDate(absl::CivilDay(loaded.model.plan.year() - 1, 12, 15));
  *live.mutable_window_end() = ToProtoDate(as_of);
  const pb::Report report = BuildReport(loaded.model, live, nullptr);
  // Past the calendar's data the horizon cannot be counted: due_soon is left out,
  // the rest is served (never a guess at working days).
  const absl::StatusOr<absl::CivilDay> horizon_end = calendar_.AddWorkingDays(as_of, horizon);

  pb::Dashboard dashboard;
  *dashboard.mutable_totals() = report.totals();
  *dashboard.mutable_units() = report.units();
  *dashboard.mutable_sections() = report.sections();
  std::vector<pb::CountedItem> overdue;
  for (const pb::TaskLine& line : report.tasks()) {
    for (const pb::CountedItem& item : line.items()) {
      if (item.outcome() == pb::OUTCOME_OVERDUE) overdue.push_back(item);
      if (!item.has_due_date()) continue;
      const absl::CivilDay due = CivilDayOf(item.due_date());
      const bool open = item.outcome() == pb::OUTCOME_NOT_YET_DUE ||
                        item.outcome() == pb::OUTCOME_IN_PROGRESS_WITHIN_DEADLINE;
      if (open && horizon_end.ok() && due >= as_of && due <= *horizon_end) {
        dashboard.set_due_soon(dashboard.due_soon() + 1);
      }
    }
  }
  std::stable_sort(overdue.begin(), overdue.end(), [](const pb::CountedItem& a, const pb::CountedItem& b) {
    return CivilDayOf(a.due_date()) < CivilDayOf(b.due_date());
  });
  for (size_t i = 0; i < overdue.size() && i < 10; ++i) *dashboard.add_top_overdue() = overdue[i];
  *dashboard.mutable_lag() = consumer_.Lag();
  return dashboard;
}

}  // namespace p06::reporting
