// The REST routes of the suite, read from the `http` option of every RPC of the
// services the gateway fronts: a new RPC with the option is served without a line of
// gateway code. Built once at start; invalid options fail the start.
#pragma once

#include <google/protobuf/descriptor.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/gateway/routing/path_template.h"

namespace p06::gateway {

struct Route {
  std::string http_method;  // "GET", "POST", "PATCH", "DELETE".
  PathTemplate path;
  // The request field the JSON body fills: "*" the whole request, "" none.
  std::string body;
  const google::protobuf::MethodDescriptor* method = nullptr;
  // "/p06.task.v1.TaskService/GetTask".
  std::string grpc_path;
  // Reads change nothing and need any role; everything else is audited. Every GET,
  // and a POST whose option says `read: true`.
  bool read = false;
  bool is_read() const { return read; }
};

class RouteTable {
 public:
  // The routes of every method of `services` that has the option. INVALID_ARGUMENT
  // naming the method for a bad template, a path variable that is not a string
  // field, a body that is no message field, or two routes that match the same paths.
  static absl::StatusOr<RouteTable> Build(const std::vector<const google::protobuf::ServiceDescriptor*>& services);

  struct Match {
    const Route* route = nullptr;
    Bindings bindings;
    // No route for this method, but one for another: 405 rather than 404.
    bool other_method_matches = false;
  };
  Match Find(absl::string_view http_method, const RequestPath& path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// The field at `path` ("task.name") of `message`, or null; `path` only crosses
// singular message fields.
const google::protobuf::FieldDescriptor* FindFieldPath(const google::protobuf::Descriptor* message,
                                                       absl::string_view path);

}  // namespace p06::gateway
