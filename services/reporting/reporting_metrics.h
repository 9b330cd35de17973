// The reporting service's own metrics, declared in one place beside the common ones
// (grpc_server_*, p06_db_pool_*, p06_build_info). tests/golden/reporting_metrics.txt
// lists the names a scrape must show.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "common/events/event_consumer.h"

namespace p06::reporting {

struct ReportingMetrics {
  events::ConsumerMetrics consumer;        // The read model's consumer (common/events).
  prometheus::Histogram& report_seconds;   // reporting_report_build_seconds

  static ReportingMetrics Register(prometheus::Registry& registry);
};

}  // namespace p06::reporting
