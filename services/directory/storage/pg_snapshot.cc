// The consistent snapshot the name index is built from.
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/db/transaction.h"
#include "common/grpc/resource_name.h"
#include "services/directory/storage/pg_directory_store.h"
#include "services/directory/storage/pg_rows.h"

namespace p06::directory {
namespace {
constexpr char kRevision[] = "SELECT revision FROM directory_revision";
constexpr char kAbbreviations[] = "SELECT abbreviation, expansion FROM abbreviations ORDER BY abbreviation";
constexpr char kUnitsWithoutSearchText[] = " WHERE u.search_text = '' ORDER BY u.id";
constexpr char kSetSearchText[] = "UPDATE units SET search_text = $2 WHERE id = $1";
}  // namespace

std::string PgDirectoryStore::ChangeChannel() const { return pg::kChannel; }

absl::StatusOr<DirectorySnapshot> PgDirectoryStore::LoadSnapshot() {
  // REPEATABLE READ: every table is read as of one moment.
  return db::RunInTransaction<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>>(
      pool_, "LoadSnapshot", [&](auto& tx) -> absl::StatusOr<DirectorySnapshot> {
        DirectorySnapshot s;
        s.revision = tx.exec1(kRevision)[0].template as<int64_t>();
        s.units = pg::UnitsFromRows(tx.exec(absl::StrCat(pg::kSelectUnits, " ORDER BY u.id")));
        for (const auto& row : tx.exec(absl::StrCat(pg::kSelectGroups, " ORDER BY g.id"))) {
          s.groups.push_back(pg::GroupFromRow(row));
        }
        for (const auto& row : tx.exec(kAbbreviations)) s.abbreviations.emplace_back(row[0].c_str(), row[1].c_str());
        return s;
      });
}

absl::StatusOr<int64_t> PgDirectoryStore::Revision() {
  return db::RunReadOnly(pool_, "Revision", [&](pqxx::read_transaction& tx) -> absl::StatusOr<int64_t> {
    return tx.exec1(kRevision)[0].as<int64_t>();
  });
}

absl::Status PgDirectoryStore::BackfillSearchText(const std::function<std::string(const pb::Unit&)>& search_text) {
  return db::RunInTransaction(pool_, "BackfillSearchText", [&](pqxx::work& tx) -> absl::Status {
    for (const pb::Unit& u : pg::UnitsFromRows(tx.exec(absl::StrCat(pg::kSelectUnits, kUnitsWithoutSearchText)))) {
      tx.exec_params(kSetSearchText, LastSegment(u.name()), search_text(u));
    }
    return absl::OkStatus();
  });
}

}  // namespace p06::directory
