#include "services/task/task_bundle.h"

#include "common/grpc/client.h"
#include "common/grpc/status_mapping.h"

namespace p06::task {


absl::Status TaskOptions::Validate() const {
  if (event_retention < absl::ZeroDuration()) {
    return InvalidField("event_retention", "must not be negative (0 keeps events for ever)");
  }
  if (max_event_streams < 1 || max_event_streams > 10000) return InvalidField("max_event_streams", "must be 1..10000");
  if (follow_units_every < absl::ZeroDuration() || follow_units_every > absl::Hours(24 * 7)) {
    return InvalidField("follow_units_every", "must be 0 (never) up to 168h");
  }
  if (directory_target.empty()) return InvalidField("directory_target", "required: host:port of the directory");
  return absl::OkStatus();
}

TaskBundle::TaskBundle(ServiceContext& ctx, const TaskOptions& options)
    : metrics_(TaskMetrics::Register(ctx.metrics)),
      store_(ctx.pool, db::BuildConnectionString(ctx.config.db), ctx.clock,
             [this](size_t reports) { metrics_.report_batch_size.Observe(static_cast<double>(reports)); }),
      units_(MakeChannel(options.directory_target)),
      events_(db::BuildConnectionString(ctx.config.db)),
      cache_(store_, events_),
      pruner_(store_, options.event_retention),
      follower_(store_, cache_, units_, ctx.clock, options.follow_units_every,
                {.followed = metrics_.units_followed, .kept = metrics_.units_kept}),
      service_(store_, cache_, units_, ctx.clock),
      progress_(store_, cache_, events_, ctx.clock),
      event_streams_(options.max_event_streams, metrics_.event_streams_open, metrics_.event_streams_refused),
      // As many as the connections they wait for; past 1000 waiting, GetTask is
      // RESOURCE_EXHAUSTED (a load takes about a millisecond).
      task_loaders_(ctx.pool.options().size, 1000),
      grpc_(service_, progress_, event_streams_, metrics_.events_streamed, task_loaders_) {}

absl::StatusOr<std::unique_ptr<TaskBundle>> TaskBundle::Create(ServiceContext& ctx, const TaskOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  std::unique_ptr<TaskBundle> bundle(new TaskBundle(ctx, options));
  bundle->events_.Start();
  if (absl::Status s = bundle->cache_.Start(); !s.ok()) return s;
  bundle->pruner_.Start();
  bundle->follower_.Start();
  return bundle;
}

std::vector<NamedService> TaskBundle::GrpcServices() { return {{pb::TaskService::service_full_name(), &grpc_}}; }

}  // namespace p06::task
