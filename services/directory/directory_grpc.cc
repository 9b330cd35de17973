#include "services/directory/directory_grpc.h"

#include "common/grpc/serve.h"

namespace p06::directory {

grpc::Status DirectoryGrpc::GetUnit(grpc::ServerContext*, const pb::GetUnitRequest* request, pb::Unit* response) {
  return Serve(directory_.GetUnit(*request), response);
}

grpc::Status DirectoryGrpc::ListUnits(grpc::ServerContext*, const pb::ListUnitsRequest* request,
                                      pb::ListUnitsResponse* response) {
  return Serve(directory_.ListUnits(*request), response);
}

grpc::Status DirectoryGrpc::CreateUnit(grpc::ServerContext*, const pb::CreateUnitRequest* request, pb::Unit* response) {
  return Serve(directory_.CreateUnit(*request), response);
}

grpc::Status DirectoryGrpc::UpdateUnit(grpc::ServerContext*, const pb::UpdateUnitRequest* request, pb::Unit* response) {
  return Serve(directory_.UpdateUnit(*request), response);
}

grpc::Status DirectoryGrpc::RenameUnit(grpc::ServerContext*, const pb::RenameUnitRequest* request, pb::Unit* response) {
  return Serve(directory_.RenameUnit(*request), response);
}

grpc::Status DirectoryGrpc::MergeUnits(grpc::ServerContext*, const pb::MergeUnitsRequest* request,
                                       pb::MergeUnitsResponse* response) {
  return Serve(directory_.MergeUnits(*request), response);
}

grpc::Status DirectoryGrpc::DissolveUnit(grpc::ServerContext*, const pb::DissolveUnitRequest* request,
                                         pb::Unit* response) {
  return Serve(directory_.DissolveUnit(*request), response);
}

grpc::Status DirectoryGrpc::GetGroup(grpc::ServerContext*, const pb::GetGroupRequest* request, pb::Group* response) {
  return Serve(directory_.GetGroup(*request), response);
}

grpc::Status DirectoryGrpc::ListGroups(grpc::ServerContext*, const pb::ListGroupsRequest* request,
                                       pb::ListGroupsResponse* response) {
  return Serve(directory_.ListGroups(*request), response);
}

grpc::Status DirectoryGrpc::CreateGroup(grpc::ServerContext*, const pb::CreateGroupRequest* request,
                                        pb::Group* response) {
  return Serve(directory_.CreateGroup(*request), response);
}

grpc::Status DirectoryGrpc::UpdateGroup(grpc::ServerContext*, const pb::UpdateGroupRequest* request,
                                        pb::Group* response) {
  return Serve(directory_.UpdateGroup(*request), response);
}

grpc::Status DirectoryGrpc::ListContacts(grpc::ServerContext*, const pb::ListContactsRequest* request,
                                         pb::ListContactsResponse* response) {
  return Serve(directory_.ListContacts(*request), response);
}

grpc::Status DirectoryGrpc::CreateContact(grpc::ServerContext*, const pb::CreateContactRequest* request,
                                          pb::Contact* response) {
  return Serve(directory_.CreateContact(*request), response);
}

grpc::Status DirectoryGrpc::UpdateContact(grpc::ServerContext*, const pb::UpdateContactRequest* request,
                                          pb::Contact* response) {
  return Serve(directory_.UpdateContact(*request), response);
}

grpc::Status DirectoryGrpc::DeleteContact(grpc::ServerContext*, const pb::DeleteContactRequest* request,
                                          pb::DeleteContactResponse* response) {
  return Serve(directory_.DeleteContact(*request), response);
}

grpc::Status DirectoryGrpc::ResolveUnitNames(grpc::ServerContext*, const pb::ResolveUnitNamesRequest* request,
                                             pb::ResolveUnitNamesResponse* response) {
  return Serve(directory_.ResolveUnitNames(*request), response);
}

}  // namespace p06::directory
