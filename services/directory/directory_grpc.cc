#include "services/directory/directory_grpc.h"

#include "common/grpc/serve.h"

namespace p06::directory {

grpc::Status DirectoryGrpc::GetUnit(grpc::ServerContext*, const pb::GetUnitRequest* req, pb::Unit* resp) {
  return Serve(directory_.GetUnit(*req), resp);
}

grpc::Status DirectoryGrpc::ListUnits(grpc::ServerContext*, const pb::ListUnitsRequest* req,
                                      pb::ListUnitsResponse* resp) {
  return Serve(directory_.ListUnits(*req), resp);
}

grpc::Status DirectoryGrpc::CreateUnit(grpc::ServerContext*, const pb::CreateUnitRequest* req, pb::Unit* resp) {
  return Serve(directory_.CreateUnit(*req), resp);
}

}  // namespace p06::directory
