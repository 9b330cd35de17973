// The hand-checked fixture of the 2025 plan's 49 tasks (tests/testdata/
// plan_910_2025_tasks.txt) and the renderer that writes a task as it does: one
// fact a line, so that a difference names the task and the fact.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "p06/task/v1/task.pb.h"

namespace p06::testing {

inline constexpr char kTaskFixturePath[] = P06_SOURCE_DIR "/tests/testdata/plan_910_2025_tasks.txt";

// `task` as the fixture writes it; its units are the texts given, as printed (unit
// lines are left out when both lists are empty and `with_units` is false).
std::string RenderTask(const task::v1::Task& task, const std::vector<std::string>& leads,
                       const std::vector<std::string>& coordinating, int plan_year, bool with_units = true);

// The fixture by task number; without the unit lines unless `with_units`.
std::map<int, std::string> ReadTaskFixture(bool with_units = true);

}  // namespace p06::testing
