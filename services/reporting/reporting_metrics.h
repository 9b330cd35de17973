// The reporting service's own metrics, declared in one place beside the common ones
// (grpc_server_*, p06_db_pool_*, p06_build_info). tests/golden/reporting_metrics.txt
// lists the names a scrape must show.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace p06::reporting {

struct ReportingMetrics {
  prometheus::Counter& events_applied;     // reporting_events_applied_total
  prometheus::Gauge& lag_seconds;          // reporting_event_lag_seconds: since last caught up; 0 when it is
  prometheus::Gauge& lag_events;           // reporting_event_lag_events: not yet applied, as last counted
  prometheus::Gauge& caught_up;            // reporting_event_stream_caught_up: 1 or 0
  prometheus::Counter& reconnects;         // reporting_event_stream_reconnects_total
  prometheus::Counter& rebuilds;           // reporting_read_model_rebuilds_total
  prometheus::Histogram& report_seconds;   // reporting_report_build_seconds

  static ReportingMetrics Register(prometheus::Registry& registry);
};

}  // namespace p06::reporting
