// The task service's object graph, built the same way by main.cc and by the tests:
// store, directory client, logic, gRPC adapter.
#pragma once

#include <memory>

#include "common/grpc/stream_slots.h"
#include "common/server/run_service.h"
#include "services/task/event_pruner.h"
#include "services/task/storage/pg_task_store.h"
#include "services/task/task_cache.h"
#include "services/task/task_grpc.h"
#include "services/task/task_metrics.h"
#include "services/task/task_service.h"
#include "services/task/unit_follower.h"
#include "services/task/unit_resolver.h"

std::span<const p06::db::Migration> TaskMigrations();

namespace p06::task {

// The task service's own settings, beside the common ServerConfig; main.cc reads them
// from flags (with P06_ environment overrides), the tests set them directly.
struct TaskOptions {
  std::string directory_target = "127.0.0.1:7101";       // host:port of the directory.
  absl::Duration event_retention = absl::ZeroDuration();  // How long events are kept; zero: for ever.
  int max_event_streams = 100;                            // WatchEvents streams held at once.
  absl::Duration follow_units_every = absl::Hours(1);     // Tasks moved to today's units; zero: never.

  // INVALID_ARGUMENT naming the first bad setting.
  absl::Status Validate() const;
};

class TaskBundle final : public ServiceBundle {
 public:
  // Validates `options`, starts following the outbox; UNAVAILABLE without a database.
  static absl::StatusOr<std::unique_ptr<TaskBundle>> Create(ServiceContext& ctx, const TaskOptions& options);
  std::vector<NamedService> GrpcServices() override;
  void PrepareForShutdown() override {
    follower_.Stop();
    events_.Stop();
  }
  TaskService& service() { return service_; }
  ProgressService& progress() { return progress_; }
  UnitFollower& follower() { return follower_; }

 private:
  TaskBundle(ServiceContext& ctx, const TaskOptions& options);

  TaskMetrics metrics_;  // First: the others report to it.
  PgTaskStore store_;
  GrpcUnitResolver units_;
  EventWaiter events_;
  TaskCache cache_;
  EventPruner pruner_;
  UnitFollower follower_;
  TaskService service_;
  ProgressService progress_;
  StreamSlots event_streams_;
  // GetTask's loads. After service_, which its jobs call, so that it is joined
  // first; the server (gone before the bundle) has ended every call it was given.
  WorkerPool task_loaders_;
  TaskGrpc grpc_;
};

}  // namespace p06::task
