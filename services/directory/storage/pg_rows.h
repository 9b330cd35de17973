// Row mapping and statements shared by the PgDirectoryStore files.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "p06/directory/v1/directory.pb.h"
#include "services/directory/storage/directory_store.h"

namespace p06::directory::pg {

namespace pb = ::p06::directory::v1;

// Every committed change bumps the revision and wakes the replicas' index refreshers.
inline constexpr char kBumpRevision[] =
    "UPDATE directory_revision SET revision = revision + 1; NOTIFY directory_changed";
inline constexpr char kChannel[] = "directory_changed";

// Whether a unit exists: one statement every writer checks references with.
inline constexpr char kUnitExists[] = "SELECT 1 FROM units WHERE id = $1";

// The unit with this id (FOR UPDATE when `lock`), or NOT_FOUND.
absl::StatusOr<pb::Unit> ReadUnit(pqxx::transaction_base& tx, absl::string_view unit_id, bool lock = false);
inline constexpr char kInsertSuccessor[] =
    "INSERT INTO unit_successors (unit_id, successor_id, ordinal) VALUES ($1, $2, $3)";

// Rewrites a unit's aliases and notification endpoints from `u`.
void WriteChildren(pqxx::work& tx, const std::string& id, const pb::Unit& u);

// A date as the statements here take it: "YYYY-MM-DD", or "" when unset (read back
// by `nullif($n, '')::date` as NULL).
std::string DateParam(const p06::type::v1::Date& d);

// Maps rows selected with kSelectUnits.
pb::Unit UnitFromRow(const pqxx::row& row);
std::vector<pb::Unit> UnitsFromRows(const pqxx::result& rows);
extern const char kSelectUnits[];

absl::StatusOr<pb::Group> ReadGroup(pqxx::transaction_base& tx, absl::string_view group_id, bool lock = false);
pb::Group GroupFromRow(const pqxx::row& row);
extern const char kSelectGroups[];

// A name a writer gives its unit or group, and the field it came from.
struct OwnName {
  std::string text;
  std::string field;  // "unit.aliases[2]"
};

// The names a unit answers to, for CheckNamesFree: its name and every alias but its
// former names (its own history, which resolve as SUCCESSOR_OF).
std::vector<OwnName> NamesOf(const pb::Unit& u);

// A name or alias must identify one unit or group: two holders make both unresolvable
// (UNRESOLVED, never a guess), and with them every plan cell that names them.
// ALREADY_EXISTS naming the holder when a name of `owner` ("units/x", "groups/y") has
// the key (name_key.h, with the abbreviations as `tx` reads them) of a name or alias
// of any other unit (ended ones too: their names resolve to their successors) or
// group. Takes LockNames first.
absl::Status CheckNamesFree(pqxx::work& tx, const std::string& owner, const std::vector<OwnName>& names);

// The lock every writer of the directory takes before any row lock (CreateUnit,
// UpdateUnit, EndUnits, the group writes, the reference import), so that two of them
// cannot both see a name free, nor one check names by abbreviations another is
// changing, nor two deadlock on rows taken in different orders.
void LockNames(pqxx::work& tx);

}  // namespace p06::directory::pg
