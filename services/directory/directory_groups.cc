// Groups of units, and contacts of units.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/grpc/field_mask.h"
#include "common/grpc/pagination.h"
#include "common/grpc/resource_name.h"
#include "common/grpc/status_mapping.h"
#include "services/directory/directory.h"
#include "services/directory/unit_validation.h"

namespace p06::directory {
namespace {

const std::set<std::string> kWritableGroupFields = {"display_name", "aliases", "members"};
const std::set<std::string> kWritableContactFields = {"full_name", "title", "email", "phone", "role"};

// "units/x/contacts/12" → ("x", 12).
absl::StatusOr<std::pair<std::string, int64_t>> ParseContactName(const std::string& name, absl::string_view field) {
  ASSIGN_OR_RETURN(std::vector<std::string> ids, ParseResourceName(name, "units/*/contacts/#", field));
  int64_t id = 0;
  (void)absl::SimpleAtoi(ids[1], &id);  // Checked by the pattern.
  return std::make_pair(ids[0], id);
}

// The Office keeps every unit's contacts; a unit_reporter only its own unit's.
absl::Status CheckMayEditContacts(const Principal& caller, const std::string& unit_id) {
  if (caller.IsOffice() || caller.unit == absl::StrCat("units/", unit_id)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat("you act for ", caller.unit.empty() ? "no unit" : caller.unit,
                                                  "; only the unit itself or the Ministry Office edits its contacts"));
}

}  // namespace

pb::Group Directory::WithMembers(pb::Group group) {
  if (group.kind() != pb::Group::KIND_EXPLICIT) {
    group.clear_members();
    for (const std::string& m : index_.Current()->MembersOf(group)) group.add_members(m);
  }
  return group;
}

absl::StatusOr<pb::Group> Directory::GetGroup(const pb::GetGroupRequest& request) {
  ASSIGN_OR_RETURN(std::string id, ParseResourceId(request.name(), "groups/*", "name"));
  ASSIGN_OR_RETURN(pb::Group group, store_.GetGroup(id));
  return WithMembers(std::move(group));
}

absl::StatusOr<pb::ListGroupsResponse> Directory::ListGroups(const pb::ListGroupsRequest& request) {
  ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(request.page_size(), request.page_token(), "groups"));
  ASSIGN_OR_RETURN(std::vector<pb::Group> groups, store_.ListGroups(page.after_key, page.size + 1));
  for (pb::Group& g : groups) g = WithMembers(std::move(g));
  pb::ListGroupsResponse response;
  response.set_next_page_token(TakePage(
      std::move(groups), page, response.mutable_groups(), [](const pb::Group& g) { return LastSegment(g.name()); },
      "groups"));
  return response;
}

absl::StatusOr<pb::Group> Directory::CreateGroup(const Principal& caller, pb::CreateGroupRequest request) {
  if (!IsValidResourceId(request.group_id())) return InvalidField("group_id", "required: 2..63 of a-z, 0-9 and -");
  RETURN_IF_ERROR(NormalizeAndValidateGroup(*request.mutable_group(), "group"));
  request.mutable_group()->clear_name();
  request.mutable_group()->clear_etag();
  ASSIGN_OR_RETURN(pb::Group group, Refreshed(store_.CreateGroup(caller.subject, request, NameKey())));
  return WithMembers(std::move(group));
}

absl::StatusOr<pb::Group> Directory::UpdateGroup(const Principal& caller, const pb::UpdateGroupRequest& request) {
  ASSIGN_OR_RETURN(std::string id, ParseResourceId(request.group().name(), "groups/*", "group.name"));
  RETURN_IF_ERROR(ValidateUpdateMask(request.update_mask(), kWritableGroupFields));
  ASSIGN_OR_RETURN(pb::Group updated, store_.GetGroup(id));
  ApplyUpdateMask(request.group(), request.update_mask(), &updated);
  RETURN_IF_ERROR(NormalizeAndValidateGroup(updated, "group"));
  ASSIGN_OR_RETURN(pb::Group group, Refreshed(store_.UpdateGroup(caller.subject, request, updated, NameKey())));
  return WithMembers(std::move(group));
}

absl::StatusOr<pb::ListContactsResponse> Directory::ListContacts(const pb::ListContactsRequest& request) {
  ASSIGN_OR_RETURN(std::string unit_id, ParseResourceId(request.parent(), "units/*", "parent"));
  ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(request.page_size(), request.page_token(), request.parent()));
  int64_t after = 0;
  if (!page.after_key.empty() && !absl::SimpleAtoi(page.after_key, &after))
    return InvalidField("page_token", "malformed");
  ASSIGN_OR_RETURN(std::vector<pb::Contact> contacts, store_.ListContacts(unit_id, after, page.size + 1));
  pb::ListContactsResponse response;
  response.set_next_page_token(TakePage(
      std::move(contacts), page, response.mutable_contacts(),
      [](const pb::Contact& c) { return LastSegment(c.name()); }, request.parent()));
  return response;
}

absl::StatusOr<pb::Contact> Directory::CreateContact(const Principal& caller, pb::CreateContactRequest request) {
  ASSIGN_OR_RETURN(std::string unit_id, ParseResourceId(request.parent(), "units/*", "parent"));
  RETURN_IF_ERROR(CheckMayEditContacts(caller, unit_id));
  RETURN_IF_ERROR(NormalizeAndValidateContact(*request.mutable_contact(), "contact"));
  request.mutable_contact()->clear_name();
  request.mutable_contact()->clear_etag();
  return store_.CreateContact(caller.subject, request, unit_id);
}

absl::StatusOr<pb::Contact> Directory::UpdateContact(const Principal& caller, const pb::UpdateContactRequest& request) {
  ASSIGN_OR_RETURN(auto ids, ParseContactName(request.contact().name(), "contact.name"));
  RETURN_IF_ERROR(CheckMayEditContacts(caller, ids.first));
  RETURN_IF_ERROR(ValidateUpdateMask(request.update_mask(), kWritableContactFields));
  ASSIGN_OR_RETURN(pb::Contact updated, store_.GetContact(ids.first, ids.second));
  ApplyUpdateMask(request.contact(), request.update_mask(), &updated);
  RETURN_IF_ERROR(NormalizeAndValidateContact(updated, "contact"));
  return store_.UpdateContact(caller.subject, request, ids.first, ids.second, updated);
}

absl::StatusOr<pb::DeleteContactResponse> Directory::DeleteContact(const Principal& caller, const pb::DeleteContactRequest& request) {
  ASSIGN_OR_RETURN(auto ids, ParseContactName(request.name(), "name"));
  RETURN_IF_ERROR(CheckMayEditContacts(caller, ids.first));
  RETURN_IF_ERROR(store_.DeleteContact(caller.subject, request, ids.first, ids.second));
  return pb::DeleteContactResponse();
}

}  // namespace p06::directory
