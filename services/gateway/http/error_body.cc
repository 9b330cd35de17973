#include "services/gateway/http/error_body.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace p06::gateway {

using google::protobuf::Struct;

int HttpStatusOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return 200;
    case grpc::StatusCode::CANCELLED: return 499;
    case grpc::StatusCode::INVALID_ARGUMENT: return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return 504;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::ALREADY_EXISTS: return 409;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return 429;
    case grpc::StatusCode::FAILED_PRECONDITION: return 400;
    case grpc::StatusCode::ABORTED: return 409;
    case grpc::StatusCode::OUT_OF_RANGE: return 400;
    case grpc::StatusCode::UNIMPLEMENTED: return 501;
    case grpc::StatusCode::UNAVAILABLE: return 503;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    default: return 500;  // UNKNOWN, INTERNAL, DATA_LOSS.
  }
}

const char* CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
                                       "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
                                       "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  return i >= 0 && i < 17 ? kNames[i] : "UNKNOWN";
}

std::string ErrorBody(const grpc::Status& status, const std::string& request_id, int http_status) {
  Struct body;
  Struct& error = *(*body.mutable_fields())["error"].mutable_struct_value();
  (*error.mutable_fields())["code"].set_number_value(http_status != 0 ? http_status : HttpStatusOf(status.error_code()));
  (*error.mutable_fields())["status"].set_string_value(CodeName(status.error_code()));
  (*error.mutable_fields())["message"].set_string_value(status.error_message());
  auto& details = *(*error.mutable_fields())["details"].mutable_list_value();
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    std::pair<std::string, std::string> parts = absl::StrSplit(status.error_message(), absl::MaxSplits(": ", 1));
    if (!parts.second.empty() && !parts.first.empty() && !absl::StrContains(parts.first, ' ')) {
      Struct& bad = *details.add_values()->mutable_struct_value();
      (*bad.mutable_fields())["@type"].set_string_value("type.googleapis.com/google.rpc.BadRequest");
      Struct& violation =
          *(*bad.mutable_fields())["fieldViolations"].mutable_list_value()->add_values()->mutable_struct_value();
      (*violation.mutable_fields())["field"].set_string_value(parts.first);
      (*violation.mutable_fields())["description"].set_string_value(parts.second);
    }
  }
  (*body.mutable_fields())["requestId"].set_string_value(request_id);
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(body, &json);
  return json;
}

}  // namespace p06::gateway
