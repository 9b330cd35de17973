// Groups of units.
#include <pqxx/pqxx>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/base/etag.h"
#include "common/base/status_macros.h"
#include "common/db/idempotency.h"
#include "common/db/transaction.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/resource_name.h"
#include "services/directory/storage/pg_directory_store.h"
#include "services/directory/storage/pg_rows.h"
#include "services/directory/unit_dates.h"

namespace p06::directory {
namespace {

constexpr char kGroupExists[] = "SELECT 1 FROM unit_groups WHERE id = $1";
constexpr char kInsertGroup[] = "INSERT INTO unit_groups (id, display_name, kind) VALUES ($1, $2, $3)";
constexpr char kUpdateGroup[] = "UPDATE unit_groups SET display_name = $2, version = version + 1 WHERE id = $1";
constexpr char kDeleteAliases[] = "DELETE FROM group_aliases WHERE group_id = $1";
constexpr char kInsertAlias[] = "INSERT INTO group_aliases (group_id, ordinal, text, kind) VALUES ($1, $2, $3, $4)";
constexpr char kInsertMember[] = "INSERT INTO group_members (group_id, unit_id) VALUES ($1, $2)";
constexpr char kJoinOn[] = "INSERT INTO group_members (group_id, unit_id, valid_from) VALUES ($1, $2, $3::date)";
// A spell is named by its first day ($3, '' for an undated one); '' in $4 is no day.
constexpr char kSpellFrom[] = R"sql(
UPDATE group_members SET valid_from = $4::date
WHERE group_id = $1 AND unit_id = $2 AND valid_from IS NOT DISTINCT FROM nullif($3, '')::date
)sql";
constexpr char kSpellUntil[] = R"sql(
UPDATE group_members SET valid_until = nullif($4, '')::date
WHERE group_id = $1 AND unit_id = $2 AND valid_from IS NOT DISTINCT FROM nullif($3, '')::date
)sql";
constexpr char kDeleteSpell[] = R"sql(
DELETE FROM group_members WHERE group_id = $1 AND unit_id = $2 AND valid_from IS NOT DISTINCT FROM nullif($3, '')::date
)sql";
constexpr char kListGroups[] = " WHERE g.id > $1 ORDER BY g.id LIMIT $2";

absl::Status WriteAliases(pqxx::work& tx, const std::string& id, const pb::Group& g) {
  tx.exec_params(kDeleteAliases, id);
  for (int i = 0; i < g.aliases_size(); ++i) {
    tx.exec_params(kInsertAlias, id, i, g.aliases(i).text(), static_cast<int>(g.aliases(i).kind()));
  }
  return absl::OkStatus();
}

// The unit ids of `g.members`, each existing (FAILED_PRECONDITION naming the first that does not).
absl::StatusOr<std::vector<std::string>> MemberIds(pqxx::work& tx, const pb::Group& g) {
  std::vector<std::string> unit_ids;
  for (int i = 0; i < g.members_size(); ++i) {
    std::string unit_id = LastSegment(g.members(i));
    if (tx.exec_params(pg::kUnitExists, unit_id).empty()) {
      return absl::FailedPreconditionError(absl::StrCat("group.members[", i, "]: ", g.members(i), " does not exist"));
    }
    unit_ids.push_back(std::move(unit_id));
  }
  return unit_ids;
}

// A unit's spells of membership in one group, as they bear on today.
struct SpellsToday {
  const pb::GroupMembership* holding = nullptr;   // Holds today.
  const pb::GroupMembership* ended_today = nullptr;  // Held until today.
  const pb::GroupMembership* next = nullptr;      // The first to begin after today.
};

// How the statements below name a spell: its first day, or '' when undated.
std::string FirstDayOf(const pb::GroupMembership& m) { return pg::DateParam(m.valid_from()); }

// UpdateGroup's members are today's (as GetGroup reads them), so writing them is a
// change made today. A unit listed that is no member today becomes one from today:
// the spell that ended today goes on, or the next planned one is brought forward to
// today, or a new spell begins today (a unit that left rejoins). A member today left
// out is one no more from today (its spell gone, if it began only today). Spells that
// ended before today, or begin later, are history and plans, not today's list: kept.
absl::Status WriteTodaysMembers(pqxx::work& tx, const std::string& id, const pb::Group& current,
                                const std::vector<std::string>& listed, absl::CivilDay today) {
  const std::string day = FormatIsoDate(today);
  absl::flat_hash_map<std::string, SpellsToday> units;
  for (const pb::GroupMembership& m : current.memberships()) {
    SpellsToday& spells = units[LastSegment(m.unit())];
    const std::optional<absl::CivilDay> from = MemberFrom(m), until = MemberUntil(m);
    if (MembershipHolds(m, today)) spells.holding = &m;
    if (until && *until == today) spells.ended_today = &m;
    if (from && *from > today && (spells.next == nullptr || *from < *MemberFrom(*spells.next))) spells.next = &m;
  }
  absl::flat_hash_set<std::string> listed_set(listed.begin(), listed.end());
  for (const std::string& unit : listed) {
    const SpellsToday& spells = units[unit];
    if (spells.holding != nullptr) continue;
    if (spells.ended_today != nullptr && spells.next == nullptr) {
      tx.exec_params(kSpellUntil, id, unit, FirstDayOf(*spells.ended_today), "");
    } else if (spells.next != nullptr) {
      tx.exec_params(kSpellFrom, id, unit, FirstDayOf(*spells.next), day);
    } else {
      tx.exec_params(kJoinOn, id, unit, day);
    }
  }
  for (const auto& [unit, spells] : units) {
    if (listed_set.contains(unit) || spells.holding == nullptr) continue;
    const std::string from = FirstDayOf(*spells.holding);
    if (from == day) {
      tx.exec_params(kDeleteSpell, id, unit, from);
    } else {
      tx.exec_params(kSpellUntil, id, unit, from, day);
    }
  }
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
      RETURN_IF_ERROR(WriteAliases(tx, req.group_id(), req.group()));
      // A new group is these units, as long as each exists.
      ASSIGN_OR_RETURN(std::vector<std::string> members, MemberIds(tx, req.group()));
      for (const std::string& unit : members) tx.exec_params(kInsertMember, req.group_id(), unit);
      tx.exec0(pg::kBumpRevision);
      return pg::ReadGroup(tx, req.group_id());
    });
  });
}

absl::StatusOr<pb::Group> PgDirectoryStore::UpdateGroup(absl::string_view caller, const pb::UpdateGroupRequest& req,
                                                        const pb::Group& updated, absl::CivilDay today,
                                                        bool write_members) {
  const std::string id = LastSegment(req.group().name());
  return db::RunInTransaction(pool_, "UpdateGroup", [&](pqxx::work& tx) -> absl::StatusOr<pb::Group> {
    return db::Idempotent<pb::Group>(tx, caller, req.request_id(), "UpdateGroup", req, [&]() -> absl::StatusOr<pb::Group> {
      pg::LockNames(tx);  // Before the group's row: the order every writer takes them in.
      ASSIGN_OR_RETURN(pb::Group current, pg::ReadGroup(tx, id, /*lock=*/true));
      if (write_members) {
        RETURN_IF_ERROR(CheckEtag(req.group().etag(), GroupEtagOn(current, today), current.name(), "group.etag"));
      } else {
        RETURN_IF_ERROR(CheckEtag(GroupEtagVersion(req.group().etag()), current.etag(), current.name(), "group.etag"));
      }
      RETURN_IF_ERROR(pg::CheckNamesFree(tx, absl::StrCat("groups/", id), NamesOf(updated)));
      tx.exec_params(kUpdateGroup, id, updated.display_name());
      RETURN_IF_ERROR(WriteAliases(tx, id, updated));
      if (write_members && updated.kind() == pb::Group::KIND_EXPLICIT) {
        ASSIGN_OR_RETURN(std::vector<std::string> members, MemberIds(tx, updated));
        RETURN_IF_ERROR(WriteTodaysMembers(tx, id, current, members, today));
      }
      tx.exec0(pg::kBumpRevision);
      return pg::ReadGroup(tx, id);
    });
  });
}

}  // namespace p06::directory
