// How the task service learns who a unit name means: the directory's
// ResolveUnitNames, behind an interface so that the importer's logic can be tested
// apart from the network.
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "p06/directory/v1/directory.grpc.pb.h"

namespace p06::task {

class UnitResolver {
 public:
  virtual ~UnitResolver() = default;
  // One resolution per name, in order. UNAVAILABLE when the directory cannot be asked.
  virtual absl::StatusOr<std::vector<directory::v1::Resolution>> Resolve(const std::vector<std::string>& names,
                                                                         const std::string& request_id) = 0;
};

// Calls the directory service over gRPC, in batches of 1,000, each with a deadline.
class GrpcUnitResolver final : public UnitResolver {
 public:
  explicit GrpcUnitResolver(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout = absl::Seconds(10));
  absl::StatusOr<std::vector<directory::v1::Resolution>> Resolve(const std::vector<std::string>& names,
                                                                 const std::string& request_id) override;

 private:
  std::unique_ptr<directory::v1::DirectoryService::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace p06::task
