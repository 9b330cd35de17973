// The directory's logic, apart from the gRPC wiring so that tests build it without a
// server: validation, normalisation, pagination, and calls into the store.
#pragma once

#include "absl/status/statusor.h"
#include "common/base/clock.h"
#include "services/directory/storage/directory_store.h"

namespace p06::directory {

// Thread-safe when the store is.
class Directory {
 public:
  Directory(DirectoryStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  absl::StatusOr<pb::Unit> GetUnit(const pb::GetUnitRequest& request);
  absl::StatusOr<pb::ListUnitsResponse> ListUnits(const pb::ListUnitsRequest& request);
  absl::StatusOr<pb::Unit> CreateUnit(pb::CreateUnitRequest request);

 private:
  DirectoryStore& store_;
  const Clock& clock_;
};

}  // namespace p06::directory
