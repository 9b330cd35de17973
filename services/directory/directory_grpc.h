// The gRPC adapter of the directory: each handler hands the request to the logic and
// converts its Status at the edge (common/grpc/serve.h), nothing else.
#pragma once

#include "p06/directory/v1/directory.grpc.pb.h"
#include "services/directory/contacts.h"
#include "services/directory/directory.h"
#include "services/directory/groups.h"

namespace p06::directory {

class DirectoryGrpc final : public pb::DirectoryService::Service {
 public:
  DirectoryGrpc(Directory& directory, Groups& groups, Contacts& contacts)
      : directory_(directory), groups_(groups), contacts_(contacts) {}

  grpc::Status GetUnit(grpc::ServerContext*, const pb::GetUnitRequest*, pb::Unit*) override;
  grpc::Status ListUnits(grpc::ServerContext*, const pb::ListUnitsRequest*, pb::ListUnitsResponse*) override;
  grpc::Status CreateUnit(grpc::ServerContext*, const pb::CreateUnitRequest*, pb::Unit*) override;
  grpc::Status UpdateUnit(grpc::ServerContext*, const pb::UpdateUnitRequest*, pb::Unit*) override;
  grpc::Status RenameUnit(grpc::ServerContext*, const pb::RenameUnitRequest*, pb::Unit*) override;
  grpc::Status MergeUnits(grpc::ServerContext*, const pb::MergeUnitsRequest*, pb::MergeUnitsResponse*) override;
  grpc::Status ImportReferenceData(grpc::ServerContext*, const pb::ImportReferenceDataRequest*,
                                   pb::ImportReferenceDataResponse*) override;
  grpc::Status DissolveUnit(grpc::ServerContext*, const pb::DissolveUnitRequest*, pb::Unit*) override;
  grpc::Status GetGroup(grpc::ServerContext*, const pb::GetGroupRequest*, pb::Group*) override;
  grpc::Status ListGroups(grpc::ServerContext*, const pb::ListGroupsRequest*, pb::ListGroupsResponse*) override;
  grpc::Status CreateGroup(grpc::ServerContext*, const pb::CreateGroupRequest*, pb::Group*) override;
  grpc::Status UpdateGroup(grpc::ServerContext*, const pb::UpdateGroupRequest*, pb::Group*) override;
  grpc::Status ListContacts(grpc::ServerContext*, const pb::ListContactsRequest*, pb::ListContactsResponse*) override;
  grpc::Status CreateContact(grpc::ServerContext*, const pb::CreateContactRequest*, pb::Contact*) override;
  grpc::Status UpdateContact(grpc::ServerContext*, const pb::UpdateContactRequest*, pb::Contact*) override;
  grpc::Status DeleteContact(grpc::ServerContext*, const pb::DeleteContactRequest*,
                             pb::DeleteContactResponse*) override;
  grpc::Status ResolveUnitNames(grpc::ServerContext*, const pb::ResolveUnitNamesRequest*,
                                pb::ResolveUnitNamesResponse*) override;

 private:
  Directory& directory_;
  Groups& groups_;
  Contacts& contacts_;
};

}  // namespace p06::directory
