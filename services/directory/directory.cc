// Units: reads, create, update, and the lifecycle (rename, merge, dissolve).
#include "services/directory/directory.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/grpc/field_mask.h"
#include "common/grpc/pagination.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/resource_name.h"
#include "common/grpc/status_mapping.h"
#include "common/log/log.h"
#include "common/text/fold.h"
#include "services/directory/unit_validation.h"

namespace p06::directory {
namespace {

const std::set<std::string> kWritableUnitFields = {"code",   "display_name", "aliases",       "kind",
                                                   "parent", "in_ministry",  "electronic_id", "notification_endpoints"};
constexpr int kMaxMergeSources = 20;

absl::Status CheckEtag(absl::string_view given, const pb::Unit& current, absl::string_view field) {
  if (given.empty() || given == current.etag()) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat(field, ": ", current.name(), " changed since it was read; read it again"));
}

absl::Status CheckActive(const pb::Unit& unit) {
  if (unit.state() == pb::UNIT_STATE_ACTIVE) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(unit.name(), " is no longer active (", pb::UnitState_Name(unit.state()), "); change its successor"));
}

absl::StatusOr<absl::CivilDay> RequiredDate(const p06::type::v1::Date& date, absl::string_view field) {
  if (IsUnset(date)) return InvalidField(field, "required");
  return FromProtoDate(date, field);
}

}  // namespace

NameKeyFn Directory::NameKey() {
  return [index = index_.Current()](absl::string_view name) { return index->CanonicalKey(name); };
}

void Directory::RefreshIndex() {
  // The change is committed either way; the listener retries a failed rebuild.
  if (absl::Status s = index_.Refresh(); !s.ok()) log::Warning("name index refresh failed", {{"error", s.ToString()}});
}

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
  if (request.query().size() > kMaxNameBytes) return InvalidField("query", "longer than 300 bytes");
  if (!text::IsValidUtf8(request.query())) return InvalidField("query", "is not valid UTF-8");
  query.folded_query = text::Fold(request.query());

  pb::ListUnitsRequest filters = request;
  filters.clear_page_size();
  filters.clear_page_token();
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), filters.SerializeAsString()));
  query.after_code = page.after_key;
  query.limit = page.size + 1;  // One more tells whether another page exists.
  ASSIGN_OR_RETURN(std::vector<pb::Unit> units, store_.ListUnits(query));
  pb::ListUnitsResponse response;
  response.set_next_page_token(TakePage(
      std::move(units), page, response.mutable_units(), [](const pb::Unit& u) { return u.code(); },
      filters.SerializeAsString()));
  return response;
}

absl::StatusOr<pb::Unit> Directory::CreateUnit(const Principal& caller, pb::CreateUnitRequest request) {
  if (!IsValidResourceId(request.unit_id())) return InvalidField("unit_id", "required: 2..63 of a-z, 0-9 and -");
  pb::Unit* unit = request.mutable_unit();
  RETURN_IF_ERROR(NormalizeAndValidateUnit(*unit, "unit"));
  // Output-only fields are ignored, as documented.
  for (const char* f : {"name", "state", "state_date", "successors", "etag", "create_time", "update_time"}) {
    unit->GetReflection()->ClearField(unit, unit->GetDescriptor()->FindFieldByName(f));
  }
  return Refreshed(store_.CreateUnit(caller.subject, request, UnitSearchText(*unit), NameKey()));
}

absl::StatusOr<pb::Unit> Directory::UpdateUnit(const Principal& caller, const pb::UpdateUnitRequest& request) {
  ASSIGN_OR_RETURN(std::string id, ParseResourceId(request.unit().name(), "units/*", "unit.name"));
  RETURN_IF_ERROR(ValidateUpdateMask(request.update_mask(), kWritableUnitFields));
  return Refreshed(store_.UpdateUnit(
      caller.subject, id, "UpdateUnit", request, request.request_id(),
      [&](const pb::Unit& current) -> absl::StatusOr<pb::Unit> {
        RETURN_IF_ERROR(CheckEtag(request.unit().etag(), current, "unit.etag"));
        RETURN_IF_ERROR(CheckActive(current));
        pb::Unit updated = current;
        ApplyUpdateMask(request.unit(), request.update_mask(), &updated);
        RETURN_IF_ERROR(NormalizeAndValidateUnit(updated, "unit"));
        return updated;
      },
      UnitSearchText, NameKey()));
}

absl::StatusOr<pb::Unit> Directory::RenameUnit(const Principal& caller, const pb::RenameUnitRequest& request) {
  ASSIGN_OR_RETURN(std::string id, ParseResourceId(request.name(), "units/*", "name"));
  ASSIGN_OR_RETURN(absl::CivilDay date, RequiredDate(request.effective_date(), "effective_date"));
  std::string new_name = request.new_display_name();
  RETURN_IF_ERROR(NormalizeName(&new_name, "new_display_name"));
  return Refreshed(store_.UpdateUnit(
      caller.subject, id, "RenameUnit", request, request.request_id(),
      [&](const pb::Unit& current) -> absl::StatusOr<pb::Unit> {
        RETURN_IF_ERROR(CheckEtag(request.etag(), current, "etag"));
        RETURN_IF_ERROR(CheckActive(current));
        if (current.display_name() == new_name && request.new_code().empty()) {
          return InvalidField("new_display_name", "is already the unit's name");
        }
        pb::Unit updated = current;
        pb::Alias* former = updated.add_aliases();
        former->set_text(current.display_name());
        former->set_kind(pb::ALIAS_KIND_FORMER_NAME);
        *former->mutable_until() = ToProtoDate(date);
        updated.set_display_name(new_name);
        if (!request.new_code().empty()) updated.set_code(request.new_code());
        // Validation also refuses a bad new code, naming unit.code.
        RETURN_IF_ERROR(NormalizeAndValidateUnit(updated, "unit"));
        return updated;
      },
      UnitSearchText, NameKey()));
}

absl::StatusOr<pb::MergeUnitsResponse> Directory::MergeUnits(const Principal& caller, const pb::MergeUnitsRequest& request) {
  if (request.sources().empty()) return InvalidField("sources", "at least one unit to merge");
  if (request.sources_size() > kMaxMergeSources)
    return InvalidField("sources", absl::StrCat("at most ", kMaxMergeSources));
  std::vector<std::string> sources;
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < request.sources_size(); ++i) {
    ASSIGN_OR_RETURN(std::string id, ParseResourceId(request.sources(i), "units/*", absl::StrCat("sources[", i, "]")));
    if (!seen.insert(id).second) return InvalidField(absl::StrCat("sources[", i, "]"), "listed twice");
    sources.push_back(std::move(id));
  }
  ASSIGN_OR_RETURN(std::string successor, ParseResourceId(request.successor(), "units/*", "successor"));
  if (seen.contains(successor)) return InvalidField("successor", "is also among the sources");
  ASSIGN_OR_RETURN(absl::CivilDay date, RequiredDate(request.effective_date(), "effective_date"));
  ASSIGN_OR_RETURN(std::vector<pb::Unit> ended,
                   Refreshed(store_.EndUnits(caller.subject, sources, pb::UNIT_STATE_MERGED, date, {successor}, "", "MergeUnits",
                                             request, request.request_id())));
  pb::MergeUnitsResponse response;
  for (pb::Unit& u : ended) *response.add_sources() = std::move(u);
  ASSIGN_OR_RETURN(*response.mutable_successor(), store_.GetUnit(successor));
  return response;
}

absl::StatusOr<pb::Unit> Directory::DissolveUnit(const Principal& caller, const pb::DissolveUnitRequest& request) {
  ASSIGN_OR_RETURN(std::string id, ParseResourceId(request.name(), "units/*", "name"));
  ASSIGN_OR_RETURN(absl::CivilDay date, RequiredDate(request.effective_date(), "effective_date"));
  std::vector<std::string> successors;
  for (int i = 0; i < request.successors_size(); ++i) {
    ASSIGN_OR_RETURN(std::string s,
                     ParseResourceId(request.successors(i), "units/*", absl::StrCat("successors[", i, "]")));
    if (s == id) return InvalidField(absl::StrCat("successors[", i, "]"), "a unit cannot succeed itself");
    successors.push_back(std::move(s));
  }
  ASSIGN_OR_RETURN(std::vector<pb::Unit> ended,
                   Refreshed(store_.EndUnits(caller.subject, {id}, pb::UNIT_STATE_DISSOLVED, date, successors, request.etag(),
                                             "DissolveUnit", request, request.request_id())));
  return ended.front();
}

}  // namespace p06::directory
