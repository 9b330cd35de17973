// The last line of every unary handler: checks who calls, hands the request to the
// logic, moves an OK result into the response, or converts the error once, at the edge.
//
//   return ServeAs(*ctx, Access::kRead, response, [&](const Principal&) { return logic_.GetUnit(*request); });
#pragma once

#include "absl/status/statusor.h"
#include "common/grpc/principal.h"
#include "common/grpc/status_mapping.h"

namespace p06 {

template <typename T>
grpc::Status Serve(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

// Authorize(ctx, access) (UNAUTHENTICATED / PERMISSION_DENIED before anything else),
// then Serve(handler(caller), response).
template <typename T, typename Handler>
grpc::Status ServeAs(const grpc::ServerContextBase& ctx, Access access, T* response, Handler&& handler) {
  absl::StatusOr<Principal> caller = Authorize(ctx, access);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Serve<T>(handler(*caller), response);
}

}  // namespace p06
