// The task service's object graph, built the same way by main.cc and by the tests:
// store, directory client, logic, gRPC adapter.
#pragma once

#include <memory>

#include "common/server/run_service.h"
#include "services/task/event_pruner.h"
#include "services/task/storage/pg_task_store.h"
#include "services/task/task_cache.h"
#include "services/task/task_grpc.h"
#include "services/task/task_service.h"
#include "services/task/unit_resolver.h"

std::span<const p06::db::Migration> TaskMigrations();

namespace p06::task {

class TaskBundle final : public ServiceBundle {
 public:
  // `directory_target`: host:port of the directory service; `event_retention`: how
  // long events are kept (zero: for ever). Starts following the outbox; UNAVAILABLE
  // without a database.
  static absl::StatusOr<std::unique_ptr<TaskBundle>> Create(ServiceContext& ctx, const std::string& directory_target,
                                                            absl::Duration event_retention = absl::ZeroDuration());
  std::vector<NamedService> GrpcServices() override;
  void PrepareForShutdown() override { events_.Stop(); }
  TaskService& service() { return service_; }

 private:
  TaskBundle(ServiceContext& ctx, const std::string& directory_target, absl::Duration event_retention);

  PgTaskStore store_;
  GrpcUnitResolver units_;
  EventWaiter events_;
  TaskCache cache_;
  EventPruner pruner_;
  TaskService service_;
  TaskGrpc grpc_;
};

}  // namespace p06::task
