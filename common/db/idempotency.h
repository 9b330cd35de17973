// Idempotent mutations: a retried request (same request_id) returns the first result
// without a second effect; the same request_id with a different request is refused.
//
// Use inside the mutation's transaction, so that the effect and its record commit
// together (or not at all):
//
//   return db::RunInTransaction(pool, "CreateUnit", [&](pqxx::work& tx) -> absl::StatusOr<Unit> {
//     return db::Idempotent<Unit>(tx, caller, req.request_id(), "CreateUnit", req, [&]() -> absl::StatusOr<Unit> {
//       ... the effect ...
//     });
//   });
//
// Request ids are scoped to the caller (the principal's subject): the same id sent by
// another caller is another request, and never returns the first caller's response.
// The caller's permission is checked before the log is consulted (the effect checks it
// again), so a replay cannot pass a check the first request passed for someone else.
//
// Concurrent requests with one id are serialised by a transaction-level advisory lock,
// so the second waits for the first and then returns its result. The log lives in the
// service's schema, with the SQL functions that lock, look up and record (created by
// ApplyMigrations from common/db/functions/request_log.sql). Only successful results are recorded:
// a failed request may be retried with the same id.
#pragma once

#include <google/protobuf/message.h>

#include <optional>
#include <pqxx/transaction_base>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/base/status_macros.h"

namespace p06::db {

inline constexpr char kRequestLogTable[] = "request_log";

// The stored response of an earlier request with this id, or nullopt.
// INVALID_ARGUMENT when the id was used for a different method or request.
absl::StatusOr<std::optional<std::string>> LookupRequest(pqxx::transaction_base& tx, absl::string_view caller,
                                                         absl::string_view request_id, absl::string_view method,
                                                         const google::protobuf::Message& request);

// Records the response of a completed request.
void RecordRequest(pqxx::transaction_base& tx, absl::string_view caller, absl::string_view request_id,
                   absl::string_view method,
                   const google::protobuf::Message& request, const google::protobuf::Message& response);

// The request without its request_id, serialised deterministically and hashed: tells
// a retry from a different request that reuses the id.
std::string RequestFingerprint(const google::protobuf::Message& request);

// INVALID_ARGUMENT: the request_id was used before for a different request.
absl::Status RequestIdReusedError();

// What request_log_lookup (common/db/functions/request_log.sql) answers for a
// request id seen before: a retry of the same request, or another request.
inline constexpr char kReplay[] = "replay";
inline constexpr char kRequestIdReused[] = "request_id_reused";

// INVALID_ARGUMENT unless `request_id` is 1..128 printable ASCII without spaces.
absl::Status ValidateRequestId(absl::string_view request_id);

template <typename Response, typename Fn>
absl::StatusOr<Response> Idempotent(pqxx::transaction_base& tx, absl::string_view caller, absl::string_view request_id,
                                    absl::string_view method, const google::protobuf::Message& request, Fn&& effect) {
  if (request_id.empty()) return effect();  // The caller chose not to be idempotent.
  RETURN_IF_ERROR(ValidateRequestId(request_id));
  ASSIGN_OR_RETURN(std::optional<std::string> earlier, LookupRequest(tx, caller, request_id, method, request));
  if (earlier.has_value()) {
    Response response;
    if (!response.ParseFromString(*earlier)) return absl::InternalError("stored response unreadable");
    return response;
  }
  ASSIGN_OR_RETURN(Response response, effect());
  RecordRequest(tx, caller, request_id, method, request, response);
  return response;
}

}  // namespace p06::db
