// The reporting service's logic, apart from the gRPC wiring: periods from the regime,
// reports built from the read model as of their cut-off and stored frozen, exports,
// and dashboard aggregates.
//
// Thread-safe. Codes as documented in proto/p06/reporting/v1/reporting.proto.
#pragma once

#include <deque>
#include <memory>
#include <mutex>

#include "absl/status/statusor.h"
#include "common/base/clock.h"
#include "common/calendar/working_calendar.h"
#include "common/grpc/principal.h"
#include "services/reporting/consumer/read_model_status.h"
#include "services/reporting/export/exporters.h"
#include "services/reporting/periods/regime.h"
#include "services/reporting/reporting_metrics.h"
#include "services/reporting/storage/reporting_store.h"

namespace p06::reporting {

class ReportingService {
 public:
  ReportingService(ReportingStore& store, ReadModelStatus& consumer, const Regime& regime,
                   const calendar::WorkingCalendar& calendar, const Clock& clock, ReportingMetrics& metrics)
      : store_(store), consumer_(consumer), regime_(regime), calendar_(calendar), clock_(clock), metrics_(metrics) {}

  absl::StatusOr<pb::ListReportPeriodsResponse> ListReportPeriods(const pb::ListReportPeriodsRequest& request);
  absl::StatusOr<pb::Report> CreateReport(const pb::CreateReportRequest& request, const Principal& caller);
  absl::StatusOr<pb::Report> GetReport(const pb::GetReportRequest& request);
  absl::StatusOr<pb::ListReportsResponse> ListReports(const pb::ListReportsRequest& request);
  absl::StatusOr<pb::ExportReportResponse> ExportReport(const pb::ExportReportRequest& request);
  absl::StatusOr<pb::Dashboard> GetDashboard(const pb::GetDashboardRequest& request);

 private:
  static constexpr size_t kRenderedKept = 4;  // Documents kept for chunked reads.

  // The read model of `plan_id`, loaded again only when the consumer has moved on.
  absl::StatusOr<std::shared_ptr<const LoadedPlan>> Model(const std::string& plan_id);
  // The document of report `id` in `format`, rendered once for all its chunks.
  absl::StatusOr<std::shared_ptr<const Document>> Rendered(int64_t id, pb::ExportFormat format);
  // The period a request names, complete (label, window, deadlines).
  absl::StatusOr<pb::ReportPeriod> ResolvePeriod(const pb::ReportPeriod& asked);

  ReportingStore& store_;
  ReadModelStatus& consumer_;
  const Regime& regime_;
  const calendar::WorkingCalendar& calendar_;
  const Clock& clock_;
  ReportingMetrics& metrics_;
  std::mutex model_mu_;
  std::string model_plan_;                    // Guarded by model_mu_.
  std::shared_ptr<const LoadedPlan> model_;   // Guarded by model_mu_.
  std::mutex rendered_mu_;
  std::deque<std::pair<std::string, std::shared_ptr<const Document>>> rendered_;  // Newest first; guarded.
};

}  // namespace p06::reporting
