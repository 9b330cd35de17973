// The metric families a service exports, against the checked-in list of each
// (tests/golden/<service>_metrics.txt): a renamed or dropped metric breaks dashboards
// and alerts, so it must be a deliberate change.
#pragma once

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace p06::testing {

// The metric families a scrape shows ("# TYPE name kind" lines), sorted.
inline std::vector<std::string> MetricFamilies(const std::string& exposition) {
  std::vector<std::string> names;
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# TYPE ", 0) == 0) names.push_back(line.substr(7, line.find(' ', 7) - 7));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The checked-in list tests/golden/<service>_metrics.txt: one name a line, '#' comments.
inline std::vector<std::string> GoldenFamilies(const std::string& service) {
  std::ifstream in(std::string(P06_SOURCE_DIR "/tests/golden/") + service + "_metrics.txt");
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') names.push_back(line);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace p06::testing
