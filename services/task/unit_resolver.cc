#include "services/task/unit_resolver.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/base/de_an_06.h"
#include "common/grpc/client.h"
#include "common/grpc/principal.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/status_mapping.h"

namespace p06::task {

GrpcUnitResolver::GrpcUnitResolver(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
    : stub_(directory::v1::DirectoryService::NewStub(std::move(channel))), timeout_(timeout) {}

ResolutionDays PlanResolutionDays(const pb::Plan& plan, absl::CivilDay today) {
  absl::CivilDay decided = today;
  if (!IsUnset(plan.decision_date())) {
    if (absl::StatusOr<absl::CivilDay> d = FromProtoDate(plan.decision_date(), "decision_date"); d.ok()) decided = *d;
  }
  return {std::clamp(decided, std::min(kDeAn06Approved, today), today), today};
}

absl::StatusOr<std::vector<directory::v1::Resolution>> GrpcUnitResolver::Resolve(const std::vector<std::string>& names,
                                                                                 const ResolutionDays& days,
                                                                                 const IncomingCall& call) {
  std::vector<directory::v1::Resolution> out;
  out.reserve(names.size());
  for (size_t i = 0; i < names.size(); i += 1000) {
    directory::v1::ResolveUnitNamesRequest request;
    for (size_t j = i; j < names.size() && j < i + 1000; ++j) request.add_names(names[j]);
    *request.mutable_as_of() = ToProtoDate(days.as_of);
    *request.mutable_follow_to() = ToProtoDate(days.follow_to);
    directory::v1::ResolveUnitNamesResponse response;
    grpc::ClientContext ctx;
    PrepareClientContext(ctx, timeout_, call);
    AttachPrincipal(ctx, ServicePrincipal("task"));
    grpc::Status status = stub_->ResolveUnitNames(&ctx, request, &response);
    if (!status.ok()) {
      // Whatever the directory said, for our caller the dependency is unavailable.
      return absl::UnavailableError(absl::StrCat("directory: ResolveUnitNames failed: ", status.error_message()));
    }
    if (response.resolutions_size() != request.names_size()) {
      return absl::UnavailableError(absl::StrCat("directory: ResolveUnitNames answered ", response.resolutions_size(),
                                                 " names of ", request.names_size()));
    }
    // A directory from before follow_to reads the names on as_of alone and says
    // nothing of the day it followed to (a rolling deploy): not an answer to take.
    if (days.follow_to != days.as_of &&
        (IsUnset(response.follow_to()) || FromProtoDate(response.follow_to(), "follow_to").value_or(days.as_of) !=
                                              days.follow_to)) {
      return absl::UnavailableError(
          "directory: ResolveUnitNames did not follow the units to a later day (a directory older than follow_to); "
          "retry once it is upgraded");
    }
    for (auto& r : *response.mutable_resolutions()) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace p06::task
