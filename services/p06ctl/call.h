// What every p06ctl call shares: who calls, its deadline, and how a failure is told.
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <string>

#include "absl/time/time.h"
#include "common/grpc/principal.h"

namespace p06::ctl {

struct CallOptions {
  Principal caller;  // As the gateway would pass it.
  absl::Duration timeout = absl::Seconds(5);
};

// Deadline, request id and the caller's identity of one call.
void Prepare(grpc::ClientContext& ctx, const CallOptions& options, const std::string& request_id = "");

// Prints the status on stderr; returns the exit status 1.
int Fail(const grpc::Status& status);

}  // namespace p06::ctl
