// Groups of units.
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/base/etag.h"
#include "common/base/status_macros.h"
#include "common/db/arrays.h"
#include "common/db/idempotency.h"
#include "common/db/transaction.h"
#include "common/grpc/resource_name.h"
#include "services/directory/storage/pg_directory_store.h"
#include "services/directory/storage/pg_rows.h"

namespace p06::directory {
namespace {

constexpr char kGroupExists[] = "SELECT 1 FROM unit_groups WHERE id = $1";
constexpr char kInsertGroup[] = "INSERT INTO unit_groups (id, display_name, kind) VALUES ($1, $2, $3)";
constexpr char kUpdateGroup[] = "UPDATE unit_groups SET display_name = $2, version = version + 1 WHERE id = $1";
constexpr char kDeleteAliases[] = "DELETE FROM group_aliases WHERE group_id = $1";
constexpr char kInsertAlias[] = "INSERT INTO group_aliases (group_id, ordinal, text, kind) VALUES ($1, $2, $3, $4)";
// The members written replace the others; a member kept keeps the days a reference
// data file gave its membership.
constexpr char kDeleteMembersNotIn[] =
    "DELETE FROM group_members WHERE group_id = $1 AND NOT (unit_id = ANY($2::text[]))";
constexpr char kInsertMember[] =
    "INSERT INTO group_members (group_id, unit_id) VALUES ($1, $2) ON CONFLICT (group_id, unit_id) DO NOTHING";
constexpr char kListGroups[] = " WHERE g.id > $1 ORDER BY g.id LIMIT $2";

absl::Status WriteChildren(pqxx::work& tx, const std::string& id, const pb::Group& g) {
  tx.exec_params(kDeleteAliases, id);
  for (int i = 0; i < g.aliases_size(); ++i) {
    tx.exec_params(kInsertAlias, id, i, g.aliases(i).text(), static_cast<int>(g.aliases(i).kind()));
  }
  std::vector<std::string> unit_ids;
  for (int i = 0; i < g.members_size(); ++i) {
    std::string unit_id = LastSegment(g.members(i));
    if (tx.exec_params(pg::kUnitExists, unit_id).empty()) {
      return absl::FailedPreconditionError(absl::StrCat("group.members[", i, "]: ", g.members(i), " does not exist"));
    }
    unit_ids.push_back(std::move(unit_id));
  }
  tx.exec_params(kDeleteMembersNotIn, id, db::ArrayLiteral(unit_ids));
  for (const std::string& unit_id : unit_ids) tx.exec_params(kInsertMember, id, unit_id);
  return absl::OkStatus();
}

// The names a group answers to, for pg::CheckNamesFree.
std::vector<pg::OwnName> NamesOf(const pb::Group& g) {
  std::vector<pg::OwnName> names = {{g.display_name(), "group.display_name"}};
  for (int i = 0; i < g.aliases_size(); ++i) names.push_back({g.aliases(i).text(), absl::StrCat("group.aliases[", i, "]")});
  return names;
}

}  // namespace

absl::StatusOr<pb::Group> PgDirectoryStore::GetGroup(absl::string_view group_id) {
  return db::RunReadOnly(pool_, "GetGroup", [&](pqxx::read_transaction& tx) { return pg::ReadGroup(tx, group_id); });
}

absl::StatusOr<std::vector<pb::Group>> PgDirectoryStore::ListGroups(absl::string_view after_id, int limit) {
  return db::RunReadOnly(
      pool_, "ListGroups", [&](pqxx::read_transaction& tx) -> absl::StatusOr<std::vector<pb::Group>> {
        std::vector<pb::Group> groups;
        for (const auto& row :
             tx.exec_params(absl::StrCat(pg::kSelectGroups, kListGroups), std::string(after_id), limit)) {
          groups.push_back(pg::GroupFromRow(row));
        }
        return groups;
      });
}

absl::StatusOr<pb::Group> PgDirectoryStore::CreateGroup(absl::string_view caller, const pb::CreateGroupRequest& req) {
  return db::RunInTransaction(pool_, "CreateGroup", [&](pqxx::work& tx) -> absl::StatusOr<pb::Group> {
    return db::Idempotent<pb::Group>(tx, caller, req.request_id(), "CreateGroup", req, [&]() -> absl::StatusOr<pb::Group> {
      if (!tx.exec_params(kGroupExists, req.group_id()).empty()) {
        return absl::AlreadyExistsError(absl::StrCat("group_id: groups/", req.group_id(), " already exists"));
      }
      RETURN_IF_ERROR(pg::CheckNamesFree(tx, absl::StrCat("groups/", req.group_id()), NamesOf(req.group())));
      tx.exec_params(kInsertGroup, req.group_id(), req.group().display_name(), static_cast<int>(req.group().kind()));
      RETURN_IF_ERROR(WriteChildren(tx, req.group_id(), req.group()));
      tx.exec0(pg::kBumpRevision);
      return pg::ReadGroup(tx, req.group_id());
    });
  });
}

absl::StatusOr<pb::Group> PgDirectoryStore::UpdateGroup(absl::string_view caller, const pb::UpdateGroupRequest& req,
                                                        const pb::Group& updated) {
  const std::string id = LastSegment(req.group().name());
  return db::RunInTransaction(pool_, "UpdateGroup", [&](pqxx::work& tx) -> absl::StatusOr<pb::Group> {
    return db::Idempotent<pb::Group>(tx, caller, req.request_id(), "UpdateGroup", req, [&]() -> absl::StatusOr<pb::Group> {
      ASSIGN_OR_RETURN(pb::Group current, pg::ReadGroup(tx, id, /*lock=*/true));
      RETURN_IF_ERROR(CheckEtag(req.group().etag(), current.etag(), current.name(), "group.etag"));
      RETURN_IF_ERROR(pg::CheckNamesFree(tx, absl::StrCat("groups/", id), NamesOf(updated)));
      tx.exec_params(kUpdateGroup, id, updated.display_name());
      RETURN_IF_ERROR(WriteChildren(tx, id, updated));
      tx.exec0(pg::kBumpRevision);
      return pg::ReadGroup(tx, id);
    });
  });
}

}  // namespace p06::directory
