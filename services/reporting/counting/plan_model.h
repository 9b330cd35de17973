// What the read model knows of one plan, loaded for a report: plain data, no I/O.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "p06/task/v1/task.pb.h"

namespace p06::reporting {

namespace tpb = ::p06::task::v1;

struct ModelOccurrence {
  std::string name;  // "…/occurrences/2025-06-30[-2]".
  absl::CivilDay due;
};

struct ModelTask {
  tpb::Task task;                             // The definition (status fields unused).
  std::vector<ModelOccurrence> occurrences;   // In due-date order.
};

struct ModelReport {
  tpb::ProgressReport report;
  absl::CivilDay day;  // Of the report, in Asia/Ho_Chi_Minh.
};

struct ModelMeasurement {
  tpb::TargetMeasurement measurement;
  int target = 0;  // 1-based.
  absl::CivilDay day;
};

struct PlanModel {
  tpb::Plan plan;
  std::vector<ModelTask> tasks;                              // Not removed, by number.
  std::map<int, std::vector<ModelReport>> reports;           // By task number, oldest first.
  std::map<int, std::vector<ModelMeasurement>> measurements;  // By task number, oldest first.
};

}  // namespace p06::reporting
