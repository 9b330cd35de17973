#include "services/directory/contacts.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/grpc/field_mask.h"
#include "common/grpc/pagination.h"
#include "common/grpc/resource_name.h"
#include "common/grpc/status_mapping.h"
#include "services/directory/unit_validation.h"

namespace p06::directory {
namespace {

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

absl::StatusOr<pb::ListContactsResponse> Contacts::ListContacts(const pb::ListContactsRequest& request) {
  ASSIGN_OR_RETURN(std::string unit_id, ParseResourceId(request.parent(), "units/*", "parent"));
  const std::string filters = QueryFingerprint(request);
  ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(request.page_size(), request.page_token(), filters));
  int64_t after = 0;
  if (!page.after_key.empty() && !absl::SimpleAtoi(page.after_key, &after))
    return InvalidField("page_token", "malformed");
  ASSIGN_OR_RETURN(std::vector<pb::Contact> contacts, store_.ListContacts(unit_id, after, page.size + 1));
  pb::ListContactsResponse response;
  response.set_next_page_token(TakePage(
      std::move(contacts), page, response.mutable_contacts(),
      [](const pb::Contact& c) { return LastSegment(c.name()); }, filters));
  return response;
}

absl::StatusOr<pb::Contact> Contacts::CreateContact(const Principal& caller, pb::CreateContactRequest request) {
  ASSIGN_OR_RETURN(std::string unit_id, ParseResourceId(request.parent(), "units/*", "parent"));
  RETURN_IF_ERROR(CheckMayEditContacts(caller, unit_id));
  RETURN_IF_ERROR(NormalizeAndValidateContact(*request.mutable_contact(), "contact"));
  request.mutable_contact()->clear_name();
  request.mutable_contact()->clear_etag();
  return store_.CreateContact(caller.subject, request, unit_id);
}

absl::StatusOr<pb::Contact> Contacts::UpdateContact(const Principal& caller, const pb::UpdateContactRequest& request) {
  ASSIGN_OR_RETURN(auto ids, ParseContactName(request.contact().name(), "contact.name"));
  RETURN_IF_ERROR(CheckMayEditContacts(caller, ids.first));
  RETURN_IF_ERROR(ValidateUpdateMask(request.update_mask(), kWritableContactFields));
  ASSIGN_OR_RETURN(pb::Contact updated, store_.GetContact(ids.first, ids.second));
  ApplyUpdateMask(request.contact(), request.update_mask(), &updated);
  RETURN_IF_ERROR(NormalizeAndValidateContact(updated, "contact"));
  return store_.UpdateContact(caller.subject, request, ids.first, ids.second, updated);
}

absl::StatusOr<pb::DeleteContactResponse> Contacts::DeleteContact(const Principal& caller, const pb::DeleteContactRequest& request) {
  ASSIGN_OR_RETURN(auto ids, ParseContactName(request.name(), "name"));
  RETURN_IF_ERROR(CheckMayEditContacts(caller, ids.first));
  RETURN_IF_ERROR(store_.DeleteContact(caller.subject, request, ids.first, ids.second));
  return pb::DeleteContactResponse();
}

}  // namespace p06::directory
