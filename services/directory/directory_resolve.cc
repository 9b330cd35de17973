// Name resolution: answered from this replica's in-memory index.
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/status_mapping.h"
#include "services/directory/directory.h"

namespace p06::directory {

absl::StatusOr<pb::ResolveUnitNamesResponse> Directory::ResolveUnitNames(const pb::ResolveUnitNamesRequest& request) {
  if (request.names_size() > kMaxResolveNames) {
    return InvalidField("names", absl::StrCat("at most ", kMaxResolveNames, " per call; split the batch"));
  }
  absl::CivilDay as_of = TodayInVietnam(clock_);
  if (!IsUnset(request.as_of())) {
    ASSIGN_OR_RETURN(as_of, FromProtoDate(request.as_of(), "as_of"));
  }
  std::shared_ptr<const NameIndex> index = index_.Current();
  pb::ResolveUnitNamesResponse response;
  response.mutable_resolutions()->Reserve(request.names_size());
  for (const std::string& name : request.names()) *response.add_resolutions() = index->Resolve(name, as_of);
  return response;
}

}  // namespace p06::directory
