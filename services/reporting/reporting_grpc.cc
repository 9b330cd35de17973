#include "services/reporting/reporting_grpc.h"

#include "common/grpc/serve.h"

namespace p06::reporting {

// The access each RPC needs is stated in proto/p06/reporting/v1/reporting.proto.

grpc::Status ReportingGrpc::ListReportPeriods(grpc::ServerContext* ctx, const pb::ListReportPeriodsRequest* request,
                                              pb::ListReportPeriodsResponse* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return service_.ListReportPeriods(*request); });
}

grpc::Status ReportingGrpc::CreateReport(grpc::ServerContext* ctx, const pb::CreateReportRequest* request,
                                         pb::Report* response) {
  return ServeAs(*ctx, Access::kOffice, response,
                 [&](const Principal& caller) { return service_.CreateReport(*request, caller); });
}

grpc::Status ReportingGrpc::GetReport(grpc::ServerContext* ctx, const pb::GetReportRequest* request,
                                      pb::Report* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return service_.GetReport(*request); });
}

grpc::Status ReportingGrpc::ListReports(grpc::ServerContext* ctx, const pb::ListReportsRequest* request,
                                        pb::ListReportsResponse* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return service_.ListReports(*request); });
}

grpc::Status ReportingGrpc::ExportReport(grpc::ServerContext* ctx, const pb::ExportReportRequest* request,
                                         pb::ExportReportResponse* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return service_.ExportReport(*request); });
}

grpc::Status ReportingGrpc::GetDashboard(grpc::ServerContext* ctx, const pb::GetDashboardRequest* request,
                                         pb::Dashboard* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return service_.GetDashboard(*request); });
}

}  // namespace p06::reporting
