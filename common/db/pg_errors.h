// Translation of libpqxx exceptions into canonical statuses. Database error text is
// logged here and never forwarded to clients.
#pragma once

#include <exception>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace p06::db {

// Maps an exception thrown while running `what` (a short name of the unit of work) to:
//   UNAVAILABLE        connection lost, server shutting down, lock wait timed out, or a
//                      commit whose outcome is unknown (retry with the same request_id);
//   ABORTED            serialization failure or deadlock (retry the read-modify-write);
//   DEADLINE_EXCEEDED  statement_timeout cancelled the query;
//   ALREADY_EXISTS     unique violation;  FAILED_PRECONDITION  foreign-key violation;
//   INVALID_ARGUMENT   check violation or invalid data;  INTERNAL  anything else.
absl::Status TranslateException(const std::exception& e, absl::string_view what);

// UNAVAILABLE for work whose commit may or may not have happened: only a retry with
// the same request_id can settle it. Logs `e`.
absl::Status CommitInDoubt(const std::exception& e, absl::string_view what);

// Maps a SQLSTATE code alone (exposed for tests).
absl::StatusCode CodeForSqlState(absl::string_view sqlstate);

// True when `e` means the connection itself is unusable.
bool IsConnectionFailure(const std::exception& e);

}  // namespace p06::db
