#include "services/directory/groups.h"

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/grpc/field_mask.h"
#include "common/grpc/pagination.h"
#include "common/grpc/resource_name.h"
#include "common/grpc/status_mapping.h"
#include "services/directory/unit_dates.h"
#include "services/directory/unit_validation.h"

namespace p06::directory {
namespace {

const std::set<std::string> kWritableGroupFields = {"display_name", "aliases", "members"};

}  // namespace

pb::Group Groups::WithMembers(pb::Group group, std::optional<absl::CivilDay> on) {
  const absl::CivilDay today = on.value_or(TodayInVietnam(clock_));
  group.clear_members();
  if (group.kind() != pb::Group::KIND_EXPLICIT) {
    for (const std::string& m : index_.Current()->MembersOf(group, today)) group.add_members(m);
  } else {
    // The units whose membership holds today, as stored (not followed to successors:
    // these are what UpdateGroup writes back); `memberships` has every one.
    for (const pb::GroupMembership& m : group.memberships()) {
      if (MembershipHolds(m, today)) group.add_members(m.unit());
    }
  }
  group.set_etag(GroupEtagOn(group, today));
  return group;
}

absl::StatusOr<pb::Group> Groups::GetGroup(const pb::GetGroupRequest& request) {
  ASSIGN_OR_RETURN(std::string id, ParseResourceId(request.name(), "groups/*", "name"));
  ASSIGN_OR_RETURN(pb::Group group, store_.GetGroup(id));
  return WithMembers(std::move(group));
}

absl::StatusOr<pb::ListGroupsResponse> Groups::ListGroups(const pb::ListGroupsRequest& request) {
  const std::string filters = QueryFingerprint(request);
  ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(request.page_size(), request.page_token(), filters));
  ASSIGN_OR_RETURN(std::vector<pb::Group> groups, store_.ListGroups(page.after_key, page.size + 1));
  for (pb::Group& g : groups) g = WithMembers(std::move(g));
  pb::ListGroupsResponse response;
  response.set_next_page_token(TakePage(
      std::move(groups), page, response.mutable_groups(), [](const pb::Group& g) { return LastSegment(g.name()); },
      filters));
  return response;
}

absl::StatusOr<pb::Group> Groups::CreateGroup(const Principal& caller, pb::CreateGroupRequest request) {
  if (!IsValidResourceId(request.group_id())) return InvalidField("group_id", "required: 2..63 of a-z, 0-9 and -");
  RETURN_IF_ERROR(NormalizeAndValidateGroup(*request.mutable_group(), "group"));
  request.mutable_group()->clear_name();
  request.mutable_group()->clear_etag();
  ASSIGN_OR_RETURN(pb::Group group, index_.AfterWrite(store_.CreateGroup(caller.subject, request)));
  return WithMembers(std::move(group));
}

absl::StatusOr<pb::Group> Groups::UpdateGroup(const Principal& caller, const pb::UpdateGroupRequest& request) {
  ASSIGN_OR_RETURN(std::string id, ParseResourceId(request.group().name(), "groups/*", "group.name"));
  RETURN_IF_ERROR(ValidateUpdateMask(request.update_mask(), kWritableGroupFields));
  const absl::CivilDay today = TodayInVietnam(clock_);  // One day for the whole request.
  ASSIGN_OR_RETURN(pb::Group updated, store_.GetGroup(id));
  // An explicit group's members as read: today's. A computed group has none to write.
  if (updated.kind() == pb::Group::KIND_EXPLICIT) updated = WithMembers(std::move(updated), today);
  ApplyUpdateMask(request.group(), request.update_mask(), &updated);
  RETURN_IF_ERROR(NormalizeAndValidateGroup(updated, "group"));
  const bool members = std::find(request.update_mask().paths().begin(), request.update_mask().paths().end(),
                                 "members") != request.update_mask().paths().end();
  ASSIGN_OR_RETURN(pb::Group group,
                   index_.AfterWrite(store_.UpdateGroup(caller.subject, request, updated, today, members)));
  return WithMembers(std::move(group), today);
}

}  // namespace p06::directory
