// REST/JSON to a gRPC request message and back, with protobuf's JSON mapping
// (lowerCamelCase names, enums by name, int64 as strings), for any route. Pure.
//
// A request is built in three layers, later ones winning: query parameters (every
// field not bound by the path or the body: "pageSize=50&statuses=BLOCKED&statuses=
// COMPLETED", nested with dots, a p06.type.v1.Date also as "2025-06-30"), then the
// body, then the path's variables. Unknown fields, wrong types and invalid UTF-8 are
// INVALID_ARGUMENT naming the field or the parameter.
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "services/gateway/routing/route_table.h"

namespace p06::gateway {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct HttpRequestParts {
  const Route* route = nullptr;
  Bindings bindings;
  QueryParams query;
  std::string body;
  std::string if_match;         // ETag → the request's etag (the body's resource's, or its own).
  std::string idempotency_key;  // → request_id.
};

absl::Status BuildRequest(const HttpRequestParts& parts, google::protobuf::Message* request);

// The response as JSON.
absl::StatusOr<std::string> ResponseJson(const google::protobuf::Message& response);

// The response's top-level "etag" field, if it has one (for the ETag header).
std::string EtagOf(const google::protobuf::Message& response);

// The resource a request is about, for the audit log: its first path variable's value,
// else "".
std::string ResourceOf(const HttpRequestParts& parts);

// The string field at `path` ("task.name") of `message`: a path variable of a route,
// which RouteTable::Build has checked is a string reached through singular messages.
std::string StringAt(const google::protobuf::Message& message, absl::string_view path);

}  // namespace p06::gateway
