#include "services/directory/directory.h"

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/grpc/pagination.h"
#include "common/grpc/resource_name.h"
#include "common/grpc/status_mapping.h"
#include "common/text/fold.h"
#include "services/directory/unit_validation.h"

namespace p06::directory {

absl::StatusOr<pb::Unit> Directory::GetUnit(const pb::GetUnitRequest& request) {
  ASSIGN_OR_RETURN(std::string id, ParseResourceId(request.name(), "units/*", "name"));
  return store_.GetUnit(id);
}

absl::StatusOr<pb::ListUnitsResponse> Directory::ListUnits(const pb::ListUnitsRequest& request) {
  UnitQuery query;
  if (!pb::UnitKind_IsValid(request.kind())) return InvalidField("kind", "unknown value");
  query.kind = request.kind();
  if (!request.parent().empty()) {
    ASSIGN_OR_RETURN(query.parent_id, ParseResourceId(request.parent(), "units/*", "parent"));
  }
  if (!pb::ListUnitsRequest::Scope_IsValid(request.scope())) return InvalidField("scope", "unknown value");
  query.scope = request.scope();
  query.active_only = request.active_only();
  if (request.query().size() > 300) return InvalidField("query", "longer than 300 bytes");
  if (!text::IsValidUtf8(request.query())) return InvalidField("query", "is not valid UTF-8");
  query.folded_query = text::Fold(request.query());

  pb::ListUnitsRequest fingerprint = request;
  fingerprint.clear_page_size();
  fingerprint.clear_page_token();
  ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(request.page_size(), request.page_token(),
                                                      fingerprint.SerializeAsString()));
  query.after_code = page.after_key;
  query.limit = page.size + 1;  // One more tells whether another page exists.
  ASSIGN_OR_RETURN(std::vector<pb::Unit> units, store_.ListUnits(query));

  pb::ListUnitsResponse response;
  const bool more = static_cast<int>(units.size()) > page.size;
  if (more) units.resize(page.size);
  for (pb::Unit& u : units) *response.add_units() = std::move(u);
  if (more) {
    response.set_next_page_token(MakePageToken(response.units().rbegin()->code(), fingerprint.SerializeAsString()));
  }
  return response;
}

absl::StatusOr<pb::Unit> Directory::CreateUnit(pb::CreateUnitRequest request) {
  if (!IsValidResourceId(request.unit_id())) {
    return InvalidField("unit_id", "required: 2..63 of a-z, 0-9 and -");
  }
  pb::Unit* unit = request.mutable_unit();
  RETURN_IF_ERROR(NormalizeAndValidateUnit(*unit, "unit"));
  // Output-only fields are ignored, as documented.
  unit->clear_name();
  unit->clear_state();
  unit->clear_state_date();
  unit->clear_successors();
  unit->clear_etag();
  unit->clear_create_time();
  unit->clear_update_time();
  return store_.CreateUnit(request, UnitSearchText(*unit));
}

}  // namespace p06::directory
