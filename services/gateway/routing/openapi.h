// The OpenAPI 3.0 document of the REST routes, generated from the same descriptors
// as the routes themselves (served at /v1/openapi.json): paths, parameters, request
// bodies and the JSON schema of every message reachable from them.
#pragma once

#include <string>

#include "services/gateway/routing/route_table.h"

namespace p06::gateway {

std::string OpenApiDocument(const RouteTable& routes, const std::string& version);

// Whether `field` of a route's request is set from the query (not bound by the path or
// the body). Shared with the transcoder's notion of the same.
bool IsQueryField(const Route& route, const google::protobuf::FieldDescriptor* field);

}  // namespace p06::gateway
