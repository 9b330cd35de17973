// The one place where absl::Status (used everywhere inside) meets grpc::Status (the wire).
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/base/invalid_field.h"  // InvalidField, for the adapters that use both.

namespace p06 {

// Converts an internal status to the wire status: same canonical code, same message.
// Messages must already be safe for clients (no database text); see common/db/pg_errors.h.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Converts a status received from another service back to an internal status.
absl::Status FromGrpcStatus(const grpc::Status& status);


}  // namespace p06
