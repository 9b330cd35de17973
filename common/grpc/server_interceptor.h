// The one server interceptor every service installs. Per call it
//  - counts grpc_server_started_total and grpc_server_handled_total{grpc_code} and
//    observes grpc_server_handling_seconds (labels grpc_type, grpc_service, grpc_method,
//    the names the Prometheus gRPC ecosystem uses);
//  - makes sure the call has a valid x-request-id (keeps the caller's, else assigns
//    one) and echoes it in the response headers;
//  - writes an access log line (debug level; warning for server-side failures);
//  - keeps the count of calls in flight, which a draining server waits for.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <atomic>
#include <cstdint>
#include <memory>

namespace prometheus {
class Registry;
}

namespace p06 {

// Creates the factory; metric families are registered in `registry`, and calls in
// flight are counted in `in_flight`; both must outlive the server.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewServerInterceptorFactory(
    prometheus::Registry& registry, std::atomic<int64_t>& in_flight);

}  // namespace p06
