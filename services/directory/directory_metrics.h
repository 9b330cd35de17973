// The directory's own metrics, declared in one place: every family it adds to the
// service's registry beside the common ones (grpc_server_*, p06_db_pool_*,
// p06_build_info). tests/golden/directory_metrics.txt lists the names a scrape shows.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <vector>

#include "p06/directory/v1/directory.pb.h"

namespace p06::directory {

namespace pb = ::p06::directory::v1;

class DirectoryMetrics {
 public:
  static DirectoryMetrics Register(prometheus::Registry& registry);

  // directory_resolutions_total{match_kind}: names resolved, by how they matched
  // (a rising UNRESOLVED or FUZZY share says aliases are missing).
  void CountResolution(pb::MatchKind kind);

 private:
  std::vector<prometheus::Counter*> resolutions_;  // By MatchKind number.
};

}  // namespace p06::directory
