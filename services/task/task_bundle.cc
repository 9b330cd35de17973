#include "services/task/task_bundle.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "common/grpc/client.h"
#include "common/grpc/status_mapping.h"

namespace p06::task {

namespace {

// The task service's own metric families, in the service's registry.
prometheus::Gauge& OpenStreams(prometheus::Registry& registry) {
  return prometheus::BuildGauge()
      .Name("task_event_streams_open")
      .Help("WatchEvents streams being served.")
      .Register(registry)
      .Add({});
}
prometheus::Counter& RefusedStreams(prometheus::Registry& registry) {
  return prometheus::BuildCounter()
      .Name("task_event_streams_refused_total")
      .Help("WatchEvents streams refused because max_event_streams were open.")
      .Register(registry)
      .Add({});
}

}  // namespace

absl::Status TaskOptions::Validate() const {
  if (event_retention < absl::ZeroDuration()) {
    return InvalidField("event_retention", "must not be negative (0 keeps events for ever)");
  }
  if (max_event_streams < 1 || max_event_streams > 10000) return InvalidField("max_event_streams", "must be 1..10000");
  if (directory_target.empty()) return InvalidField("directory_target", "required: host:port of the directory");
  return absl::OkStatus();
}

TaskBundle::TaskBundle(ServiceContext& ctx, const TaskOptions& options)
    : store_(ctx.pool, db::BuildConnectionString(ctx.config.db), ctx.clock),
      units_(MakeChannel(options.directory_target)),
      events_(db::BuildConnectionString(ctx.config.db)),
      cache_(store_, events_),
      pruner_(store_, options.event_retention),
      service_(store_, cache_, units_, ctx.clock),
      progress_(store_, cache_, events_),
      event_streams_(options.max_event_streams, OpenStreams(ctx.metrics), RefusedStreams(ctx.metrics)),
      grpc_(service_, progress_, event_streams_) {}

absl::StatusOr<std::unique_ptr<TaskBundle>> TaskBundle::Create(ServiceContext& ctx, const TaskOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  std::unique_ptr<TaskBundle> bundle(new TaskBundle(ctx, options));
  bundle->events_.Start();
  if (absl::Status s = bundle->cache_.Start(); !s.ok()) return s;
  bundle->pruner_.Start();
  return bundle;
}

std::vector<NamedService> TaskBundle::GrpcServices() { return {{pb::TaskService::service_full_name(), &grpc_}}; }

}  // namespace p06::task
