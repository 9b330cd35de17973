// Request ids: every call carries `x-request-id` in its metadata. The server
// interceptor (common/grpc/server_interceptor.h) assigns one when the caller sent none
// and echoes it in the response headers; clients pass it on to downstream calls
// (common/grpc/client.h), so one id follows a request across service hops.
#pragma once

#include <grpcpp/server_context.h>

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "common/base/request_id_syntax.h"  // IsValidRequestId.

namespace p06 {

inline constexpr char kRequestIdHeader[] = "x-request-id";

// A fresh random id: 32 lower-case hex digits.
std::string NewRequestId();


// The request id of the call served in `ctx` (never empty when the interceptor runs).
std::string RequestIdOf(const grpc::ServerContextBase& ctx);

}  // namespace p06
