#include "common/db/idempotency.h"

#include <pqxx/pqxx>

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

absl::StatusOr<std::optional<std::string>> LookupRequest(pqxx::transaction_base& tx, absl::string_view caller,
                                                         absl::string_view request_id, absl::string_view method,
                                                         const google::protobuf::Message& request) {
  pqxx::result rows = tx.exec_params("SELECT outcome, response FROM request_log_lookup($1, $2, $3, $4)",
                                     std::string(caller), std::string(request_id), std::string(method),
                                     RequestFingerprint(request));
  if (rows.empty()) return std::nullopt;
  if (rows[0][0].as<std::string>() != kReplay) return RequestIdReusedError();
  return pqxx::binarystring(rows[0][1]).str();
}

void RecordRequest(pqxx::transaction_base& tx, absl::string_view caller, absl::string_view request_id,
                   absl::string_view method, const google::protobuf::Message& request,
                   const google::protobuf::Message& response) {
  tx.exec_params("SELECT request_log_record($1, $2, $3, $4, $5)", std::string(caller), std::string(request_id),
                 std::string(method), RequestFingerprint(request), pqxx::binarystring(response.SerializeAsString()));
}

}  // namespace p06::db
