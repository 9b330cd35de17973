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
#include "p06/task/v1/task.pb.h"

namespace p06::task {

namespace pb = ::p06::task::v1;

// The days names are resolved on: as they stood on `as_of`, the units meant then
// followed through renames and merges to `follow_to`.
struct ResolutionDays {
  absl::CivilDay as_of;
  absl::CivilDay follow_to;
};

// A plan's names are read as the units stood when it was decided, and tracked under
// the units that carry the work on today: a 2025 plan's "Sở Tư pháp các tỉnh" is the
// 63 departments of 2025, followed to the 34 of today, and a unit formed after the
// decision is in none of its groups unless it took over a member. A decision dated
// before Đề án 06 or after today (a typo) is read as of the nearer of those days.
ResolutionDays PlanResolutionDays(const pb::Plan& plan, absl::CivilDay today);

class UnitResolver {
 public:
  virtual ~UnitResolver() = default;
  // One resolution per name, in order, on `days`, asked while serving `call` (its
  // request id and deadline carry over). UNAVAILABLE when the directory cannot be
  // asked in time.
  virtual absl::StatusOr<std::vector<directory::v1::Resolution>> Resolve(const std::vector<std::string>& names,
                                                                         const ResolutionDays& days,
                                                                         const IncomingCall& call) = 0;
};

// Calls the directory service over gRPC as the task service (ServicePrincipal), in
// batches of 1,000, each with a deadline: `timeout`, or sooner the incoming call's.
class GrpcUnitResolver final : public UnitResolver {
 public:
  explicit GrpcUnitResolver(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout = absl::Seconds(10));
  absl::StatusOr<std::vector<directory::v1::Resolution>> Resolve(const std::vector<std::string>& names,
                                                                 const ResolutionDays& days,
                                                                 const IncomingCall& call) override;

 private:
  std::unique_ptr<directory::v1::DirectoryService::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace p06::task
