#include "services/gateway/auth/own_callers.h"

#include "absl/strings/str_cat.h"
#include "services/gateway/proxy/grpc_proxy.h"

namespace p06::gateway {

absl::StatusOr<Principal> OwnCallers::Authorize(grpc::ServerContextBase& ctx, const std::string& method,
                                                Access access) const {
  if (proxy_ == nullptr || !GrpcProxy::HasClientCertificate(ctx)) return p06::Authorize(ctx, access);
  // The proxy's admission applies the route's role rules: those of a read, which every
  // RPC of these services is. One that was not would need its own rule here.
  if (access != Access::kRead) {
    return absl::PermissionDeniedError(absl::StrCat(method, ": not offered over mutual TLS"));
  }
  return proxy_->AdmitOwnCall(ctx, method);
}

void OwnCallers::AuditRefusal(const grpc::ServerContextBase& ctx, const std::string& method,
                              absl::StatusCode code) const {
  if (proxy_ == nullptr || !GrpcProxy::HasClientCertificate(ctx)) return;
  proxy_->AuditOwnRefusal(ctx, method, static_cast<grpc::StatusCode>(code));
}

}  // namespace p06::gateway
