// Callers as the gateway passes them in call metadata (common/grpc/principal.h), for
// tests that call the services over gRPC.
#pragma once

#include <grpcpp/client_context.h>

#include "common/grpc/principal.h"

namespace p06::testing {

// The Ministry Office: may do everything the services allow.
inline const Principal kOfficeCaller{.subject = "vanthu@vpb", .unit = kMinistryOfficeUnit, .roles = {kRoleOffice}};
// A reader with no write rights.
inline const Principal kViewerCaller{.subject = "xem@btp", .unit = "units/vu-tccb", .roles = {kRoleViewer}};

inline void AttachOffice(grpc::ClientContext& ctx) { AttachPrincipal(ctx, kOfficeCaller); }

}  // namespace p06::testing
