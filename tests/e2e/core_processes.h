// What every end-to-end test of a service downstream of the task service starts
// from: the directory and task binaries as processes on one database, with the 2025
// plan imported through p06ctl.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "tests/harness/service_process.h"
#include "tests/harness/subprocess.h"

namespace p06::testing {

struct CoreProcesses {
  std::unique_ptr<ServiceProcess> directory, task;
};

inline absl::StatusOr<CoreProcesses> StartCoreWithPlan(const std::string& database_url) {
  CoreProcesses core;
  absl::StatusOr<std::unique_ptr<ServiceProcess>> directory = ServiceProcess::Start(P06_DIRECTORY_BINARY, database_url);
  if (!directory.ok()) return directory.status();
  core.directory = std::move(*directory);
  absl::StatusOr<std::unique_ptr<ServiceProcess>> task =
      ServiceProcess::Start(P06_TASK_BINARY, database_url, {"--directory_target=" + core.directory->target()});
  if (!task.ok()) return task.status();
  core.task = std::move(*task);
  absl::StatusOr<ProcessResult> imported = RunForOutput({.argv = {P06_CTL_BINARY, "import",
                                                                  "--target=" + core.task->target(),
                                                                  P06_SOURCE_DIR "/deploy/plans/qd-910-btp-2025.txt"}});
  if (!imported.ok()) return imported.status();
  if (imported->exit_code != 0) return absl::InternalError(absl::StrCat("import failed: ", imported->output));
  return core;
}

}  // namespace p06::testing
