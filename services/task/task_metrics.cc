#include "services/task/task_metrics.h"

namespace p06::task {

TaskMetrics TaskMetrics::Register(prometheus::Registry& registry) {
  return TaskMetrics{
      .event_streams_open = prometheus::BuildGauge()
                                .Name("task_event_streams_open")
                                .Help("WatchEvents streams being served.")
                                .Register(registry)
                                .Add({}),
      .event_streams_refused = prometheus::BuildCounter()
                                   .Name("task_event_streams_refused_total")
                                   .Help("WatchEvents streams refused because max_event_streams were open.")
                                   .Register(registry)
                                   .Add({}),
      .events_streamed = prometheus::BuildCounter()
                             .Name("task_events_streamed_total")
                             .Help("Events sent on WatchEvents streams, replayed or live.")
                             .Register(registry)
                             .Add({}),
      .report_batch_size = prometheus::BuildHistogram()
                               .Name("task_report_batch_size")
                               .Help("Progress reports written by one statement and one commit (group commit).")
                               .Register(registry)
                               .Add({}, prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64}),
      .units_followed = prometheus::BuildCounter()
                            .Name("task_units_followed_total")
                            .Help("Tasks rewritten under the units that carry their work today (unit_follower.h).")
                            .Register(registry)
                            .Add({}),
      .units_kept = prometheus::BuildCounter()
                        .Name("task_units_kept_total")
                        .Help("Tasks a follower pass left as stored: a name they have a unit for is unknown to the "
                              "directory now, or matches other units only by a guess (counted every pass).")
                        .Register(registry)
                        .Add({}),
  };
}

}  // namespace p06::task
