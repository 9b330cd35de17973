// Who calls one of the gateway's own RPCs (GatewayService, DashboardService).
//
// Over the plain port, a process of the suite with its proof, as at every service
// (REST forwards here so). Over mutual TLS, another ministry system: gRPC gives these
// registered services their calls before the generic proxy could, so they ask the
// proxy's admission themselves (GrpcProxy::AdmitOwnCall): the certificate's
// principal, after the same checks, with refusals audited.
//
//   return ServeOwn(callers_, *ctx, kMethod, Access::kRead, response, [&](const Principal& caller) {...});
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/grpc/principal.h"
#include "common/grpc/serve.h"

namespace p06::gateway {

class GrpcProxy;

class OwnCallers {
 public:
  // Once the mutual-TLS port is set up, before the server starts. Without it, every
  // caller must bring a proof.
  void set_proxy(GrpcProxy* proxy) { proxy_ = proxy; }

  // `method`: "/p06.dashboard.v1.DashboardService/GetPlanOverview".
  absl::StatusOr<Principal> Authorize(grpc::ServerContextBase& ctx, const std::string& method, Access access) const;
  // The handler refused a caller Authorize let in: audited when it came over mutual
  // TLS (a refusal over REST is audited at the REST door).
  void AuditRefusal(const grpc::ServerContextBase& ctx, const std::string& method, absl::StatusCode code) const;

 private:
  GrpcProxy* proxy_ = nullptr;
};

// ServeAs (common/grpc/serve.h), with the caller found by `callers`.
template <typename T, typename Handler>
grpc::Status ServeOwn(const OwnCallers& callers, grpc::ServerContextBase& ctx, const std::string& method,
                      Access access, T* response, Handler&& handler) {
  absl::StatusOr<Principal> caller = callers.Authorize(ctx, method, access);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<T> result = handler(*caller);
  if (!result.ok() && (result.status().code() == absl::StatusCode::kPermissionDenied ||
                       result.status().code() == absl::StatusCode::kUnauthenticated)) {
    callers.AuditRefusal(ctx, method, result.status().code());
  }
  return Serve<T>(std::move(result), response);
}

}  // namespace p06::gateway
