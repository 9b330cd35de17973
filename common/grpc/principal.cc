#include "common/grpc/principal.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/base/status_macros.h"
#include "common/grpc/internal_proof.h"
#include "common/grpc/resource_name.h"
#include "common/log/log.h"

namespace p06 {
namespace {

constexpr size_t kMaxHeaderBytes = 256;

std::string Header(const grpc::ServerContextBase& ctx, const char* name) {
  auto it = ctx.client_metadata().find(name);
  return it == ctx.client_metadata().end() ? "" : std::string(it->second.data(), it->second.size());
}

// A principal header sent twice: which one would a proxy in front have checked?
bool Repeated(const grpc::ServerContextBase& ctx) {
  for (const char* name : {kSubjectHeader, kUnitHeader, kRolesHeader, kProofHeader}) {
    if (ctx.client_metadata().count(name) > 1) return true;
  }
  return false;
}

bool Grants(const Principal& p, Access access) {
  switch (access) {
    case Access::kRead:
      return !p.roles.empty();
    case Access::kUnitWrite:
      return p.IsOffice() || (p.HasRole(kRoleUnitReporter) && !p.unit.empty());
    case Access::kOffice:
      return p.IsOffice();
  }
  return false;
}

const char* Needed(Access access) {
  switch (access) {
    case Access::kRead:
      return "any role";
    case Access::kUnitWrite:
      return "role office, or unit_reporter with x-p06-unit";
    case Access::kOffice:
      return "role office";
  }
  return "?";
}

}  // namespace

bool IsKnownRole(absl::string_view role) {
  for (const char* known : {kRoleOffice, kRoleUnitReporter, kRoleViewer, kRoleAuditor, kRoleSystem}) {
    if (role == known) return true;
  }
  return false;
}

grpc::Status ProofRefusalAsUnavailable(grpc::Status backend, absl::string_view callee) {
  const grpc::StatusCode code = backend.error_code();
  if (code != grpc::StatusCode::UNAUTHENTICATED && code != grpc::StatusCode::RESOURCE_EXHAUSTED) return backend;
  const std::string& message = backend.error_message();
  if (!absl::StartsWith(message, absl::StrCat(kProofHeader, ":")) && !absl::StartsWith(message, kNoInternalKeys)) {
    return backend;
  }
  log::Error("a service refused the suite's proof of the caller: are its internal keys the ones believed there?",
             {{"callee", std::string(callee)}, {"code", std::to_string(static_cast<int>(code))}, {"error", message}});
  return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      "the service did not accept the gateway's word for who you are (its keys are being looked at); "
                      "retry later");
}

bool Principal::HasRole(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

absl::StatusOr<Principal> PrincipalOf(const grpc::ServerContextBase& ctx) {
  if (Repeated(ctx)) return absl::UnauthenticatedError("x-p06-subject, x-p06-unit, x-p06-roles and x-p06-proof may come once each");
  Principal p;
  p.subject = Header(ctx, kSubjectHeader);
  if (p.subject.empty())
    return absl::UnauthenticatedError("no caller identity (x-p06-subject); call through the gateway");
  if (p.subject.size() > kMaxHeaderBytes) return absl::UnauthenticatedError("x-p06-subject: longer than 256 bytes");
  p.unit = Header(ctx, kUnitHeader);
  const std::string roles = Header(ctx, kRolesHeader);
  const std::string peer = ctx.peer();
  RETURN_IF_ERROR(VerifyPrincipal(Header(ctx, kProofHeader), p.subject, p.unit, roles, absl::Now(), peer));
  if (!p.unit.empty() && !ParseResourceId(p.unit, "units/*", kUnitHeader).ok()) {
    return absl::PermissionDeniedError("x-p06-unit: must be units/{unit_id}");
  }
  for (absl::string_view role : absl::StrSplit(roles, ',', absl::SkipEmpty())) {
    if (!IsKnownRole(role)) {
      return absl::PermissionDeniedError(absl::StrCat("x-p06-roles: unknown role \"", role.substr(0, 64), "\""));
    }
    p.roles.emplace_back(role);
  }
  if (p.IsOffice() && p.unit != kMinistryOfficeUnit) {
    return absl::PermissionDeniedError(absl::StrCat("role office is held only for ", kMinistryOfficeUnit, "; you act for ",
                                                    p.unit.empty() ? "no unit" : p.unit));
  }
  return p;
}

absl::StatusOr<Principal> Authorize(const grpc::ServerContextBase& ctx, Access access) {
  absl::StatusOr<Principal> p = PrincipalOf(ctx);
  if (!p.ok() || Grants(*p, access)) return p;
  return absl::PermissionDeniedError(absl::StrCat("this call needs ", Needed(access), "; you have ",
                                                  p->roles.empty() ? "none" : absl::StrJoin(p->roles, ",")));
}

void AttachPrincipal(grpc::ClientContext& ctx, const Principal& principal) {
  ctx.AddMetadata(kSubjectHeader, principal.subject);
  if (!principal.unit.empty()) ctx.AddMetadata(kUnitHeader, principal.unit);
  const std::string roles = absl::StrJoin(principal.roles, ",");
  if (!roles.empty()) ctx.AddMetadata(kRolesHeader, roles);
}

Principal ServicePrincipal(const std::string& service) {
  return Principal{.subject = absl::StrCat("service:", service), .roles = {kRoleSystem}};
}

}  // namespace p06
