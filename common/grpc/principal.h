// The verified caller of a call, as the gateway (or another service) passes it in
// call metadata:
//   x-p06-subject  stable id of the person or system
//   x-p06-unit     "units/{id}" the caller acts for
//   x-p06-roles    comma-separated roles ("office", "unit_reporter", "viewer", …)
// Services trust these headers only from the gateway or another service; until
// mutual TLS between services is in place, that trust rests on the network (the
// services listen on loopback or the cluster network only).
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace p06 {

inline constexpr char kSubjectHeader[] = "x-p06-subject";
inline constexpr char kUnitHeader[] = "x-p06-unit";
inline constexpr char kRolesHeader[] = "x-p06-roles";

struct Principal {
  std::string subject;
  std::string unit;
  std::vector<std::string> roles;
  bool HasRole(const std::string& role) const;
};

// UNAUTHENTICATED when the call carries no subject.
absl::StatusOr<Principal> PrincipalOf(const grpc::ServerContextBase& ctx);

// Adds `principal` to an outgoing call (the gateway, tests, p06ctl).
void AttachPrincipal(grpc::ClientContext& ctx, const Principal& principal);

}  // namespace p06
