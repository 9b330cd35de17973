#include "services/directory/storage/pg_rows.h"

#include "absl/strings/str_cat.h"
#include "common/db/arrays.h"
#include "common/grpc/proto_time.h"
#include "services/directory/storage/name_key.h"

namespace p06::directory::pg {
namespace {

// Class 3 of pg_advisory_xact_lock(int, int): writers of names.
constexpr char kLockNames[] = "SELECT pg_advisory_xact_lock(3, 0)";
constexpr char kAbbreviations[] = "SELECT abbreviation, expansion FROM abbreviations";
// Every name that resolves to something, with its holder ("units/…", "groups/…")
// other than $1, and the holder's display name.
constexpr char kNamesInUse[] = R"sql(
SELECT 'units/' || u.id, u.display_name, u.display_name FROM units u WHERE 'units/' || u.id <> $1
UNION ALL
SELECT 'units/' || u.id, a.text, u.display_name FROM unit_aliases a JOIN units u ON u.id = a.unit_id
WHERE 'units/' || u.id <> $1
UNION ALL
SELECT 'groups/' || g.id, g.display_name, g.display_name FROM unit_groups g WHERE 'groups/' || g.id <> $1
UNION ALL
SELECT 'groups/' || g.id, a.text, g.display_name FROM group_aliases a JOIN unit_groups g ON g.id = a.group_id
WHERE 'groups/' || g.id <> $1
)sql";

}  // namespace

void LockNames(pqxx::work& tx) { tx.exec(kLockNames); }

absl::Status CheckNamesFree(pqxx::work& tx, const std::string& owner, const std::vector<OwnName>& names) {
  LockNames(tx);
  // The abbreviations committed now, not this replica's index's: it may be an import
  // behind.
  std::vector<std::pair<std::string, std::string>> abbreviations;
  for (const auto& row : tx.exec(kAbbreviations)) abbreviations.emplace_back(row[0].c_str(), row[1].c_str());
  const Expansions expansions = FoldExpansions(abbreviations);
  std::vector<std::pair<std::string, const OwnName*>> mine;
  for (const OwnName& n : names) mine.emplace_back(NameKeyOf(n.text, expansions), &n);
  for (const auto& row : tx.exec_params(kNamesInUse, owner)) {
    const std::string key = NameKeyOf(row[1].c_str(), expansions);
    for (const auto& [my_key, name] : mine) {
      if (my_key.empty() || my_key != key) continue;
      return absl::AlreadyExistsError(absl::StrCat(name->field, ": \"", row[1].c_str(), "\" already names ",
                                                   row[0].c_str(), " (", row[2].c_str(),
                                                   "); a name must identify one unit or group"));
    }
  }
  return absl::OkStatus();
}


// One row per unit with its aliases, successors and endpoints as arrays: a page of
// units is one query, never one per unit.
const char kSelectUnits[] = R"sql(
SELECT u.id, u.code, u.display_name, u.kind, coalesce(u.parent_id, ''), u.in_ministry,
       u.state, coalesce(to_char(u.state_date, 'YYYY-MM-DD'), ''), u.electronic_id, u.version,
       (extract(epoch FROM u.create_time) * 1000000)::bigint,
       (extract(epoch FROM u.update_time) * 1000000)::bigint,
       ARRAY(SELECT a.text FROM unit_aliases a WHERE a.unit_id = u.id ORDER BY a.ordinal),
       ARRAY(SELECT a.kind FROM unit_aliases a WHERE a.unit_id = u.id ORDER BY a.ordinal),
       ARRAY(SELECT coalesce(to_char(a.until, 'YYYY-MM-DD'), '') FROM unit_aliases a WHERE a.unit_id = u.id
             ORDER BY a.ordinal),
       ARRAY(SELECT s.successor_id FROM unit_successors s WHERE s.unit_id = u.id ORDER BY s.ordinal),
       ARRAY(SELECT e.channel FROM unit_endpoints e WHERE e.unit_id = u.id ORDER BY e.ordinal),
       ARRAY(SELECT e.address FROM unit_endpoints e WHERE e.unit_id = u.id ORDER BY e.ordinal),
       ARRAY(SELECT e.daily_digest::int FROM unit_endpoints e WHERE e.unit_id = u.id ORDER BY e.ordinal),
       coalesce(to_char(u.valid_from, 'YYYY-MM-DD'), ''),
       ARRAY(SELECT coalesce(to_char(a.valid_from, 'YYYY-MM-DD'), '') FROM unit_aliases a WHERE a.unit_id = u.id
             ORDER BY a.ordinal)
FROM units u
)sql";

const char kSelectGroups[] = R"sql(
SELECT g.id, g.display_name, g.kind, g.version,
       ARRAY(SELECT a.text FROM group_aliases a WHERE a.group_id = g.id ORDER BY a.ordinal),
       ARRAY(SELECT a.kind FROM group_aliases a WHERE a.group_id = g.id ORDER BY a.ordinal),
       ARRAY(SELECT m.unit_id FROM group_members m WHERE m.group_id = g.id
             ORDER BY m.unit_id, m.valid_from NULLS FIRST),
       ARRAY(SELECT coalesce(to_char(m.valid_from, 'YYYY-MM-DD'), '') FROM group_members m WHERE m.group_id = g.id
             ORDER BY m.unit_id, m.valid_from NULLS FIRST),
       ARRAY(SELECT coalesce(to_char(m.valid_until, 'YYYY-MM-DD'), '') FROM group_members m WHERE m.group_id = g.id
             ORDER BY m.unit_id, m.valid_from NULLS FIRST)
FROM unit_groups g
)sql";

namespace {

void AddAliases(const std::vector<std::string>& texts, const std::vector<int>& kinds,
                google::protobuf::RepeatedPtrField<pb::Alias>* out) {
  for (size_t i = 0; i < texts.size() && i < kinds.size(); ++i) {
    pb::Alias* a = out->Add();
    a->set_text(texts[i]);
    a->set_kind(static_cast<pb::AliasKind>(kinds[i]));
  }
}


}  // namespace

namespace {

constexpr char kDeleteAliases[] = "DELETE FROM unit_aliases WHERE unit_id = $1";
constexpr char kInsertAlias[] =
    "INSERT INTO unit_aliases (unit_id, ordinal, text, kind, until, valid_from) "
    "VALUES ($1, $2, $3, $4, nullif($5, '')::date, nullif($6, '')::date)";
constexpr char kDeleteEndpoints[] = "DELETE FROM unit_endpoints WHERE unit_id = $1";
constexpr char kInsertEndpoint[] =
    "INSERT INTO unit_endpoints (unit_id, ordinal, channel, address, daily_digest) VALUES ($1, $2, $3, $4, $5)";

}  // namespace

std::string DateParam(const p06::type::v1::Date& d) {
  absl::StatusOr<absl::CivilDay> day = FromProtoDate(d, "date");
  return day.ok() ? FormatIsoDate(*day) : "";
}

void WriteChildren(pqxx::work& tx, const std::string& id, const pb::Unit& u) {
  tx.exec_params(kDeleteAliases, id);
  for (int i = 0; i < u.aliases_size(); ++i) {
    const pb::Alias& a = u.aliases(i);
    tx.exec_params(kInsertAlias, id, i, a.text(), static_cast<int>(a.kind()), DateParam(a.until()),
                   DateParam(a.valid_from()));
  }
  tx.exec_params(kDeleteEndpoints, id);
  for (int i = 0; i < u.notification_endpoints_size(); ++i) {
    const auto& e = u.notification_endpoints(i);
    tx.exec_params(kInsertEndpoint, id, i, static_cast<int>(e.channel()), e.address(), e.daily_digest());
  }
}

// The names a unit answers to, for pg::CheckNamesFree: its name and every alias but
// its former names (its own history, which resolve as SUCCESSOR_OF).
std::vector<pg::OwnName> NamesOf(const pb::Unit& u) {
  std::vector<pg::OwnName> names = {{u.display_name(), "unit.display_name"}};
  for (int i = 0; i < u.aliases_size(); ++i) {
    if (u.aliases(i).kind() != pb::ALIAS_KIND_FORMER_NAME) {
      names.push_back({u.aliases(i).text(), absl::StrCat("unit.aliases[", i, "]")});
    }
  }
  return names;
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
  AddAliases(db::TextArray(r[12]), db::IntArray(r[13]), u.mutable_aliases());
  std::vector<std::string> until = db::TextArray(r[14]);
  std::vector<std::string> from = db::TextArray(r[20]);
  for (int i = 0; i < u.aliases_size(); ++i) {
    absl::CivilDay day;
    if (i < static_cast<int>(until.size()) && ParseIsoDate(until[i], &day)) {
      *u.mutable_aliases(i)->mutable_until() = ToProtoDate(day);
    }
    if (i < static_cast<int>(from.size()) && ParseIsoDate(from[i], &day)) {
      *u.mutable_aliases(i)->mutable_valid_from() = ToProtoDate(day);
    }
  }
  for (const std::string& s : db::TextArray(r[15])) u.add_successors(absl::StrCat("units/", s));
  std::vector<int> channels = db::IntArray(r[16]);
  std::vector<std::string> addresses = db::TextArray(r[17]);
  std::vector<int> digest = db::IntArray(r[18]);
  for (size_t i = 0; i < channels.size() && i < addresses.size() && i < digest.size(); ++i) {
    pb::NotificationEndpoint* e = u.add_notification_endpoints();
    e->set_channel(static_cast<pb::NotificationEndpoint::Channel>(channels[i]));
    e->set_address(addresses[i]);
    e->set_daily_digest(digest[i] != 0);
  }
  absl::CivilDay valid_from;
  if (ParseIsoDate(r[19].c_str(), &valid_from)) *u.mutable_valid_from() = ToProtoDate(valid_from);
  return u;
}

std::vector<pb::Unit> UnitsFromRows(const pqxx::result& rows) {
  std::vector<pb::Unit> units;
  units.reserve(rows.size());
  for (const pqxx::row& r : rows) units.push_back(UnitFromRow(r));
  return units;
}

absl::StatusOr<pb::Unit> ReadUnit(pqxx::transaction_base& tx, absl::string_view unit_id, bool lock) {
  pqxx::result rows = tx.exec_params(absl::StrCat(kSelectUnits, " WHERE u.id = $1", lock ? " FOR UPDATE OF u" : ""),
                                     std::string(unit_id));
  if (rows.empty()) return absl::NotFoundError(absl::StrCat("units/", unit_id, " not found"));
  return UnitFromRow(rows[0]);
}

pb::Group GroupFromRow(const pqxx::row& r) {
  pb::Group g;
  g.set_name(absl::StrCat("groups/", r[0].c_str()));
  g.set_display_name(r[1].c_str());
  g.set_kind(static_cast<pb::Group::Kind>(r[2].as<int>()));
  g.set_etag(r[3].c_str());
  AddAliases(db::TextArray(r[4]), db::IntArray(r[5]), g.mutable_aliases());
  const std::vector<std::string> members = db::TextArray(r[6]), from = db::TextArray(r[7]), until = db::TextArray(r[8]);
  for (size_t i = 0; i < members.size(); ++i) {
    pb::GroupMembership* m = g.add_memberships();
    m->set_unit(absl::StrCat("units/", members[i]));
    // A unit's spells come together (ordered by unit, then first day): listed once.
    if (i == 0 || members[i] != members[i - 1]) g.add_members(m->unit());
    absl::CivilDay day;
    if (i < from.size() && ParseIsoDate(from[i], &day)) *m->mutable_valid_from() = ToProtoDate(day);
    if (i < until.size() && ParseIsoDate(until[i], &day)) *m->mutable_valid_until() = ToProtoDate(day);
  }
  return g;
}

absl::StatusOr<pb::Group> ReadGroup(pqxx::transaction_base& tx, absl::string_view group_id, bool lock) {
  pqxx::result rows = tx.exec_params(absl::StrCat(kSelectGroups, " WHERE g.id = $1", lock ? " FOR UPDATE OF g" : ""),
                                     std::string(group_id));
  if (rows.empty()) return absl::NotFoundError(absl::StrCat("groups/", group_id, " not found"));
  return GroupFromRow(rows[0]);
}

}  // namespace p06::directory::pg
