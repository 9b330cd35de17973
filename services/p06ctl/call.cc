#include "services/p06ctl/call.h"

#include <iostream>

#include "common/grpc/client.h"

namespace p06::ctl {

void Prepare(grpc::ClientContext& ctx, const CallOptions& options, const std::string& request_id) {
  PrepareClientContext(ctx, options.timeout, request_id);
  AttachPrincipal(ctx, options.caller);
}

int Fail(const grpc::Status& status) {
  std::cerr << "error: " << status.error_code() << " " << status.error_message() << "\n";
  return 1;
}

}  // namespace p06::ctl
