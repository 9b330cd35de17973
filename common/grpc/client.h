// Outgoing calls to other services are set up here and nowhere else.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <string>

#include "absl/time/time.h"

namespace p06 {

// A channel to `target` ("host:port") with keepalive and a retry policy in the service
// config: up to 3 attempts on UNAVAILABLE only, with backoff. Mutations are safe to
// retry because they carry a request_id; no other code is retried.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target);

// Prepares `ctx` for a downstream call made while serving `request_id`: sets the
// deadline (every outgoing call has one) and passes the request id on.
void PrepareClientContext(grpc::ClientContext& ctx, absl::Duration timeout, const std::string& request_id);

}  // namespace p06
