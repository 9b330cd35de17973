#include "services/task/drafts.h"

#include <algorithm>
#include <iterator>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/status_mapping.h"

namespace p06::task {

std::string OccurrenceName(const std::string& task_name, absl::CivilDay due, int sub_activity) {
  return absl::StrCat(task_name, "/occurrences/", FormatIsoDate(due), sub_activity > 0 ? absl::StrCat("-", sub_activity) : "");
}

absl::Status CheckRemovalsConfirmed(const pb::PlanDiff& diff, const pb::ImportPlanRequest& request) {
  const std::set<int> removed(diff.removed_tasks().begin(), diff.removed_tasks().end());
  const std::set<int> confirmed(request.remove_tasks().begin(), request.remove_tasks().end());
  for (int n : confirmed) {
    if (!removed.contains(n)) {
      return InvalidField("remove_tasks", absl::StrCat("task ", n, " is not removed by this revision"));
    }
  }
  if (removed == confirmed) return absl::OkStatus();
  std::vector<int> unconfirmed;
  std::set_difference(removed.begin(), removed.end(), confirmed.begin(), confirmed.end(),
                      std::back_inserter(unconfirmed));
  return absl::FailedPreconditionError(absl::StrCat(
      "remove_tasks: this revision removes ", unconfirmed.size(), " task(s) not confirmed (",
      absl::StrJoin(unconfirmed, ", "),
      "); if that is meant, list them in remove_tasks (a dry_run shows them in diff.removed_tasks); a text cut "
      "short looks like this"));
}

}  // namespace p06::task
