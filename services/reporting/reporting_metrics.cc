#include "services/reporting/reporting_metrics.h"

namespace p06::reporting {

ReportingMetrics ReportingMetrics::Register(prometheus::Registry& registry) {
  return ReportingMetrics{
      .consumer = events::ConsumerMetrics::Register(registry, "reporting"),
      .report_seconds = prometheus::BuildHistogram()
                            .Name("reporting_report_build_seconds")
                            .Help("Time to build and store one report.")
                            .Register(registry)
                            .Add({}, prometheus::Histogram::BucketBoundaries{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}),
  };
}

}  // namespace p06::reporting
