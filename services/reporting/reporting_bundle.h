// The reporting service's object graph, built the same way by main.cc and by the
// tests: store → event consumer → logic → gRPC adapter.
#pragma once

#include <memory>

#include "common/server/run_service.h"
#include "common/events/event_consumer.h"
#include "services/reporting/consumer/read_model_status.h"
#include "services/reporting/reporting_grpc.h"
#include "services/reporting/reporting_metrics.h"
#include "services/reporting/reporting_service.h"
#include "services/reporting/storage/pg_reporting_store.h"

std::span<const p06::db::Migration> ReportingMigrations();

namespace p06::reporting {

// The reporting service's own settings, beside the common ServerConfig; main.cc reads
// them from flags, the tests set them directly.
struct ReportingOptions {
  std::string task_target = "127.0.0.1:7102";  // host:port of the task service.

  // INVALID_ARGUMENT naming the first bad setting.
  absl::Status Validate() const;
};

class ReportingBundle final : public ServiceBundle {
 public:
  // Validates `options` and starts following the task service's events (in the
  // background: the service starts even while the task service is down).
  static absl::StatusOr<std::unique_ptr<ReportingBundle>> Create(ServiceContext& ctx, const ReportingOptions& options);
  std::vector<NamedService> GrpcServices() override;
  void PrepareForShutdown() override { consumer_.Stop(); }
  ReportingService& service() { return service_; }
  events::EventConsumer& consumer() { return consumer_; }

 private:
  ReportingBundle(ServiceContext& ctx, const ReportingOptions& options);

  ReportingMetrics metrics_;  // First: the others report to it.
  PgReportingStore store_;
  events::EventConsumer consumer_;
  ConsumerStatus status_;
  ReportingService service_;
  ReportingGrpc grpc_;
};

}  // namespace p06::reporting
