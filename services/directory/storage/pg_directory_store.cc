#include "services/directory/storage/pg_directory_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/db/transaction.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/status_mapping.h"

namespace p06::directory {
namespace {

// One row per unit with its aliases, successors and endpoints as arrays: a page of
// units is one query, never one per unit.
constexpr char kSelectUnits[] = R"sql(
SELECT u.id, u.code, u.display_name, u.kind, coalesce(u.parent_id, ''), u.in_ministry,
       u.state, coalesce(to_char(u.state_date, 'YYYY-MM-DD'), ''), u.electronic_id, u.version,
       (extract(epoch FROM u.create_time) * 1000000)::bigint,
       (extract(epoch FROM u.update_time) * 1000000)::bigint,
       ARRAY(SELECT a.text FROM unit_aliases a WHERE a.unit_id = u.id ORDER BY a.ordinal),
       ARRAY(SELECT a.kind FROM unit_aliases a WHERE a.unit_id = u.id ORDER BY a.ordinal),
       ARRAY(SELECT s.successor_id FROM unit_successors s WHERE s.unit_id = u.id ORDER BY s.ordinal),
       ARRAY(SELECT e.channel FROM unit_endpoints e WHERE e.unit_id = u.id ORDER BY e.ordinal),
       ARRAY(SELECT e.address FROM unit_endpoints e WHERE e.unit_id = u.id ORDER BY e.ordinal)
FROM units u
)sql";

constexpr char kWhereId[] = "WHERE u.id = $1";

// $1 kind (0 any), $2 parent ('' any), $3 scope, $4 active only, $5 folded query ('' any),
// $6 after code, $7 limit.
constexpr char kWhereListFilters[] = R"sql(
WHERE ($1 = 0 OR u.kind = $1)
  AND ($2 = '' OR u.parent_id = $2)
  AND ($3 = 0 OR u.in_ministry = ($3 = 1))
  AND (NOT $4 OR u.state = 1)
  AND ($5 = '' OR u.search_text LIKE '%' || $5 || '%')
  AND u.code > $6
ORDER BY u.code
LIMIT $7
)sql";

constexpr char kUnitExists[] = "SELECT 1 FROM units WHERE id = $1";
constexpr char kCodeTaken[] = "SELECT id FROM units WHERE code = $1";
constexpr char kInsertUnit[] = R"sql(
INSERT INTO units (id, code, display_name, kind, parent_id, in_ministry, electronic_id, search_text)
VALUES ($1, $2, $3, $4, nullif($5, ''), $6, $7, $8)
)sql";
constexpr char kInsertAlias[] =
    "INSERT INTO unit_aliases (unit_id, ordinal, text, kind) VALUES ($1, $2, $3, $4)";
constexpr char kInsertEndpoint[] =
    "INSERT INTO unit_endpoints (unit_id, ordinal, channel, address) VALUES ($1, $2, $3, $4)";
constexpr char kBumpRevision[] =
    "UPDATE directory_revision SET revision = revision + 1; NOTIFY directory_changed";

std::vector<std::string> TextArray(const pqxx::field& field) {
  std::vector<std::string> out;
  pqxx::array_parser parser = field.as_array();
  for (auto [juncture, value] = parser.get_next(); juncture != pqxx::array_parser::done;
       std::tie(juncture, value) = parser.get_next()) {
    if (juncture == pqxx::array_parser::string_value) out.push_back(value);
  }
  return out;
}

std::vector<int> IntArray(const pqxx::field& field) {
  std::vector<int> out;
  for (const std::string& s : TextArray(field)) out.push_back(std::stoi(s));
  return out;
}

pb::Unit UnitFromRow(const pqxx::row& r) {
  pb::Unit u;
  u.set_name(absl::StrCat("units/", r[0].c_str()));
  u.set_code(r[1].c_str());
  u.set_display_name(r[2].c_str());
  u.set_kind(static_cast<pb::UnitKind>(r[3].as<int>()));
  if (!r[4].as<std::string>().empty()) u.set_parent(absl::StrCat("units/", r[4].c_str()));
  u.set_in_ministry(r[5].as<bool>());
  u.set_state(static_cast<pb::UnitState>(r[6].as<int>()));
  absl::CivilDay state_date;
  if (ParseIsoDate(r[7].c_str(), &state_date)) *u.mutable_state_date() = ToProtoDate(state_date);
  u.set_electronic_id(r[8].c_str());
  u.set_etag(r[9].c_str());
  *u.mutable_create_time() = MicrosToProtoTimestamp(r[10].as<int64_t>());
  *u.mutable_update_time() = MicrosToProtoTimestamp(r[11].as<int64_t>());
  std::vector<std::string> alias_texts = TextArray(r[12]);
  std::vector<int> alias_kinds = IntArray(r[13]);
  for (size_t i = 0; i < alias_texts.size() && i < alias_kinds.size(); ++i) {
    pb::Alias* a = u.add_aliases();
    a->set_text(alias_texts[i]);
    a->set_kind(static_cast<pb::AliasKind>(alias_kinds[i]));
  }
  for (const std::string& s : TextArray(r[14])) u.add_successors(absl::StrCat("units/", s));
  std::vector<int> channels = IntArray(r[15]);
  std::vector<std::string> addresses = TextArray(r[16]);
  for (size_t i = 0; i < channels.size() && i < addresses.size(); ++i) {
    pb::NotificationEndpoint* e = u.add_notification_endpoints();
    e->set_channel(static_cast<pb::NotificationEndpoint::Channel>(channels[i]));
    e->set_address(addresses[i]);
  }
  return u;
}

std::string IdOf(const std::string& resource_name) {
  return resource_name.empty() ? "" : resource_name.substr(resource_name.find('/') + 1);
}

absl::StatusOr<pb::Unit> ReadUnit(pqxx::transaction_base& tx, absl::string_view unit_id) {
  pqxx::result rows = tx.exec_params(absl::StrCat(kSelectUnits, kWhereId), std::string(unit_id));
  if (rows.empty()) return absl::NotFoundError(absl::StrCat("units/", unit_id, " not found"));
  return UnitFromRow(rows[0]);
}

}  // namespace

absl::StatusOr<pb::Unit> PgDirectoryStore::GetUnit(absl::string_view unit_id) {
  return db::RunReadOnly(pool_, "GetUnit", [&](pqxx::read_transaction& tx) { return ReadUnit(tx, unit_id); });
}

absl::StatusOr<std::vector<pb::Unit>> PgDirectoryStore::ListUnits(const UnitQuery& q) {
  return db::RunReadOnly(pool_, "ListUnits", [&](pqxx::read_transaction& tx) -> absl::StatusOr<std::vector<pb::Unit>> {
    pqxx::result rows = tx.exec_params(absl::StrCat(kSelectUnits, kWhereListFilters), static_cast<int>(q.kind),
                                       q.parent_id, static_cast<int>(q.scope), q.active_only, q.folded_query,
                                       q.after_code, q.limit);
    std::vector<pb::Unit> units;
    units.reserve(rows.size());
    for (const pqxx::row& r : rows) units.push_back(UnitFromRow(r));
    return units;
  });
}

absl::StatusOr<pb::Unit> PgDirectoryStore::CreateUnit(const pb::CreateUnitRequest& req,
                                                      const std::string& search_text) {
  return db::RunInTransaction(pool_, "CreateUnit", [&](pqxx::work& tx) -> absl::StatusOr<pb::Unit> {
    return db::Idempotent<pb::Unit>(tx, req.request_id(), "CreateUnit", req, [&]() -> absl::StatusOr<pb::Unit> {
      const pb::Unit& u = req.unit();
      if (!tx.exec_params(kUnitExists, req.unit_id()).empty()) {
        return absl::AlreadyExistsError(absl::StrCat("unit_id: units/", req.unit_id(), " already exists"));
      }
      if (pqxx::result taken = tx.exec_params(kCodeTaken, u.code()); !taken.empty()) {
        return absl::AlreadyExistsError(
            absl::StrCat("unit.code: ", u.code(), " is already the code of units/", taken[0][0].c_str()));
      }
      const std::string parent_id = IdOf(u.parent());
      if (!parent_id.empty() && tx.exec_params(kUnitExists, parent_id).empty()) {
        return absl::FailedPreconditionError(absl::StrCat("unit.parent: ", u.parent(), " does not exist"));
      }
      tx.exec_params(kInsertUnit, req.unit_id(), u.code(), u.display_name(), static_cast<int>(u.kind()), parent_id,
                     u.in_ministry(), u.electronic_id(), search_text);
      for (int i = 0; i < u.aliases_size(); ++i) {
        tx.exec_params(kInsertAlias, req.unit_id(), i, u.aliases(i).text(), static_cast<int>(u.aliases(i).kind()));
      }
      for (int i = 0; i < u.notification_endpoints_size(); ++i) {
        const auto& e = u.notification_endpoints(i);
        tx.exec_params(kInsertEndpoint, req.unit_id(), i, static_cast<int>(e.channel()), e.address());
      }
      tx.exec0(kBumpRevision);
      return ReadUnit(tx, req.unit_id());
    });
  });
}

}  // namespace p06::directory
