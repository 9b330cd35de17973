#include "services/task/task_bundle.h"

#include "common/grpc/client.h"

namespace p06::task {

TaskBundle::TaskBundle(ServiceContext& ctx, const std::string& directory_target)
    : store_(ctx.pool, db::BuildConnectionString(ctx.config.db)),
      units_(MakeChannel(directory_target)),
      events_(db::BuildConnectionString(ctx.config.db)),
      cache_(store_, events_),
      service_(store_, cache_, units_, events_, ctx.clock),
      grpc_(service_) {}

absl::StatusOr<std::unique_ptr<TaskBundle>> TaskBundle::Create(ServiceContext& ctx,
                                                               const std::string& directory_target) {
  std::unique_ptr<TaskBundle> bundle(new TaskBundle(ctx, directory_target));
  bundle->events_.Start();
  if (absl::Status s = bundle->cache_.Start(); !s.ok()) return s;
  return bundle;
}

std::vector<NamedService> TaskBundle::GrpcServices() { return {{pb::TaskService::service_full_name(), &grpc_}}; }

}  // namespace p06::task
