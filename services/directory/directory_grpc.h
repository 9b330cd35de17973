// The gRPC adapter of the directory: converts Status at the edge, nothing else.
#pragma once

#include "p06/directory/v1/directory.grpc.pb.h"
#include "services/directory/directory.h"

namespace p06::directory {

class DirectoryGrpc final : public pb::DirectoryService::Service {
 public:
  explicit DirectoryGrpc(Directory& directory) : directory_(directory) {}

  grpc::Status GetUnit(grpc::ServerContext*, const pb::GetUnitRequest*, pb::Unit*) override;
  grpc::Status ListUnits(grpc::ServerContext*, const pb::ListUnitsRequest*, pb::ListUnitsResponse*) override;
  grpc::Status CreateUnit(grpc::ServerContext*, const pb::CreateUnitRequest*, pb::Unit*) override;

 private:
  Directory& directory_;
};

}  // namespace p06::directory
