#include "services/directory/directory_metrics.h"

#include "absl/strings/ascii.h"

namespace p06::directory {

DirectoryMetrics DirectoryMetrics::Register(prometheus::Registry& registry) {
  auto& family = prometheus::BuildCounter()
                     .Name("directory_resolutions_total")
                     .Help("Unit names resolved by ResolveUnitNames, by how each matched.")
                     .Register(registry);
  DirectoryMetrics metrics;
  for (int k = 0; k <= pb::MatchKind_MAX; ++k) {
    if (!pb::MatchKind_IsValid(k)) {  // A gap in the enum's numbers.
      metrics.resolutions_.push_back(nullptr);
      continue;
    }
    const std::string label =
        absl::AsciiStrToLower(pb::MatchKind_Name(static_cast<pb::MatchKind>(k)).substr(std::string("MATCH_KIND_").size()));
    metrics.resolutions_.push_back(&family.Add({{"match_kind", label}}));
  }
  return metrics;
}

void DirectoryMetrics::CountResolution(pb::MatchKind kind) {
  const size_t k = static_cast<size_t>(kind);
  if (k < resolutions_.size() && resolutions_[k] != nullptr) resolutions_[k]->Increment();
}

}  // namespace p06::directory
