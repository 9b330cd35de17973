// The task service's own metrics, declared in one place: every family it adds to the
// service's registry beside the common ones (grpc_server_*, p06_db_pool_*,
// p06_build_info). tests/golden/task_metrics.txt lists the names a scrape must show.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace p06::task {

struct TaskMetrics {
  prometheus::Gauge& event_streams_open;         // task_event_streams_open
  prometheus::Counter& event_streams_refused;    // task_event_streams_refused_total
  prometheus::Counter& events_streamed;          // task_events_streamed_total
  prometheus::Histogram& report_batch_size;      // task_report_batch_size: reports per commit
  prometheus::Counter& units_followed;           // task_units_followed_total: tasks moved to today's units
  prometheus::Counter& units_kept;               // task_units_kept_total: tasks a pass left as stored

  static TaskMetrics Register(prometheus::Registry& registry);
};

}  // namespace p06::task
