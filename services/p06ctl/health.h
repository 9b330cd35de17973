// A grpc.health.v1 check without the generated health stubs (Debian ships the service
// implementation but not its client), by sending the request bytes on a generic stub.
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/time/time.h"

namespace p06::ctl {

// OK when the server (or `service`) reports SERVING; UNAVAILABLE with "NOT_SERVING"
// or the call's own error otherwise.
grpc::Status CheckHealth(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                         absl::Duration timeout);

}  // namespace p06::ctl
