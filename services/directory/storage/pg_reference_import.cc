// ImportReferenceData's write: the units a checked reference data file adds or changes,
// whole, in one transaction against the revision they were checked at.
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/db/idempotency.h"
#include "common/db/transaction.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/resource_name.h"
#include "services/directory/storage/pg_directory_store.h"
#include "services/directory/storage/pg_rows.h"

namespace p06::directory {
namespace {

constexpr char kRevisionForUpdate[] = "SELECT revision FROM directory_revision FOR UPDATE";
constexpr char kUpsertUnit[] = R"sql(
INSERT INTO units (id, code, display_name, kind, parent_id, in_ministry, electronic_id, search_text, state, state_date,
                   valid_from)
VALUES ($1, $2, $3, $4, nullif($5, ''), $6, $7, $8, $9, nullif($10, '')::date, nullif($11, '')::date)
ON CONFLICT (id) DO UPDATE SET
  code = EXCLUDED.code, display_name = EXCLUDED.display_name, kind = EXCLUDED.kind, parent_id = EXCLUDED.parent_id,
  in_ministry = EXCLUDED.in_ministry, search_text = EXCLUDED.search_text, state = EXCLUDED.state,
  state_date = EXCLUDED.state_date, valid_from = EXCLUDED.valid_from, version = units.version + 1, update_time = now()
)sql";
constexpr char kDeleteSuccessors[] = "DELETE FROM unit_successors WHERE unit_id = $1";
constexpr char kDeleteMemberships[] = "DELETE FROM group_members WHERE group_id = $1";
constexpr char kInsertMembership[] = R"sql(
INSERT INTO group_members (group_id, unit_id, valid_from, valid_until)
VALUES ($1, $2, nullif($3, '')::date, nullif($4, '')::date)
)sql";
constexpr char kBumpGroup[] = "UPDATE unit_groups SET version = version + 1 WHERE id = $1";
constexpr char kInsertAbbreviation[] = "INSERT INTO abbreviations (abbreviation, expansion) VALUES ($1, $2)";
constexpr char kRecordFile[] =
    "INSERT INTO reference_data_files (version, name, checksum) VALUES ($1, $2, $3) ON CONFLICT (version) DO NOTHING";

void WriteUnit(pqxx::work& tx, const pb::Unit& u, const std::string& search_text) {
  const std::string id = LastSegment(u.name());
  tx.exec_params(kUpsertUnit, id, u.code(), u.display_name(), static_cast<int>(u.kind()), LastSegment(u.parent()),
                 u.in_ministry(), u.electronic_id(), search_text, static_cast<int>(u.state()),
                 u.state() == pb::UNIT_STATE_ACTIVE ? "" : pg::DateParam(u.state_date()),
                 pg::DateParam(u.valid_from()));
  pg::WriteChildren(tx, id, u);
}

// An explicit group's memberships, with their days, as the file left them: the
// stored ones it re-dated or kept and the spells it added. The file's check has made
// sure each unit exists and no unit's spells share a day; the revision, checked under
// lock, that the stored ones are those the file was checked against.
void WriteMemberships(pqxx::work& tx, const pb::Group& g) {
  const std::string id = LastSegment(g.name());
  tx.exec_params(kDeleteMemberships, id);
  for (const pb::GroupMembership& m : g.memberships()) {
    tx.exec_params(kInsertMembership, id, LastSegment(m.unit()), pg::DateParam(m.valid_from()),
                   pg::DateParam(m.valid_until()));
  }
  tx.exec_params(kBumpGroup, id);
}

}  // namespace

absl::StatusOr<pb::ImportReferenceDataResponse> PgDirectoryStore::ApplyReferenceImport(
    absl::string_view caller, const pb::ImportReferenceDataRequest& request, int64_t expected_revision,
    const ReferenceChanges& changes, pb::ImportReferenceDataResponse summary,
    const std::function<std::string(const pb::Unit&)>& search_text, const std::optional<ReferenceFile>& file) {
  return db::RunInTransaction(pool_, "ImportReferenceData", [&](pqxx::work& tx) {
    return db::Idempotent<pb::ImportReferenceDataResponse>(
        tx, caller, request.request_id(), "ImportReferenceData", request,
        [&]() -> absl::StatusOr<pb::ImportReferenceDataResponse> {
          // Names first, as every writer of names, then the revision: the other order
          // would deadlock with a CreateUnit between its name check and its bump.
          pg::LockNames(tx);
          if (tx.exec1(kRevisionForUpdate)[0].as<int64_t>() != expected_revision) {
            return absl::AbortedError("the directory changed while the file was checked; import it again");
          }
          // The file's check has made sure the new abbreviations leave every name
          // apart; in before the units, whose names are checked with them.
          for (const auto& [abbreviation, expansion] : changes.abbreviations) {
            tx.exec_params(kInsertAbbreviation, abbreviation, expansion);
          }
          // Units first (parents before children), then what refers to them.
          for (const auto* units : {&changes.added, &changes.changed}) {
            for (const pb::Unit& u : *units) WriteUnit(tx, u, search_text(u));
          }
          for (const auto* units : {&changes.added, &changes.changed}) {
            for (const pb::Unit& u : *units) {
              const std::string id = LastSegment(u.name());
              if (u.state() == pb::UNIT_STATE_ACTIVE) {
                RETURN_IF_ERROR(pg::CheckNamesFree(tx, u.name(), pg::NamesOf(u)));
              }
              tx.exec_params(kDeleteSuccessors, id);
              for (int i = 0; i < u.successors_size(); ++i) {
                tx.exec_params(pg::kInsertSuccessor, id, LastSegment(u.successors(i)), i);
              }
            }
          }
          for (const pb::Group& g : changes.groups) WriteMemberships(tx, g);
          // Another replica applied it since we looked (with the same units, so the
          // revision held): let the caller look again.
          if (file.has_value() &&
              tx.exec_params(kRecordFile, file->version, file->name, file->checksum).affected_rows() == 0) {
            return absl::AbortedError(absl::StrCat("reference_data/", file->name, " was applied meanwhile"));
          }
          tx.exec0(pg::kBumpRevision);
          summary.set_applied(!changes.empty());
          summary.set_revision(tx.exec1("SELECT revision FROM directory_revision")[0].as<int64_t>());
          return summary;
        });
  });
}

absl::StatusOr<std::map<int, DirectoryStore::ReferenceFile>> PgDirectoryStore::AppliedReferenceFiles() {
  return db::RunInTransaction<pqxx::read_transaction>(
      pool_, "AppliedReferenceFiles", [&](pqxx::read_transaction& tx) -> absl::StatusOr<std::map<int, ReferenceFile>> {
        std::map<int, ReferenceFile> files;
        for (const auto& row : tx.exec("SELECT version, name, checksum FROM reference_data_files")) {
          const int version = row[0].as<int>();
          files[version] = {.version = version, .name = row[1].c_str(), .checksum = row[2].c_str()};
        }
        return files;
      });
}

}  // namespace p06::directory
