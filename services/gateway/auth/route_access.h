// The gateway's role check, before anything is forwarded (the services keep their own
// rules on top: only a unit on a task reports on it). Pure.
//   reads (GET)   any role;
//   mutations     office, or unit_reporter acting for a unit;
//   viewer, auditor and system callers never mutate through the gateway.
#pragma once

#include "absl/status/status.h"
#include "common/grpc/principal.h"
#include "services/gateway/routing/route_table.h"

namespace p06::gateway {

// OK, or PERMISSION_DENIED naming what the route needs and what the caller has.
absl::Status CheckRouteAccess(const Route& route, const Principal& caller);

}  // namespace p06::gateway
