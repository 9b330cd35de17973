// The last line of every unary handler: moves an OK result into the response, or
// converts the error once, at the edge.
//
//   return Serve(logic_.GetUnit(*request), response);
#pragma once

#include "absl/status/statusor.h"
#include "common/grpc/status_mapping.h"

namespace p06 {

template <typename T>
grpc::Status Serve(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace p06
