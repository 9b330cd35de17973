#include "services/directory/directory.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/base/etag.h"
#include "common/base/status_macros.h"
#include "common/grpc/field_mask.h"
#include "common/grpc/pagination.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/resource_name.h"
#include "common/grpc/status_mapping.h"
#include "common/log/log.h"
#include "common/text/fold.h"
#include "services/directory/reference_data/reference_import.h"
#include "services/directory/unit_validation.h"

namespace p06::directory {
namespace {

const std::set<std::string> kWritableUnitFields = {"code",   "display_name", "aliases",       "kind",
                                                   "parent", "in_ministry",  "electronic_id", "notification_endpoints"};
constexpr int kMaxMergeSources = 20;

// The lifecycle rules, in one place: what ended (renamed, merged, dissolved) stays as
// it ended; only an active unit changes, ends, or succeeds another.
const char* StateWord(pb::UnitState state) {
  switch (state) {
    case pb::UNIT_STATE_ACTIVE:
      return "active";
    case pb::UNIT_STATE_RENAMED:
      return "renamed";
    case pb::UNIT_STATE_MERGED:
      return "merged";
    case pb::UNIT_STATE_DISSOLVED:
      return "dissolved";
    default:
      return "no longer active";
  }
}

absl::Status CheckActive(const std::string& name, pb::UnitState state) {
  if (state == pb::UNIT_STATE_ACTIVE) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(name, " is already ", StateWord(state), "; change its successor instead"));
}

// For EndUnits: every unit ending is active (at the version read, when `etag` is
// given); every successor is active. (That no unit succeeds itself is checked on the
// request, before the store is asked.)
EndRule MayEnd(std::string etag) {
  return [etag = std::move(etag)](const std::vector<LockedUnit>& ending, const std::vector<LockedUnit>& successors) {
    for (const LockedUnit& u : ending) {
      const std::string name = absl::StrCat("units/", u.id);
      RETURN_IF_ERROR(CheckActive(name, u.state));
      RETURN_IF_ERROR(CheckEtag(etag, u.etag, name, "etag"));
    }
    for (const LockedUnit& s : successors) {
      if (s.state != pb::UNIT_STATE_ACTIVE) {
        return absl::FailedPreconditionError(
            absl::StrCat("successor units/", s.id, " is ", StateWord(s.state), "; name an active unit"));
      }
    }
    return absl::OkStatus();
  };
}

absl::StatusOr<absl::CivilDay> RequiredDate(const p06::type::v1::Date& date, absl::string_view field) {
  if (IsUnset(date)) return InvalidField(field, "required");
  return FromProtoDate(date, field);
}

}  // namespace

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
  query.folded_words = text::FoldedWords(request.query());

  const std::string filters = QueryFingerprint(request);
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), filters));
  if (!page.after_key.empty() && !ParseRankedPageKey(page.after_key, &query.after_rank, &query.after_code)) {
    return InvalidField("page_token", "malformed");
  }
  query.limit = page.size + 1;  // One more tells whether another page exists.
  ASSIGN_OR_RETURN(std::vector<RankedUnit> ranked, store_.ListUnits(query));
  pb::ListUnitsResponse response;
  response.set_next_page_token(TakeRankedPage(std::move(ranked), page, response.mutable_units(),
                                              [](const pb::Unit& u) { return u.code(); }, filters));
  return response;
}

absl::StatusOr<pb::Unit> Directory::CreateUnit(const Principal& caller, pb::CreateUnitRequest request) {
  if (!IsValidResourceId(request.unit_id())) return InvalidField("unit_id", "required: 2..63 of a-z, 0-9 and -");
  pb::Unit* unit = request.mutable_unit();
  RETURN_IF_ERROR(NormalizeAndValidateUnit(*unit, "unit"));
  // Output-only fields are ignored, as documented.
  for (const char* f : {"name", "state", "state_date", "successors", "valid_from", "etag", "create_time", "update_time"}) {
    unit->GetReflection()->ClearField(unit, unit->GetDescriptor()->FindFieldByName(f));
  }
  return index_.AfterWrite(store_.CreateUnit(caller.subject, request, UnitSearchText(*unit)));
}

absl::StatusOr<pb::Unit> Directory::UpdateUnit(const Principal& caller, const pb::UpdateUnitRequest& request) {
  ASSIGN_OR_RETURN(std::string id, ParseResourceId(request.unit().name(), "units/*", "unit.name"));
  RETURN_IF_ERROR(ValidateUpdateMask(request.update_mask(), kWritableUnitFields));
  return index_.AfterWrite(store_.UpdateUnit(
      caller.subject, id, "UpdateUnit", request, request.request_id(),
      [&](const pb::Unit& current) -> absl::StatusOr<pb::Unit> {
        RETURN_IF_ERROR(CheckEtag(request.unit().etag(), current.etag(), current.name(), "unit.etag"));
        RETURN_IF_ERROR(CheckActive(current.name(), current.state()));
        pb::Unit updated = current;
        ApplyUpdateMask(request.unit(), request.update_mask(), &updated);
        RETURN_IF_ERROR(NormalizeAndValidateUnit(updated, "unit"));
        return updated;
      },
      UnitSearchText));
}

absl::StatusOr<pb::Unit> Directory::RenameUnit(const Principal& caller, const pb::RenameUnitRequest& request) {
  ASSIGN_OR_RETURN(std::string id, ParseResourceId(request.name(), "units/*", "name"));
  ASSIGN_OR_RETURN(absl::CivilDay date, RequiredDate(request.effective_date(), "effective_date"));
  std::string new_name = request.new_display_name();
  RETURN_IF_ERROR(NormalizeName(&new_name, "new_display_name"));
  return index_.AfterWrite(store_.UpdateUnit(
      caller.subject, id, "RenameUnit", request, request.request_id(),
      [&](const pb::Unit& current) -> absl::StatusOr<pb::Unit> {
        RETURN_IF_ERROR(CheckEtag(request.etag(), current.etag(), current.name(), "etag"));
        RETURN_IF_ERROR(CheckActive(current.name(), current.state()));
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
      UnitSearchText));
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
                   index_.AfterWrite(store_.EndUnits(caller.subject, sources, pb::UNIT_STATE_MERGED, date, {successor}, MayEnd(""), "MergeUnits",
                                             request, request.request_id())));
  pb::MergeUnitsResponse response;
  for (pb::Unit& u : ended) *response.add_sources() = std::move(u);
  ASSIGN_OR_RETURN(*response.mutable_successor(), store_.GetUnit(successor));
  return response;
}

absl::StatusOr<pb::ImportReferenceDataResponse> Directory::ImportReferenceData(
    const Principal& caller, const pb::ImportReferenceDataRequest& request) {
  if (request.text().size() > kMaxReferenceFileBytes) {
    return InvalidField("text", absl::StrCat("longer than ", kMaxReferenceFileBytes, " bytes"));
  }
  ASSIGN_OR_RETURN(CheckedImport checked, CheckReferenceImport(request.text()));
  if (!checked.plan.problems.empty()) return ProblemsStatus(checked.plan.problems);
  pb::ImportReferenceDataResponse summary = checked.plan.summary;
  summary.set_revision(checked.revision);
  if (request.dry_run() || checked.plan.empty()) return summary;
  return WriteReferenceImport(caller.subject, request, checked, std::nullopt);
}

absl::StatusOr<Directory::CheckedImport> Directory::CheckReferenceImport(absl::string_view text) {
  ASSIGN_OR_RETURN(DirectorySnapshot current, store_.LoadSnapshot());
  // Names compared by the snapshot's own abbreviations, not this replica's index's,
  // which may be behind it.
  const Expansions expansions = FoldExpansions(current.abbreviations);
  return CheckedImport{
      .plan = PlanReferenceImport(text, current, [&](absl::string_view name) { return NameKeyOf(name, expansions); }),
      .revision = current.revision};
}

absl::StatusOr<pb::ImportReferenceDataResponse> Directory::WriteReferenceImport(
    absl::string_view caller, const pb::ImportReferenceDataRequest& request, const CheckedImport& checked,
    const std::optional<DirectoryStore::ReferenceFile>& file) {
  const ReferenceImport& plan = checked.plan;
  return index_.AfterWrite(store_.ApplyReferenceImport(caller, request, checked.revision, plan.changes, plan.summary,
                                                       UnitSearchText, file));
}

absl::Status Directory::ApplyReferenceDataFiles(std::span<const db::Migration> files) {
  // Replicas starting together: the one that commits first wins, the other's write is
  // ABORTED (the directory moved), and it looks again.
  constexpr int kAttempts = 5;
  // As for migrations: versions strictly increasing from 1 (two branches that each
  // added a 002 must not both ship).
  for (size_t i = 0; i < files.size(); ++i) {
    if (files[i].version < 1 || (i > 0 && files[i].version <= files[i - 1].version)) {
      return absl::FailedPreconditionError(absl::StrCat("reference_data/", files[i].name,
                                                        ": versions must be positive and strictly increasing"));
    }
  }
  for (const db::Migration& file : files) {
    const DirectoryStore::ReferenceFile record{
        .version = file.version, .name = file.name, .checksum = db::FileChecksum(file.sql)};
    const std::string where = absl::StrCat("reference_data/", file.name);
    for (int attempt = 1;; ++attempt) {
      ASSIGN_OR_RETURN(auto applied, store_.AppliedReferenceFiles());
      if (auto it = applied.find(file.version); it != applied.end()) {
        if (it->second.checksum != record.checksum || it->second.name != record.name) {
          return absl::FailedPreconditionError(absl::StrCat(
              where, ": differs from the file applied as version ", file.version, " (", it->second.name,
              "); an applied file is never edited: put the correction in a new file"));
        }
        break;
      }
      ASSIGN_OR_RETURN(CheckedImport checked, CheckReferenceImport(file.sql));
      if (!checked.plan.problems.empty()) {
        return absl::FailedPreconditionError(
            absl::StrCat(where, ": ", ProblemsStatus(checked.plan.problems).message()));
      }
      // Written even when it changes nothing: its record is what makes it applied.
      absl::StatusOr<pb::ImportReferenceDataResponse> written =
          WriteReferenceImport("reference-data", pb::ImportReferenceDataRequest(), checked, record);
      if (written.ok()) break;
      if (!absl::IsAborted(written.status()) || attempt == kAttempts) {
        return absl::Status(written.status().code(), absl::StrCat(where, ": ", written.status().message()));
      }
    }
  }
  return absl::OkStatus();
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
                   index_.AfterWrite(store_.EndUnits(caller.subject, {id}, pb::UNIT_STATE_DISSOLVED, date, successors, MayEnd(request.etag()),
                                             "DissolveUnit", request, request.request_id())));
  return ended.front();
}

namespace {

// A day names are resolved on: `unset` when not given, else from where the records
// begin with Đề án 06 (QĐ 06/QĐ-TTg, 2022-01-06) to kMaxDaysAhead after today: what the
// directory will say of a day years ahead is not known.
absl::StatusOr<absl::CivilDay> ResolutionDay(const p06::type::v1::Date& date, absl::string_view field,
                                             absl::CivilDay unset, absl::CivilDay today) {
  if (IsUnset(date)) return unset;
  ASSIGN_OR_RETURN(absl::CivilDay day, FromProtoDate(date, field));
  if (day < kRecordsBegin) {
    return InvalidField(field, absl::StrCat("before ", FormatIsoDate(kRecordsBegin), ", where the directory's records begin"));
  }
  if (day > today + kMaxDaysAhead) return InvalidField(field, absl::StrCat("more than ", kMaxDaysAhead, " days after today"));
  return day;
}

}  // namespace

// Answered from this replica's in-memory index.
absl::StatusOr<pb::ResolveUnitNamesResponse> Directory::ResolveUnitNames(const pb::ResolveUnitNamesRequest& request) {
  if (request.names_size() > kMaxResolveNames) {
    return InvalidField("names", absl::StrCat("at most ", kMaxResolveNames, " per call; split the batch"));
  }
  const absl::CivilDay today = TodayInVietnam(clock_);
  ASSIGN_OR_RETURN(const absl::CivilDay as_of, ResolutionDay(request.as_of(), "as_of", today, today));
  ASSIGN_OR_RETURN(const absl::CivilDay follow_to, ResolutionDay(request.follow_to(), "follow_to", as_of, today));
  if (follow_to < as_of) {
    return InvalidField("follow_to", absl::StrCat(FormatIsoDate(follow_to), " is before as_of, ", FormatIsoDate(as_of),
                                                  ": units are followed forward in time"));
  }
  std::shared_ptr<const NameIndex> index = index_.Current();
  pb::ResolveUnitNamesResponse response;
  *response.mutable_as_of() = ToProtoDate(as_of);
  *response.mutable_follow_to() = ToProtoDate(follow_to);
  response.mutable_resolutions()->Reserve(request.names_size());
  for (const std::string& name : request.names()) {
    pb::Resolution* resolution = response.add_resolutions();
    *resolution = index->Resolve(name, as_of, follow_to);
    metrics_.CountResolution(resolution->match_kind());
  }
  return response;
}

}  // namespace p06::directory
