// Units: reads, create, read-modify-write updates, and lifecycle ends.
#include <algorithm>
#include <optional>
#include <pqxx/pqxx>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/status_macros.h"
#include "common/db/arrays.h"
#include "common/db/idempotency.h"
#include "common/db/text_search.h"
#include "common/db/transaction.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/resource_name.h"
#include "services/directory/storage/pg_directory_store.h"
#include "services/directory/storage/pg_rows.h"

namespace p06::directory {
namespace {

// $1 kind (0 any), $2 parent ('' any), $3 in the ministry (NULL any), $4 active only, $5 search
// (db::PrefixTsQuery; '' any), $8 UNIT_STATE_ACTIVE.
constexpr char kWhereListFilters[] = R"sql(
WHERE ($1 = 0 OR u.kind = $1)
  AND ($2 = '' OR u.parent_id = $2)
  AND ($3::boolean IS NULL OR u.in_ministry = $3::boolean)
  AND (NOT $4 OR u.state = $8)
  AND ($5 = '' OR u.search_vector @@ to_tsquery('simple', $5))
)sql";

constexpr char kCodeTakenByOther[] = "SELECT id FROM units WHERE code = $1 AND id <> $2";
constexpr char kInsertUnit[] = R"sql(
INSERT INTO units (id, code, display_name, kind, parent_id, in_ministry, electronic_id, search_text)
VALUES ($1, $2, $3, $4, nullif($5, ''), $6, $7, $8)
)sql";
constexpr char kUpdateUnit[] = R"sql(
UPDATE units SET code = $2, display_name = $3, kind = $4, parent_id = nullif($5, ''), in_ministry = $6,
                 electronic_id = $7, search_text = $8, version = version + 1, update_time = now()
WHERE id = $1
)sql";
// Is $2 among the ancestors of $1 (or $1 itself)? UNION stops on cycles in old data.
constexpr char kIsAncestorOrSelf[] = R"sql(
WITH RECURSIVE up(id) AS (
  SELECT $1::text
  UNION SELECT u.parent_id FROM units u JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL)
SELECT 1 FROM up WHERE id = $2
)sql";
constexpr char kLockUnits[] = "SELECT id, state, version FROM units WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE";
constexpr char kEndUnits[] = R"sql(
UPDATE units SET state = $2, state_date = $3::date, version = version + 1, update_time = now()
WHERE id = ANY($1::text[])
)sql";

// A text[] literal of validated ids ([a-z0-9-] only, so no quoting is needed).
std::string IdArray(const std::vector<std::string>& ids) { return absl::StrCat("{", absl::StrJoin(ids, ","), "}"); }

absl::Status CheckParent(pqxx::work& tx, absl::string_view unit_id, const std::string& parent_id) {
  if (parent_id.empty()) return absl::OkStatus();
  if (tx.exec_params(pg::kUnitExists, parent_id).empty()) {
    return absl::FailedPreconditionError(absl::StrCat("unit.parent: units/", parent_id, " does not exist"));
  }
  if (!tx.exec_params(kIsAncestorOrSelf, parent_id, std::string(unit_id)).empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("unit.parent: units/", parent_id, " is units/", unit_id, " or below it; that would be a cycle"));
  }
  return absl::OkStatus();
}

absl::Status CheckCodeFree(pqxx::work& tx, const std::string& code, absl::string_view unit_id) {
  pqxx::result taken = tx.exec_params(kCodeTakenByOther, code, std::string(unit_id));
  if (taken.empty()) return absl::OkStatus();
  return absl::AlreadyExistsError(
      absl::StrCat("unit.code: ", code, " is already the code of units/", taken[0][0].c_str()));
}



// The scope filter as the in_ministry column holds it; nullopt for any.
std::optional<bool> InMinistry(pb::ListUnitsRequest::Scope scope) {
  if (scope == pb::ListUnitsRequest::SCOPE_UNSPECIFIED) return std::nullopt;
  return scope == pb::ListUnitsRequest::SCOPE_MINISTRY;
}

}  // namespace

absl::StatusOr<pb::Unit> PgDirectoryStore::GetUnit(absl::string_view unit_id) {
  return db::RunSingleStatement(pool_, "GetUnit", [&](pqxx::nontransaction& tx) { return pg::ReadUnit(tx, unit_id); });
}

absl::StatusOr<std::vector<RankedUnit>> PgDirectoryStore::ListUnits(const UnitQuery& q) {
  return db::RunSingleStatement(
      pool_, "ListUnits", [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::vector<RankedUnit>> {
        // Ranked by the search (rank 0 for all without one), then by code; the page
        // resumes below the last row's rank, or at it past its code ($9, $6).
        static const std::string sql = [] {
          const std::string select = pg::kSelectUnits;
          return db::RankedPageSql({.columns = select.substr(0, select.rfind("FROM units u")),
                                    .from = absl::StrCat("FROM units u", kWhereListFilters),
                                    .vector = "u.search_vector",
                                    .search = "$5",
                                    .key = "code",
                                    .after_rank = "$9",
                                    .after_key = "$6",
                                    .limit = "$7"});
        }();
        pqxx::result rows = tx.exec_params(sql, static_cast<int>(q.kind), q.parent_id, InMinistry(q.scope),
                                           q.active_only, db::PrefixTsQuery(q.folded_words), q.after_code, q.limit,
                                           static_cast<int>(pb::UNIT_STATE_ACTIVE), q.after_rank);
        std::vector<RankedUnit> units;
        for (const pqxx::row& row : rows) {
          units.push_back(RankedUnit{.row = pg::UnitFromRow(row), .rank = row["rank"].as<int64_t>()});
        }
        return units;
      });
}

absl::StatusOr<pb::Unit> PgDirectoryStore::CreateUnit(absl::string_view caller, const pb::CreateUnitRequest& req,
                                                      const std::string& search_text) {
  return db::RunInTransaction(pool_, "CreateUnit", [&](pqxx::work& tx) -> absl::StatusOr<pb::Unit> {
    return db::Idempotent<pb::Unit>(tx, caller, req.request_id(), "CreateUnit", req, [&]() -> absl::StatusOr<pb::Unit> {
      const pb::Unit& u = req.unit();
      if (!tx.exec_params(pg::kUnitExists, req.unit_id()).empty()) {
        return absl::AlreadyExistsError(absl::StrCat("unit_id: units/", req.unit_id(), " already exists"));
      }
      RETURN_IF_ERROR(CheckCodeFree(tx, u.code(), req.unit_id()));
      RETURN_IF_ERROR(pg::CheckNamesFree(tx, absl::StrCat("units/", req.unit_id()), pg::NamesOf(u)));
      RETURN_IF_ERROR(CheckParent(tx, req.unit_id(), LastSegment(u.parent())));
      tx.exec_params(kInsertUnit, req.unit_id(), u.code(), u.display_name(), static_cast<int>(u.kind()),
                     LastSegment(u.parent()), u.in_ministry(), u.electronic_id(), search_text);
      pg::WriteChildren(tx, req.unit_id(), u);
      tx.exec0(pg::kBumpRevision);
      return pg::ReadUnit(tx, req.unit_id());
    });
  });
}

absl::StatusOr<pb::Unit> PgDirectoryStore::UpdateUnit(absl::string_view caller, absl::string_view unit_id, absl::string_view method,
                                                      const google::protobuf::Message& request,
                                                      absl::string_view request_id, const UnitMutation& mutate,
                                                      const std::function<std::string(const pb::Unit&)>& search_text) {
  const std::string id(unit_id);
  return db::RunInTransaction(pool_, method, [&](pqxx::work& tx) -> absl::StatusOr<pb::Unit> {
    return db::Idempotent<pb::Unit>(tx, caller, request_id, method, request, [&]() -> absl::StatusOr<pb::Unit> {
      pg::LockNames(tx);  // Before the unit's row: the order every writer takes them in.
      ASSIGN_OR_RETURN(pb::Unit current, pg::ReadUnit(tx, id, /*lock=*/true));
      ASSIGN_OR_RETURN(pb::Unit u, mutate(current));
      RETURN_IF_ERROR(CheckCodeFree(tx, u.code(), id));
      RETURN_IF_ERROR(pg::CheckNamesFree(tx, absl::StrCat("units/", id), pg::NamesOf(u)));
      RETURN_IF_ERROR(CheckParent(tx, id, LastSegment(u.parent())));
      tx.exec_params(kUpdateUnit, id, u.code(), u.display_name(), static_cast<int>(u.kind()), LastSegment(u.parent()),
                     u.in_ministry(), u.electronic_id(), search_text(u));
      pg::WriteChildren(tx, id, u);
      tx.exec0(pg::kBumpRevision);
      return pg::ReadUnit(tx, id);
    });
  });
}

absl::StatusOr<std::vector<pb::Unit>> PgDirectoryStore::EndUnits(absl::string_view caller, const std::vector<std::string>& unit_ids,
                                                                 pb::UnitState state, absl::CivilDay date,
                                                                 const std::vector<std::string>& successor_ids,
                                                                 const EndRule& may_end, absl::string_view method,
                                                                 const google::protobuf::Message& request,
                                                                 absl::string_view request_id) {
  // Idempotency stores one message: the ended units, as a MergeUnitsResponse.
  absl::StatusOr<pb::MergeUnitsResponse> result =
      db::RunInTransaction(pool_, method, [&](pqxx::work& tx) -> absl::StatusOr<pb::MergeUnitsResponse> {
        return db::Idempotent<pb::MergeUnitsResponse>(
            tx, caller, request_id, method, request, [&]() -> absl::StatusOr<pb::MergeUnitsResponse> {
              pg::LockNames(tx);  // Before the units' rows: the order every writer takes them in.
              std::vector<std::string> all = unit_ids;
              all.insert(all.end(), successor_ids.begin(), successor_ids.end());
              pqxx::result locked = tx.exec_params(kLockUnits, IdArray(all));
              absl::flat_hash_map<std::string, LockedUnit> found;
              for (const auto& row : locked) {
                found[row[0].c_str()] = {.id = row[0].c_str(),
                                         .state = static_cast<pb::UnitState>(row[1].as<int>()),
                                         .etag = row[2].c_str()};
              }
              for (const std::string& id : all) {
                if (!found.contains(id)) return absl::NotFoundError(absl::StrCat("units/", id, " not found"));
              }
              std::vector<LockedUnit> ending, successors;
              for (const std::string& id : unit_ids) ending.push_back(found[id]);
              for (const std::string& id : successor_ids) successors.push_back(found[id]);
              RETURN_IF_ERROR(may_end(ending, successors));
              tx.exec_params(kEndUnits, IdArray(unit_ids), static_cast<int>(state), FormatIsoDate(date));
              for (const std::string& id : unit_ids) {
                for (size_t i = 0; i < successor_ids.size(); ++i) {
                  tx.exec_params(pg::kInsertSuccessor, id, successor_ids[i], static_cast<int>(i));
                }
              }
              tx.exec0(pg::kBumpRevision);
              pb::MergeUnitsResponse out;
              for (const std::string& id : unit_ids) {
                ASSIGN_OR_RETURN(*out.add_sources(), pg::ReadUnit(tx, id));
              }
              return out;
            });
      });
  if (!result.ok()) return result.status();
  return std::vector<pb::Unit>(result->sources().begin(), result->sources().end());
}

}  // namespace p06::directory
