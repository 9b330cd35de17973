// The one server interceptor every service installs. Per call it
//  - counts grpc_server_started_total and grpc_server_handled_total{grpc_code} and
//    observes grpc_server_handling_seconds (labels grpc_type, grpc_service, grpc_method,
//    the names the Prometheus gRPC ecosystem uses);
//  - makes sure the call has a valid x-request-id (keeps the caller's, else assigns
//    one) and echoes it in the response headers;
//  - writes an access log line (debug level; warning for server-side failures);
//  - keeps the count of calls in flight, which a draining server waits for;
//  - labels only the methods the server registers: a call of any other method path
//    counts under grpc_service="unknown", grpc_method="unknown", so that made-up
//    names cannot grow the label sets without bound;
//  - answers a request that does not parse (malformed protobuf, or a string field
//    that is not UTF-8) with INVALID_ARGUMENT naming the field that is not UTF-8
//    (protobuf names it only in a log line, which the interceptor catches) or else
//    the request type. gRPC C++ parses before the handler runs and would say
//    INTERNAL with no message.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace prometheus {
class Registry;
}

namespace p06 {

// Creates the factory; metric families are registered in `registry`, and calls in
// flight are counted in `in_flight`; both must outlive the server. `services` are the
// full names of the services registered besides health and reflection
// ("p06.task.v1.TaskService"); their methods are found in the generated descriptors.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewServerInterceptorFactory(
    prometheus::Registry& registry, std::atomic<int64_t>& in_flight, const std::vector<std::string>& services);

}  // namespace p06
