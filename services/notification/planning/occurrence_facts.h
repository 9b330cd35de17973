// What the notification service knows of one occurrence: its task's place in the
// plan, its units, its due date and its status, as the task service's events said.
#pragma once

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "p06/task/v1/task.pb.h"

namespace p06::notification {

namespace tpb = ::p06::task::v1;

struct OccurrenceFacts {
  std::string name;  // "plans/{p}/tasks/{t}/occurrences/{yyyy-mm-dd}"
  std::string task;  // "plans/{p}/tasks/{t}"
  std::string plan;  // "plans/{p}"
  std::string title;
  int section_ordinal = 0;
  tpb::Schedule::Kind schedule_kind = tpb::Schedule::KIND_UNSPECIFIED;
  std::vector<std::string> lead_units;          // "units/…" or "groups/…"
  std::vector<std::string> coordinating_units;  // Likewise.
  absl::CivilDay due;
  tpb::TaskStatus status = tpb::TASK_STATUS_UNSPECIFIED;
  bool removed = false;

  // Completed, cancelled or removed: nothing more to remind of or escalate.
  bool Closed() const {
    return removed || status == tpb::TASK_STATUS_COMPLETED || status == tpb::TASK_STATUS_CANCELLED;
  }
};

// The occurrences a TASK_CHANGED event carries, one fact each (status from the
// occurrence, as the task service derived it).
std::vector<OccurrenceFacts> FactsOf(const tpb::Task& task, const google::protobuf::RepeatedPtrField<tpb::Occurrence>& occurrences);

}  // namespace p06::notification
