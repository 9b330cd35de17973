#include "common/db/idempotency.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/base/hash.h"
#include "common/base/invalid_field.h"
#include "common/base/request_id_syntax.h"

namespace p06::db {
std::string RequestFingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  if (const auto* field = copy->GetDescriptor()->FindFieldByName("request_id")) {
    copy->GetReflection()->ClearField(copy.get(), field);
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  return StableHashHex(bytes);
}

absl::Status RequestIdReusedError() {
  return InvalidField("request_id", "already used for a different request; use a new request_id");
}

absl::Status ValidateRequestId(absl::string_view request_id) {
  if (!IsValidRequestId(request_id)) {
    return InvalidField("request_id", "must be 1..128 printable ASCII characters without spaces");
  }
  return absl::OkStatus();
}

std::string RequestLockKey(absl::string_view caller, absl::string_view request_id) {
  return absl::StrCat(caller, " ", request_id);
}

absl::StatusOr<std::optional<std::string>> LookupRequest(pqxx::transaction_base& tx, absl::string_view caller,
                                                         absl::string_view request_id, absl::string_view method,
                                                         const google::protobuf::Message& request) {
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", RequestLockKey(caller, request_id));
  pqxx::result rows = tx.exec_params(absl::StrCat("SELECT method, fingerprint, response FROM ", kRequestLogTable,
                                                  " WHERE caller = $1 AND request_id = $2"),
                                     std::string(caller), std::string(request_id));
  if (rows.empty()) return std::nullopt;
  const pqxx::row& row = rows[0];
  if (row[0].as<std::string>() != method || row[1].as<std::string>() != RequestFingerprint(request)) {
    return RequestIdReusedError();
  }
  pqxx::binarystring response(row[2]);
  return response.str();
}

void RecordRequest(pqxx::transaction_base& tx, absl::string_view caller, absl::string_view request_id,
                   absl::string_view method, const google::protobuf::Message& request,
                   const google::protobuf::Message& response) {
  std::string bytes = response.SerializeAsString();
  tx.exec_params(absl::StrCat("INSERT INTO ", kRequestLogTable,
                              " (caller, request_id, method, fingerprint, response) VALUES ($1, $2, $3, $4, $5)"),
                 std::string(caller), std::string(request_id), std::string(method), RequestFingerprint(request),
                 pqxx::binarystring(bytes));
}

}  // namespace p06::db
