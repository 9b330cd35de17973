#include "common/grpc/principal.h"

#include <algorithm>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace p06 {
namespace {

std::string Header(const grpc::ServerContextBase& ctx, const char* name) {
  auto it = ctx.client_metadata().find(name);
  return it == ctx.client_metadata().end() ? "" : std::string(it->second.data(), it->second.size());
}

}  // namespace

bool Principal::HasRole(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

absl::StatusOr<Principal> PrincipalOf(const grpc::ServerContextBase& ctx) {
  Principal p;
  p.subject = Header(ctx, kSubjectHeader);
  if (p.subject.empty())
    return absl::UnauthenticatedError("no caller identity (x-p06-subject); call through the gateway");
  p.unit = Header(ctx, kUnitHeader);
  for (absl::string_view role : absl::StrSplit(Header(ctx, kRolesHeader), ',', absl::SkipEmpty())) {
    p.roles.emplace_back(role);
  }
  return p;
}

void AttachPrincipal(grpc::ClientContext& ctx, const Principal& principal) {
  ctx.AddMetadata(kSubjectHeader, principal.subject);
  if (!principal.unit.empty()) ctx.AddMetadata(kUnitHeader, principal.unit);
  if (!principal.roles.empty()) ctx.AddMetadata(kRolesHeader, absl::StrJoin(principal.roles, ","));
}

}  // namespace p06
