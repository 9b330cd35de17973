// The verified caller of a call, as the gateway (or another service) passes it in
// call metadata:
//   x-p06-subject  stable id of the person or system
//   x-p06-unit     "units/{id}" the caller acts for
//   x-p06-roles    comma-separated roles (see below)
//   x-p06-proof    the gateway's or a service's proof that it set the three above
//                  (common/grpc/internal_proof.h)
// Services believe these headers only with a valid proof: without one, a call is
// UNAUTHENTICATED however its headers read.
//
// Who may do what (each RPC's proto comment names the Access it needs):
//   office         the Ministry Office (Văn phòng Bộ), the standing body of the
//                  working group: imports and edits plans, edits the directory,
//                  reports for any unit on a task. The role is bound to the Office's
//                  unit: a caller claiming it for another unit, or for none, is refused
//                  (PERMISSION_DENIED), so the role cannot be borrowed by a unit.
//   unit_reporter  reads; reports progress and keeps the contacts of its own unit only.
//   viewer, auditor, system (another service of the suite): read only.
// A call without a subject or a valid proof is UNAUTHENTICATED; an unknown role, or a unit that is no
// resource name, is PERMISSION_DENIED. Rules that depend on the data (only a unit on
// the task reports on it) stay in the service that owns the data.
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace p06 {

inline constexpr char kSubjectHeader[] = "x-p06-subject";
inline constexpr char kUnitHeader[] = "x-p06-unit";
inline constexpr char kRolesHeader[] = "x-p06-roles";

inline constexpr char kRoleOffice[] = "office";
inline constexpr char kRoleUnitReporter[] = "unit_reporter";
inline constexpr char kRoleViewer[] = "viewer";
inline constexpr char kRoleAuditor[] = "auditor";
inline constexpr char kRoleSystem[] = "system";

// One of the five roles above.
bool IsKnownRole(absl::string_view role);

// The unit the office role is bound to (its id survives renames).
inline constexpr char kMinistryOfficeUnit[] = "units/van-phong-bo";

// What an RPC needs of its caller.
enum class Access {
  kRead,       // Any authenticated caller.
  kUnitWrite,  // office, or unit_reporter (the service checks the unit against its data).
  kOffice,     // office only.
};

struct Principal {
  std::string subject;
  std::string unit;
  std::vector<std::string> roles;
  bool HasRole(const std::string& role) const;
  // Holds the office role (PrincipalOf has checked that its unit is the Office's).
  bool IsOffice() const { return HasRole(kRoleOffice); }
};

// The caller, validated as described above. UNAUTHENTICATED without a subject or
// proof; RESOURCE_EXHAUSTED while the caller's connection is sending forged proofs
// (internal_proof.h); PERMISSION_DENIED for an unknown role, a malformed unit, or
// office outside the Office.
absl::StatusOr<Principal> PrincipalOf(const grpc::ServerContextBase& ctx);

// PrincipalOf, then PERMISSION_DENIED unless the caller's roles give `access`.
absl::StatusOr<Principal> Authorize(const grpc::ServerContextBase& ctx, Access access);

// Adds `principal` to an outgoing call (the gateway, tests, p06ctl). Its proof is
// added as the call leaves, by the channel (MakeChannel; proof_interceptor.h), for
// the service the call goes to.
void AttachPrincipal(grpc::ClientContext& ctx, const Principal& principal);

// A service's refusal of the proof the suite attached to a call (x-p06-proof: wrong
// key, the forged-proof limit; no keys at all) is about the suite's keys, not about
// the person or system the gateway authenticated: to them it is UNAVAILABLE, not a
// 401 or 429 naming headers they never sent. Logged with the service's own words, for
// the operator, with `callee` (the method called). Any other status is returned as it
// is. Applied by the gateway's channels (MakeChannel, ProofRefusals::kAsUnavailable).
grpc::Status ProofRefusalAsUnavailable(grpc::Status backend, absl::string_view callee);

// The identity a service of the suite calls another with: subject "service:{name}",
// role system.
Principal ServicePrincipal(const std::string& service);

}  // namespace p06
