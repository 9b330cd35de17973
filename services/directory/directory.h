// The directory's logic, apart from the gRPC wiring so that tests build it without a
// server: validation, normalisation, pagination, and calls into the store. The
// implementation is split by aggregate: directory.cc (units), directory_groups.cc
// (groups and contacts), directory_resolve.cc (name resolution).
//
// Mutations take the verified caller: its subject scopes request ids, and a
// unit_reporter may change only its own unit's contacts (the adapter has checked the
// role). Thread-safe when the store is. Every error names the offending field; the codes
// are those documented on each RPC in proto/p06/directory/v1/directory.proto.
#pragma once

#include "absl/status/statusor.h"
#include "common/base/clock.h"
#include "common/grpc/principal.h"
#include "services/directory/resolution/index_refresher.h"
#include "services/directory/storage/directory_store.h"

namespace p06::directory {

inline constexpr int kMaxResolveNames = 1000;

class Directory {
 public:
  Directory(DirectoryStore& store, IndexRefresher& index, const Clock& clock)
      : store_(store), index_(index), clock_(clock) {}

  absl::StatusOr<pb::Unit> GetUnit(const pb::GetUnitRequest& request);
  absl::StatusOr<pb::ListUnitsResponse> ListUnits(const pb::ListUnitsRequest& request);
  absl::StatusOr<pb::Unit> CreateUnit(const Principal& caller, pb::CreateUnitRequest request);
  absl::StatusOr<pb::Unit> UpdateUnit(const Principal& caller, const pb::UpdateUnitRequest& request);
  absl::StatusOr<pb::Unit> RenameUnit(const Principal& caller, const pb::RenameUnitRequest& request);
  absl::StatusOr<pb::MergeUnitsResponse> MergeUnits(const Principal& caller, const pb::MergeUnitsRequest& request);
  absl::StatusOr<pb::Unit> DissolveUnit(const Principal& caller, const pb::DissolveUnitRequest& request);

  absl::StatusOr<pb::Group> GetGroup(const pb::GetGroupRequest& request);
  absl::StatusOr<pb::ListGroupsResponse> ListGroups(const pb::ListGroupsRequest& request);
  absl::StatusOr<pb::Group> CreateGroup(const Principal& caller, pb::CreateGroupRequest request);
  absl::StatusOr<pb::Group> UpdateGroup(const Principal& caller, const pb::UpdateGroupRequest& request);

  absl::StatusOr<pb::ListContactsResponse> ListContacts(const pb::ListContactsRequest& request);
  absl::StatusOr<pb::Contact> CreateContact(const Principal& caller, pb::CreateContactRequest request);
  absl::StatusOr<pb::Contact> UpdateContact(const Principal& caller, const pb::UpdateContactRequest& request);
  absl::StatusOr<pb::DeleteContactResponse> DeleteContact(const Principal& caller, const pb::DeleteContactRequest& request);

  absl::StatusOr<pb::ResolveUnitNamesResponse> ResolveUnitNames(const pb::ResolveUnitNamesRequest& request);

 private:
  // After a committed change: this replica reads its own writes at once.
  template <typename T>
  absl::StatusOr<T> Refreshed(absl::StatusOr<T> result) {
    if (result.ok()) RefreshIndex();
    return result;
  }
  void RefreshIndex();
  // How the store compares names: as the current index resolves them.
  NameKeyFn NameKey();
  // Fills the computed members of a group from the current index.
  pb::Group WithMembers(pb::Group group);

  DirectoryStore& store_;
  IndexRefresher& index_;
  const Clock& clock_;
};

}  // namespace p06::directory
