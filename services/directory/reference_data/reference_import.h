// Reference data files (README.md here: the format) checked against the directory as
// it stands, as a whole, before anything is written: what the file would change, or
// every problem in it by line and field. Pure: the store applies the outcome in one
// transaction (PgDirectoryStore::ApplyReferenceImport).
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "p06/directory/v1/directory.pb.h"
#include "services/directory/storage/directory_snapshot.h"
#include "services/directory/storage/directory_store.h"

namespace p06::directory {

inline constexpr size_t kMaxReferenceFileBytes = 2 << 20;
// Records of one file: a year's reorganisation is a few hundred.
inline constexpr size_t kMaxReferenceRecords = 5000;

struct ImportProblem {
  int line = 0;       // 1-based; 0 for the file as a whole.
  std::string field;  // "display_name", "successors", …
  std::string message;
};

struct ReferenceImport {
  pb::ImportReferenceDataResponse summary;  // What changes; applied and revision unset.
  DirectoryStore::ReferenceChanges changes;
  std::vector<ImportProblem> problems;  // Empty when the file may be applied.

  bool empty() const { return changes.empty(); }
};

// `name_key` is the key names are compared on (storage/name_key.h, with `current`'s
// abbreviations).
ReferenceImport PlanReferenceImport(absl::string_view text, const DirectorySnapshot& current,
                                    const std::function<std::string(absl::string_view)>& name_key);

// INVALID_ARGUMENT naming the first problems' lines and fields ("text: line 7
// (display_name): missing; line 9 (successors): …").
absl::Status ProblemsStatus(const std::vector<ImportProblem>& problems);

}  // namespace p06::directory
