// Contacts of units (focal points, heads): the logic of their RPCs. The Ministry
// Office keeps every unit's contacts; a unit_reporter only its own unit's.
// Thread-safe when the store is; codes as documented in
// proto/p06/directory/v1/directory.proto.
#pragma once

#include "absl/status/statusor.h"
#include "common/grpc/principal.h"
#include "services/directory/storage/directory_store.h"

namespace p06::directory {

class Contacts {
 public:
  explicit Contacts(DirectoryStore& store) : store_(store) {}

  absl::StatusOr<pb::ListContactsResponse> ListContacts(const pb::ListContactsRequest& request);
  absl::StatusOr<pb::Contact> CreateContact(const Principal& caller, pb::CreateContactRequest request);
  absl::StatusOr<pb::Contact> UpdateContact(const Principal& caller, const pb::UpdateContactRequest& request);
  absl::StatusOr<pb::DeleteContactResponse> DeleteContact(const Principal& caller,
                                                          const pb::DeleteContactRequest& request);

 private:
  DirectoryStore& store_;
};

}  // namespace p06::directory
