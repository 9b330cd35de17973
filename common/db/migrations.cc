#include "common/db/migrations.h"

#include <pqxx/pqxx>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/base/hash.h"
#include "common/base/status_macros.h"
#include "common/db/idempotency.h"
#include "common/db/pg_errors.h"
#include "common/log/log.h"

// The SQL functions every service schema has (common/db/functions/*.sql, embedded by
// p06_embed_sql_functions): created before the service's own, which may call them.
std::span<const p06::db::Migration> CommonSqlFunctions();

namespace p06::db {
namespace {

bool IsIdentifier(absl::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

absl::Status ValidateList(absl::string_view schema, std::span<const Migration> migrations) {
  if (!IsIdentifier(schema)) {
    return absl::InvalidArgumentError(absl::StrCat("schema name \"", schema, "\" is not a lower-case identifier"));
  }
  bool repeatable_seen = false;
  int last = 0;
  for (const Migration& m : migrations) {
    if (m.version == kRepeatable) {
      repeatable_seen = true;
      continue;
    }
    if (m.version < 0 || m.version <= last || repeatable_seen) {
      return absl::InvalidArgumentError(
          absl::StrCat("migration ", m.name, ": versions must be positive and increasing, repeatable files last"));
    }
    last = m.version;
  }
  return absl::OkStatus();
}

absl::Status Apply(pqxx::connection& conn, const std::string& schema, std::span<const Migration> migrations) {
  {
    pqxx::work tx(conn);
    tx.exec0(absl::StrCat("CREATE SCHEMA IF NOT EXISTS ", schema));
    tx.exec0(absl::StrCat("CREATE TABLE IF NOT EXISTS ", schema,
                          ".schema_migrations ("
                          " version integer PRIMARY KEY,"
                          " name text NOT NULL,"
                          " checksum text NOT NULL,"
                          " applied_at timestamptz NOT NULL DEFAULT now())"));
    tx.exec0(absl::StrCat("CREATE TABLE IF NOT EXISTS ", schema, ".", kRequestLogTable,
                          " ("
                          " caller text NOT NULL DEFAULT '',"
                          " request_id text NOT NULL,"
                          " method text NOT NULL,"
                          " fingerprint text NOT NULL,"
                          " response bytea NOT NULL,"
                          " create_time timestamptz NOT NULL DEFAULT now(),"
                          " PRIMARY KEY (caller, request_id))"));
    tx.commit();
  }
  pqxx::result applied;
  {
    pqxx::read_transaction tx(conn);
    applied =
        tx.exec(absl::StrCat("SELECT version, name, checksum FROM ", schema, ".schema_migrations ORDER BY version"));
  }
  int newest_known = 0;
  for (const Migration& m : migrations) newest_known = std::max(newest_known, m.version);
  int current = 0;
  for (const auto& row : applied) {
    int version = row[0].as<int>();
    current = std::max(current, version);
    if (version > newest_known) {
      return absl::FailedPreconditionError(absl::StrCat("schema ", schema, " is at version ", version, " (",
                                                        row[1].c_str(), "), newer than this binary knows (",
                                                        newest_known, "); deploy the newer binary"));
    }
    for (const Migration& m : migrations) {
      if (m.version == version && FileChecksum(m.sql) != row[2].c_str()) {
        return absl::FailedPreconditionError(absl::StrCat("migration ", m.name,
                                                          " was changed after it was applied to schema ", schema,
                                                          "; add a new migration instead of editing an applied one"));
      }
    }
  }
  for (const Migration& m : migrations) {
    if (m.version == kRepeatable || m.version <= current) continue;
    pqxx::work tx(conn);
    tx.exec0(absl::StrCat("SET LOCAL search_path TO ", schema));
    try {
      tx.exec(m.sql);
    } catch (const pqxx::sql_error& e) {
      return absl::InternalError(absl::StrCat("migration ", m.name, " failed: ", e.what()));
    }
    tx.exec_params0(
        absl::StrCat("INSERT INTO ", schema, ".schema_migrations (version, name, checksum) VALUES ($1, $2, $3)"),
        m.version, std::string(m.name), FileChecksum(m.sql));
    tx.commit();
    log::Info("migration applied", {{"schema", schema}, {"version", m.version}, {"name", m.name}});
  }
  pqxx::work tx(conn);
  tx.exec0(absl::StrCat("SET LOCAL search_path TO ", schema));
  std::vector<Migration> repeatable(CommonSqlFunctions().begin(), CommonSqlFunctions().end());
  for (const Migration& m : migrations) {
    if (m.version == kRepeatable) repeatable.push_back(m);
  }
  for (const Migration& m : repeatable) {
    try {
      tx.exec(m.sql);
    } catch (const pqxx::sql_error& e) {
      return absl::InternalError(absl::StrCat("schema file ", m.name, " failed: ", e.what()));
    }
  }
  tx.commit();
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyMigrations(const std::string& conninfo, absl::string_view schema_view,
                             std::span<const Migration> migrations) {
  RETURN_IF_ERROR(ValidateList(schema_view, migrations));
  const std::string schema(schema_view);
  try {
    pqxx::connection conn(conninfo);
    // A session-level advisory lock: held across the per-file transactions below.
    const std::string lock_key = absl::StrCat("p06.migrations.", schema);
    auto advisory = [&](const char* fn) {
      pqxx::nontransaction tx(conn);
      tx.exec_params(absl::StrCat("SELECT ", fn, "(hashtext($1))"), lock_key);
    };
    advisory("pg_advisory_lock");
    absl::Status status = Apply(conn, schema, migrations);
    advisory("pg_advisory_unlock");
    return status;
  } catch (const std::exception& e) {
    return TranslateException(e, absl::StrCat("migrate ", schema));
  }
}

std::string FileChecksum(absl::string_view text) { return StableHashHex(text); }

absl::StatusOr<int> CurrentSchemaVersion(const std::string& conninfo, absl::string_view schema) {
  if (!IsIdentifier(schema)) return absl::InvalidArgumentError("bad schema name");
  try {
    pqxx::connection conn(conninfo);
    pqxx::read_transaction tx(conn);
    pqxx::row exists =
        tx.exec_params1("SELECT to_regclass($1) IS NOT NULL", absl::StrCat(schema, ".schema_migrations"));
    if (!exists[0].as<bool>()) return 0;
    pqxx::row row = tx.exec1(absl::StrCat("SELECT coalesce(max(version), 0) FROM ", schema, ".schema_migrations"));
    return row[0].as<int>();
  } catch (const std::exception& e) {
    return TranslateException(e, "schema version");
  }
}

}  // namespace p06::db
