#include "services/gateway/auth/route_access.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace p06::gateway {

absl::Status CheckRouteAccess(const Route& route, const Principal& caller) {
  for (const std::string& role : caller.roles) {
    if (!IsKnownRole(role)) {
      return absl::PermissionDeniedError(absl::StrCat("unknown role \"", role.substr(0, 64), "\" in the token"));
    }
  }
  if (caller.roles.empty()) return absl::PermissionDeniedError("the token grants no role");
  if (caller.IsOffice() && caller.unit != kMinistryOfficeUnit) {
    return absl::PermissionDeniedError(absl::StrCat("role office is held only for ", kMinistryOfficeUnit));
  }
  if (route.is_read()) return absl::OkStatus();
  if (caller.IsOffice() || (caller.HasRole(kRoleUnitReporter) && !caller.unit.empty())) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(route.http_method, " ", route.path.text(),
                                                  " needs role office, or unit_reporter acting for a unit; you have ",
                                                  absl::StrJoin(caller.roles, ",")));
}

}  // namespace p06::gateway
