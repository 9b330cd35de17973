#include "common/db/pg_errors.h"

#include <pqxx/except>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace p06::db {

absl::StatusCode CodeForSqlState(absl::string_view s) {
  using C = absl::StatusCode;
  if (s == "40001" || s == "40P01") return C::kAborted;          // serialization, deadlock
  if (s == "57014") return C::kDeadlineExceeded;                 // query_canceled (timeout)
  if (s == "55P03") return C::kUnavailable;                      // lock_not_available
  if (s == "23505") return C::kAlreadyExists;                    // unique_violation
  if (s == "23503") return C::kFailedPrecondition;               // foreign_key_violation
  if (s == "23514" || s == "23502") return C::kInvalidArgument;  // check, not null
  if (absl::StartsWith(s, "22")) return C::kInvalidArgument;     // data exception
  if (absl::StartsWith(s, "08") || absl::StartsWith(s, "53") ||  // connection, resources
      absl::StartsWith(s, "57P")) {                              // admin shutdown etc.
    return C::kUnavailable;
  }
  return C::kInternal;
}

bool IsConnectionFailure(const std::exception& e) {
  return dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ||
         dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr;
}

absl::Status CommitInDoubt(const std::exception& e, absl::string_view what) {
  log::Error("commit outcome unknown", {{"op", what}, {"error", e.what()}});
  return absl::UnavailableError("the database connection was lost during commit; retry with the same request_id");
}

absl::Status TranslateException(const std::exception& e, absl::string_view what) {
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) return CommitInDoubt(e, what);
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    log::Warning("database connection lost", {{"op", what}, {"error", e.what()}});
    return absl::UnavailableError("database unavailable; retry later");
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    absl::StatusCode code = CodeForSqlState(sql->sqlstate());
    log::Write(code == absl::StatusCode::kInternal ? log::Level::kError : log::Level::kInfo, "database error",
               {{"op", what}, {"sqlstate", sql->sqlstate()}, {"error", e.what()}});
    switch (code) {
      case absl::StatusCode::kAborted:
        return absl::AbortedError("concurrent modification; retry");
      case absl::StatusCode::kDeadlineExceeded:
        return absl::DeadlineExceededError(absl::StrCat(what, ": database statement timed out"));
      case absl::StatusCode::kUnavailable:
        return absl::UnavailableError("database busy or unavailable; retry later");
      case absl::StatusCode::kAlreadyExists:
        return absl::AlreadyExistsError(absl::StrCat(what, ": already exists"));
      case absl::StatusCode::kFailedPrecondition:
        return absl::FailedPreconditionError(absl::StrCat(what, ": referenced record is missing or still in use"));
      case absl::StatusCode::kInvalidArgument:
        return absl::InvalidArgumentError(absl::StrCat(what, ": value rejected by the database"));
      default:
        return absl::InternalError(absl::StrCat(what, ": internal database error"));
    }
  }
  log::Error("unexpected error in database work", {{"op", what}, {"error", e.what()}});
  return absl::InternalError(absl::StrCat(what, ": internal error"));
}

}  // namespace p06::db
