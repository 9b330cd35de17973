#include "services/task/task_bundle.h"

#include "common/grpc/client.h"
#include "common/grpc/status_mapping.h"

namespace p06::task {

TaskBundle::TaskBundle(ServiceContext& ctx, const std::string& directory_target, absl::Duration event_retention)
    : store_(ctx.pool, db::BuildConnectionString(ctx.config.db)),
      units_(MakeChannel(directory_target)),
      events_(db::BuildConnectionString(ctx.config.db)),
      cache_(store_, events_),
      pruner_(store_, event_retention),
      service_(store_, cache_, units_, events_, ctx.clock),
      grpc_(service_) {}

absl::StatusOr<std::unique_ptr<TaskBundle>> TaskBundle::Create(ServiceContext& ctx, const std::string& directory_target,
                                                               absl::Duration event_retention) {
  if (event_retention < absl::ZeroDuration()) {
    return InvalidField("event_retention", "must not be negative (0 keeps events for ever)");
  }
  std::unique_ptr<TaskBundle> bundle(new TaskBundle(ctx, directory_target, event_retention));
  bundle->events_.Start();
  if (absl::Status s = bundle->cache_.Start(); !s.ok()) return s;
  bundle->pruner_.Start();
  return bundle;
}

std::vector<NamedService> TaskBundle::GrpcServices() { return {{pb::TaskService::service_full_name(), &grpc_}}; }

}  // namespace p06::task
