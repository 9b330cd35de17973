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
#include "common/grpc/client.h"
#include "p06/directory/v1/directory.grpc.pb.h"

namespace p06::task {

class UnitResolver {
 public:
  virtual ~UnitResolver() = default;
  // One resolution per name, in order, asked while serving `call` (its request id and
  // deadline carry over). UNAVAILABLE when the directory cannot be asked in time.
  virtual absl::StatusOr<std::vector<directory::v1::Resolution>> Resolve(const std::vector<std::string>& names,
                                                                         const IncomingCall& call) = 0;
};

// Calls the directory service over gRPC as the task service (ServicePrincipal), in
// batches of 1,000, each with a deadline: `timeout`, or sooner the incoming call's.
class GrpcUnitResolver final : public UnitResolver {
 public:
  explicit GrpcUnitResolver(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout = absl::Seconds(10));
  absl::StatusOr<std::vector<directory::v1::Resolution>> Resolve(const std::vector<std::string>& names,
                                                                 const IncomingCall& call) override;

 private:
  std::unique_ptr<directory::v1::DirectoryService::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace p06::task
