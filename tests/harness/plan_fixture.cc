#include "tests/harness/plan_fixture.h"

#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/task/plan_text/time_phrase.h"

namespace p06::testing {
namespace {

namespace pb = ::p06::task::v1;

bool IsUnitLine(const std::string& line) {
  return line.rfind("lead: ", 0) == 0 || line.rfind("coordinating: ", 0) == 0;
}

std::string RenderSchedule(const pb::Schedule& s, int year) {
  std::string out = absl::StrCat("\"", s.phrase(), "\" → ", pb::Schedule::Kind_Name(s.kind()).substr(5));
  if (!s.months().empty()) absl::StrAppend(&out, " months ", absl::StrJoin(s.months(), ","));
  if (!s.trigger().empty()) absl::StrAppend(&out, " trigger \"", s.trigger(), "\"");
  if (s.unparsed()) absl::StrAppend(&out, " (unparsed)");
  std::vector<std::string> dues;
  for (absl::CivilDay d : task::OccurrenceDates(s, year)) dues.push_back(absl::FormatCivilTime(d));
  if (!dues.empty()) absl::StrAppend(&out, "; due ", absl::StrJoin(dues, ", "));
  return out;
}

}  // namespace

std::string RenderTask(const pb::Task& task, const std::vector<std::string>& leads,
                       const std::vector<std::string>& coordinating, int plan_year, bool with_units) {
  auto number = [](double v) { return absl::StrFormat("%g", v); };
  std::string out = absl::StrCat("== ", task.number(), " · section ", task.section_ordinal(), "\n");
  absl::StrAppend(&out, "title: ", task.title(), "\n");
  if (with_units) {
    for (const std::string& u : leads) absl::StrAppend(&out, "lead: ", u, "\n");
    for (const std::string& u : coordinating) absl::StrAppend(&out, "coordinating: ", u, "\n");
  }
  absl::StrAppend(&out, "time: ", RenderSchedule(task.schedule(), plan_year), "\n");
  for (const std::string& p : task.expected_products()) absl::StrAppend(&out, "product: ", p, "\n");
  if (!task.funding_source().empty()) absl::StrAppend(&out, "funding: ", task.funding_source(), "\n");
  if (!task.note().empty()) absl::StrAppend(&out, "note: ", task.note(), "\n");
  for (const pb::SubActivity& a : task.sub_activities()) {
    absl::StrAppend(&out, "activity ", a.ordinal(), ": ", a.title(),
                    "\n  time: ", RenderSchedule(a.schedule(), plan_year), "\n");
  }
  for (int i = 0; i < task.targets_size(); ++i) {
    const pb::Target& g = task.targets(i);
    absl::StrAppend(&out, "target ", i + 1, ": ", g.text(), "\n  ",
                    pb::Target::Comparison_Name(g.comparison()).substr(11), " ", number(g.target_value()), " ",
                    g.unit_of_measure());
    for (const pb::LevelTarget& l : g.level_targets()) {
      absl::StrAppend(&out, "; ", l.level(), " ", number(l.target_value()));
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

std::map<int, std::string> ReadTaskFixture(bool with_units) {
  std::map<int, std::string> tasks;
  std::ifstream in(kTaskFixturePath, std::ios::binary);
  int current = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("== ", 0) == 0) current = std::atoi(line.c_str() + 3);
    if (with_units || !IsUnitLine(line)) tasks[current] += line + "\n";
  }
  return tasks;
}

}  // namespace p06::testing
