// Everything the name index is built from, read by the store in one consistent
// snapshot. Its home is storage: the resolution folder depends on storage's types,
// never the other way round.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "p06/directory/v1/directory.pb.h"

namespace p06::directory {

namespace pb = ::p06::directory::v1;

struct DirectorySnapshot {
  int64_t revision = 0;
  std::vector<pb::Unit> units;
  std::vector<pb::Group> groups;                                   // members as stored (explicit groups only)
  std::vector<std::pair<std::string, std::string>> abbreviations;  // folded abbreviation → expansion
};

}  // namespace p06::directory
