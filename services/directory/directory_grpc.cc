#include "services/directory/directory_grpc.h"

#include "common/grpc/serve.h"

// The access each RPC needs is stated in proto/p06/directory/v1/directory.proto.

namespace p06::directory {

grpc::Status DirectoryGrpc::GetUnit(grpc::ServerContext* ctx, const pb::GetUnitRequest* request, pb::Unit* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return directory_.GetUnit(*request); });
}

grpc::Status DirectoryGrpc::ListUnits(grpc::ServerContext* ctx, const pb::ListUnitsRequest* request,
                                      pb::ListUnitsResponse* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return directory_.ListUnits(*request); });
}

grpc::Status DirectoryGrpc::CreateUnit(grpc::ServerContext* ctx, const pb::CreateUnitRequest* request, pb::Unit* response) {
  return ServeAs(*ctx, Access::kOffice, response,
                 [&](const Principal& caller) { return directory_.CreateUnit(caller, *request); });
}

grpc::Status DirectoryGrpc::UpdateUnit(grpc::ServerContext* ctx, const pb::UpdateUnitRequest* request, pb::Unit* response) {
  return ServeAs(*ctx, Access::kOffice, response,
                 [&](const Principal& caller) { return directory_.UpdateUnit(caller, *request); });
}

grpc::Status DirectoryGrpc::RenameUnit(grpc::ServerContext* ctx, const pb::RenameUnitRequest* request, pb::Unit* response) {
  return ServeAs(*ctx, Access::kOffice, response,
                 [&](const Principal& caller) { return directory_.RenameUnit(caller, *request); });
}

grpc::Status DirectoryGrpc::MergeUnits(grpc::ServerContext* ctx, const pb::MergeUnitsRequest* request,
                                       pb::MergeUnitsResponse* response) {
  return ServeAs(*ctx, Access::kOffice, response,
                 [&](const Principal& caller) { return directory_.MergeUnits(caller, *request); });
}

grpc::Status DirectoryGrpc::ImportReferenceData(grpc::ServerContext* ctx, const pb::ImportReferenceDataRequest* request,
                                                pb::ImportReferenceDataResponse* response) {
  return ServeAs(*ctx, Access::kOffice, response,
                 [&](const Principal& caller) { return directory_.ImportReferenceData(caller, *request); });
}

grpc::Status DirectoryGrpc::DissolveUnit(grpc::ServerContext* ctx, const pb::DissolveUnitRequest* request,
                                         pb::Unit* response) {
  return ServeAs(*ctx, Access::kOffice, response,
                 [&](const Principal& caller) { return directory_.DissolveUnit(caller, *request); });
}

grpc::Status DirectoryGrpc::GetGroup(grpc::ServerContext* ctx, const pb::GetGroupRequest* request, pb::Group* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return groups_.GetGroup(*request); });
}

grpc::Status DirectoryGrpc::ListGroups(grpc::ServerContext* ctx, const pb::ListGroupsRequest* request,
                                       pb::ListGroupsResponse* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return groups_.ListGroups(*request); });
}

grpc::Status DirectoryGrpc::CreateGroup(grpc::ServerContext* ctx, const pb::CreateGroupRequest* request,
                                        pb::Group* response) {
  return ServeAs(*ctx, Access::kOffice, response,
                 [&](const Principal& caller) { return groups_.CreateGroup(caller, *request); });
}

grpc::Status DirectoryGrpc::UpdateGroup(grpc::ServerContext* ctx, const pb::UpdateGroupRequest* request,
                                        pb::Group* response) {
  return ServeAs(*ctx, Access::kOffice, response,
                 [&](const Principal& caller) { return groups_.UpdateGroup(caller, *request); });
}

grpc::Status DirectoryGrpc::ListContacts(grpc::ServerContext* ctx, const pb::ListContactsRequest* request,
                                         pb::ListContactsResponse* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return contacts_.ListContacts(*request); });
}

grpc::Status DirectoryGrpc::CreateContact(grpc::ServerContext* ctx, const pb::CreateContactRequest* request,
                                          pb::Contact* response) {
  return ServeAs(*ctx, Access::kUnitWrite, response,
                 [&](const Principal& caller) { return contacts_.CreateContact(caller, *request); });
}

grpc::Status DirectoryGrpc::UpdateContact(grpc::ServerContext* ctx, const pb::UpdateContactRequest* request,
                                          pb::Contact* response) {
  return ServeAs(*ctx, Access::kUnitWrite, response,
                 [&](const Principal& caller) { return contacts_.UpdateContact(caller, *request); });
}

grpc::Status DirectoryGrpc::DeleteContact(grpc::ServerContext* ctx, const pb::DeleteContactRequest* request,
                                          pb::DeleteContactResponse* response) {
  return ServeAs(*ctx, Access::kUnitWrite, response,
                 [&](const Principal& caller) { return contacts_.DeleteContact(caller, *request); });
}

grpc::Status DirectoryGrpc::ResolveUnitNames(grpc::ServerContext* ctx, const pb::ResolveUnitNamesRequest* request,
                                             pb::ResolveUnitNamesResponse* response) {
  return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return directory_.ResolveUnitNames(*request); });
}

}  // namespace p06::directory
