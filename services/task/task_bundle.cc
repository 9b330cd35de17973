#include "services/task/task_bundle.h"

#include "common/grpc/client.h"

namespace p06::task {

TaskBundle::TaskBundle(ServiceContext& ctx, const std::string& directory_target)
    : store_(ctx.pool),
      units_(MakeChannel(directory_target)),
      events_(db::BuildConnectionString(ctx.config.db)),
      service_(store_, units_, events_, ctx.clock),
      grpc_(service_) {
  events_.Start();
}

std::vector<NamedService> TaskBundle::GrpcServices() { return {{pb::TaskService::service_full_name(), &grpc_}}; }

}  // namespace p06::task
