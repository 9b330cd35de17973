// The task service binary. See README.md for flags and ports.
#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "common/server/run_service.h"
#include "services/task/task_bundle.h"

ABSL_FLAG(std::string, directory_target, "127.0.0.1:7101", "host:port of the directory service.");
ABSL_FLAG(absl::Duration, event_retention, absl::ZeroDuration(),
          "How long events are kept, e.g. 8760h; 0 keeps them for ever (they are also each task's history).");
ABSL_FLAG(absl::Duration, follow_units_every, absl::Hours(1),
          "How often stored tasks are moved to the units that carry their work today (after a merge or a rename); "
          "0 never.");
ABSL_FLAG(int, max_event_streams, 100, "WatchEvents streams served at once; more are RESOURCE_EXHAUSTED.");

int main(int argc, char** argv) {
  return p06::RunServiceMain(
      argc, argv,
      {.defaults = {"task", 7102, 9102},
       .migrations = TaskMigrations(),
       .make_bundle = [](p06::ServiceContext& ctx) -> absl::StatusOr<std::unique_ptr<p06::ServiceBundle>> {
         auto bundle = p06::task::TaskBundle::Create(ctx, {.directory_target = absl::GetFlag(FLAGS_directory_target),
                                                           .event_retention = absl::GetFlag(FLAGS_event_retention),
                                                           .max_event_streams = absl::GetFlag(FLAGS_max_event_streams),
                                                           .follow_units_every = absl::GetFlag(FLAGS_follow_units_every)});
         if (!bundle.ok()) return bundle.status();
         return std::unique_ptr<p06::ServiceBundle>(std::move(*bundle));
       }});
}
