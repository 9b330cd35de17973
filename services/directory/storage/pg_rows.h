// Row mapping and statements shared by the PgDirectoryStore files.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "p06/directory/v1/directory.pb.h"

namespace p06::directory::pg {

namespace pb = ::p06::directory::v1;

// Every committed change bumps the revision and wakes the replicas' index refreshers.
inline constexpr char kBumpRevision[] =
    "UPDATE directory_revision SET revision = revision + 1; NOTIFY directory_changed";
inline constexpr char kChannel[] = "directory_changed";

std::vector<std::string> TextArray(const pqxx::field& field);
std::vector<int> IntArray(const pqxx::field& field);

// Whether a unit exists: one statement every writer checks references with.
inline constexpr char kUnitExists[] = "SELECT 1 FROM units WHERE id = $1";

// The unit with this id (FOR UPDATE when `lock`), or NOT_FOUND.
absl::StatusOr<pb::Unit> ReadUnit(pqxx::transaction_base& tx, absl::string_view unit_id, bool lock = false);
// Maps rows selected with kSelectUnits.
std::vector<pb::Unit> UnitsFromRows(const pqxx::result& rows);
extern const char kSelectUnits[];

absl::StatusOr<pb::Group> ReadGroup(pqxx::transaction_base& tx, absl::string_view group_id, bool lock = false);
pb::Group GroupFromRow(const pqxx::row& row);
extern const char kSelectGroups[];

}  // namespace p06::directory::pg
