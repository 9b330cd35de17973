// The reporting service binary. See README.md for flags and ports.
#include "absl/flags/flag.h"
#include "common/server/run_service.h"
#include "services/reporting/reporting_bundle.h"

ABSL_FLAG(std::string, task_target, "127.0.0.1:7102", "host:port of the task service, whose events it follows.");

int main(int argc, char** argv) {
  return p06::RunServiceMain(
      argc, argv,
      {.defaults = {"reporting", 7103, 9103},
       .migrations = ReportingMigrations(),
       .make_bundle = [](p06::ServiceContext& ctx) -> absl::StatusOr<std::unique_ptr<p06::ServiceBundle>> {
         auto bundle = p06::reporting::ReportingBundle::Create(ctx, {.task_target = absl::GetFlag(FLAGS_task_target)});
         if (!bundle.ok()) return bundle.status();
         return std::unique_ptr<p06::ServiceBundle>(std::move(*bundle));
       }});
}
