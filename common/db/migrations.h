// Schema migrations: each service owns one PostgreSQL schema and an ordered list of
// SQL files (services/<svc>/schema/NNN_name.sql, embedded at build time by
// cmake/P06Migrations.cmake).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace p06::db {

// Two kinds of files: numbered ones (schema/NNN_name.sql), applied once each in
// order and never edited after; and repeatable ones (schema/functions/name.sql,
// version kRepeatable, after every numbered one), applied at every start after the
// numbered ones, in one transaction: SQL functions written as CREATE OR REPLACE, so
// that changing one needs no new numbered migration.
inline constexpr int kRepeatable = 0;

struct Migration {
  int version;       // NNN from the file name, strictly increasing; kRepeatable.
  const char* name;  // The file name, recorded beside the version.
  const char* sql;
};

// Brings `schema` up to the newest of `migrations`:
//  - creates the infrastructure tables every service schema has: schema_migrations
//    and the request log of common/db/idempotency.h;
//  - serialised across processes by a PostgreSQL advisory lock on the schema name, so
//    replicas starting together apply each file once;
//  - each pending file runs in its own transaction together with its record in
//    <schema>.schema_migrations (version, name, checksum, applied_at); then the
//    repeatable files, all in one transaction;
//  - refuses (FAILED_PRECONDITION) a database whose schema is newer than the binary, or
//    whose applied file differs from the binary's (checksum mismatch);
//  - INVALID_ARGUMENT for a bad schema name or an unordered list; UNAVAILABLE when the
//    database cannot be reached. A failing file leaves the schema at the previous version.
absl::Status ApplyMigrations(const std::string& conninfo, absl::string_view schema,
                             std::span<const Migration> migrations);

// The checksum kept of an applied file (a migration, or a service's data file such as
// the directory's reference data), to notice one edited after it was applied.
std::string FileChecksum(absl::string_view text);

// The schema's current version (0 when none was applied).
absl::StatusOr<int> CurrentSchemaVersion(const std::string& conninfo, absl::string_view schema);

}  // namespace p06::db
