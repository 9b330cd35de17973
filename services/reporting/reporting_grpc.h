// The gRPC adapter of the reporting service: each handler checks the caller's access
// and hands the request to the logic (common/grpc/serve.h), nothing else.
#pragma once

#include "p06/reporting/v1/reporting.grpc.pb.h"
#include "services/reporting/reporting_service.h"

namespace p06::reporting {

class ReportingGrpc final : public pb::ReportingService::Service {
 public:
  explicit ReportingGrpc(ReportingService& service) : service_(service) {}

  grpc::Status ListReportPeriods(grpc::ServerContext*, const pb::ListReportPeriodsRequest*,
                                 pb::ListReportPeriodsResponse*) override;
  grpc::Status CreateReport(grpc::ServerContext*, const pb::CreateReportRequest*, pb::Report*) override;
  grpc::Status GetReport(grpc::ServerContext*, const pb::GetReportRequest*, pb::Report*) override;
  grpc::Status ListReports(grpc::ServerContext*, const pb::ListReportsRequest*, pb::ListReportsResponse*) override;
  grpc::Status ExportReport(grpc::ServerContext*, const pb::ExportReportRequest*, pb::ExportReportResponse*) override;
  grpc::Status GetDashboard(grpc::ServerContext*, const pb::GetDashboardRequest*, pb::Dashboard*) override;

 private:
  ReportingService& service_;
};

}  // namespace p06::reporting
