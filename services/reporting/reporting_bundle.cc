#include "services/reporting/reporting_bundle.h"

#include "common/base/invalid_field.h"
#include "common/grpc/client.h"

namespace p06::reporting {

absl::Status ReportingOptions::Validate() const {
  if (task_target.empty()) return InvalidField("task_target", "required: host:port of the task service");
  return absl::OkStatus();
}

ReportingBundle::ReportingBundle(ServiceContext& ctx, const ReportingOptions& options)
    : metrics_(ReportingMetrics::Register(ctx.metrics)),
      store_(ctx.pool),
      consumer_(store_, MakeChannel(options.task_target), ctx.clock, metrics_.consumer, "reporting"),
      status_(consumer_),
      service_(store_, status_, Regime::Default(), calendar::WorkingCalendar::Vietnam(), ctx.clock, metrics_),
      grpc_(service_) {}

absl::StatusOr<std::unique_ptr<ReportingBundle>> ReportingBundle::Create(ServiceContext& ctx,
                                                                         const ReportingOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  std::unique_ptr<ReportingBundle> bundle(new ReportingBundle(ctx, options));
  bundle->consumer_.Start();
  return bundle;
}

std::vector<NamedService> ReportingBundle::GrpcServices() {
  return {{pb::ReportingService::service_full_name(), &grpc_}};
}

}  // namespace p06::reporting
