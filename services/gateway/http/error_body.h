// The one error body of the REST API, and the gRPC → HTTP status table of AIP-193
// (as grpc-gateway maps them):
//   {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "report.percentComplete: must be 0..100",
//              "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
//                           "fieldViolations": [{"field": "report.percent_complete", "description": "must be 0..100"}]}]},
//    "requestId": "…"}
// The field comes from the message's "field: problem" shape (common/base/invalid_field.h).
#pragma once

#include <grpcpp/support/status.h>

#include <string>

namespace p06::gateway {

int HttpStatusOf(grpc::StatusCode code);
// "INVALID_ARGUMENT".
const char* CodeName(grpc::StatusCode code);
// `http_status` 0: HttpStatusOf(status).
std::string ErrorBody(const grpc::Status& status, const std::string& request_id, int http_status = 0);

}  // namespace p06::gateway
