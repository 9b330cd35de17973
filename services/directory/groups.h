// Groups of units ("the provinces", "the ministry's units"): the logic of their RPCs.
// A group's members are listed (explicit groups) or computed from the current name
// index (every other kind). Thread-safe when the store is; codes as documented in
// proto/p06/directory/v1/directory.proto.
#pragma once

#include "absl/status/statusor.h"
#include "common/base/clock.h"
#include "common/grpc/principal.h"
#include "services/directory/resolution/index_refresher.h"
#include "services/directory/storage/directory_store.h"

namespace p06::directory {

class Groups {
 public:
  Groups(DirectoryStore& store, IndexRefresher& index, const Clock& clock)
      : store_(store), index_(index), clock_(clock) {}

  absl::StatusOr<pb::Group> GetGroup(const pb::GetGroupRequest& request);
  absl::StatusOr<pb::ListGroupsResponse> ListGroups(const pb::ListGroupsRequest& request);
  absl::StatusOr<pb::Group> CreateGroup(const Principal& caller, pb::CreateGroupRequest request);
  absl::StatusOr<pb::Group> UpdateGroup(const Principal& caller, const pb::UpdateGroupRequest& request);

 private:
  // Fills the computed members of a group from the current index.
  // `group` with its members on `on` (default today): computed, or for an explicit
  // group the units whose membership holds then.
  pb::Group WithMembers(pb::Group group, std::optional<absl::CivilDay> on = std::nullopt);

  DirectoryStore& store_;
  IndexRefresher& index_;
  const Clock& clock_;  // Today, for computed members (a unit that begins later is not one yet).
};

}  // namespace p06::directory
