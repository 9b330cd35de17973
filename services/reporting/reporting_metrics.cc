#include "services/reporting/reporting_metrics.h"

namespace p06::reporting {

ReportingMetrics ReportingMetrics::Register(prometheus::Registry& registry) {
  return ReportingMetrics{
      .consumer = {
      .events_applied = prometheus::BuildCounter()
                            .Name("reporting_events_applied_total")
                            .Help("Task events applied to the read model.")
                            .Register(registry)
                            .Add({}),
      .lag_seconds = prometheus::BuildGauge()
                         .Name("reporting_event_lag_seconds")
                         .Help("Seconds since the read model last held every committed event; 0 while it does.")
                         .Register(registry)
                         .Add({}),
      .lag_events = prometheus::BuildGauge()
                        .Name("reporting_event_lag_events")
                        .Help("Events the task service committed that the read model has not applied, as last counted.")
                        .Register(registry)
                        .Add({}),
      .caught_up = prometheus::BuildGauge()
                       .Name("reporting_event_stream_caught_up")
                       .Help("1 while the event stream is open and the read model holds every committed event.")
                       .Register(registry)
                       .Add({}),
      .reconnects = prometheus::BuildCounter()
                        .Name("reporting_event_stream_reconnects_total")
                        .Help("Times the event stream was opened again after it ended or failed.")
                        .Register(registry)
                        .Add({}),
      .rebuilds = prometheus::BuildCounter()
                      .Name("reporting_read_model_rebuilds_total")
                      .Help("Rebuilds from the task service's List RPCs after OUT_OF_RANGE.")
                      .Register(registry)
                      .Add({}),
      .events_skipped = prometheus::BuildCounter()
                            .Name("reporting_events_skipped_total")
                            .Help("Events the read model could not apply, kept in reporting.skipped_events.")
                            .Register(registry)
                            .Add({}),
      },
      .report_seconds = prometheus::BuildHistogram()
                            .Name("reporting_report_build_seconds")
                            .Help("Time to build and store one report.")
                            .Register(registry)
                            .Add({}, prometheus::Histogram::BucketBoundaries{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}),
  };
}

}  // namespace p06::reporting
