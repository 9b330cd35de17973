// The REST API's one error body, and its gRPC → HTTP status table, row by row against
// grpc-gateway's runtime.HTTPStatusFromCode (which AIP-193 follows).
#include "services/gateway/http/error_body.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace p06::gateway {
namespace {

using grpc::StatusCode;

TEST(ErrorBodyTest, EveryCodeHasGrpcGatewaysHttpStatus) {
  const std::vector<std::pair<StatusCode, int>> table = {
      {StatusCode::OK, 200},
      {StatusCode::CANCELLED, 499},
      {StatusCode::UNKNOWN, 500},
      {StatusCode::INVALID_ARGUMENT, 400},
      {StatusCode::DEADLINE_EXCEEDED, 504},
      {StatusCode::NOT_FOUND, 404},
      {StatusCode::ALREADY_EXISTS, 409},
      {StatusCode::PERMISSION_DENIED, 403},
      {StatusCode::RESOURCE_EXHAUSTED, 429},
      {StatusCode::FAILED_PRECONDITION, 400},
      {StatusCode::ABORTED, 409},
      {StatusCode::OUT_OF_RANGE, 400},
      {StatusCode::UNIMPLEMENTED, 501},
      {StatusCode::INTERNAL, 500},
      {StatusCode::UNAVAILABLE, 503},
      {StatusCode::DATA_LOSS, 500},
      {StatusCode::UNAUTHENTICATED, 401},
  };
  ASSERT_EQ(table.size(), 17u);  // Every canonical code.
  for (const auto& [code, http] : table) EXPECT_EQ(HttpStatusOf(code), http) << CodeName(code);
  EXPECT_EQ(HttpStatusOf(static_cast<StatusCode>(99)), 500);
  EXPECT_STREQ(CodeName(static_cast<StatusCode>(99)), "UNKNOWN");
}

google::protobuf::Struct Parse(const std::string& json) {
  google::protobuf::Struct s;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &s).ok()) << json;
  return s;
}

TEST(ErrorBodyTest, AnInvalidArgumentNamesItsFieldInTheDetails) {
  const google::protobuf::Struct body = Parse(ErrorBody(
      grpc::Status(StatusCode::INVALID_ARGUMENT, "report.percent_complete: must be 0..100"), "req-1"));
  const auto& error = body.fields().at("error").struct_value().fields();
  EXPECT_EQ(error.at("code").number_value(), 400);
  EXPECT_EQ(error.at("status").string_value(), "INVALID_ARGUMENT");
  EXPECT_EQ(error.at("message").string_value(), "report.percent_complete: must be 0..100");
  const auto& violation = error.at("details").list_value().values(0).struct_value().fields().at("fieldViolations")
                              .list_value().values(0).struct_value().fields();
  EXPECT_EQ(violation.at("field").string_value(), "report.percent_complete");
  EXPECT_EQ(violation.at("description").string_value(), "must be 0..100");
  EXPECT_EQ(body.fields().at("requestId").string_value(), "req-1");
}

TEST(ErrorBodyTest, AMessageWithoutAFieldHasNoViolationAndAnAnswerMayOverrideTheStatus) {
  // The part before ": " has a space: it is no field name, and none is made up of it.
  const google::protobuf::Struct plain =
      Parse(ErrorBody(grpc::Status(StatusCode::INVALID_ARGUMENT, "malformed HTTP request: bad bytes"), ""));
  EXPECT_EQ(plain.fields().at("error").struct_value().fields().at("details").list_value().values_size(), 0);
  // 415 for a body that is not JSON, though the code is INVALID_ARGUMENT.
  const google::protobuf::Struct media =
      Parse(ErrorBody(grpc::Status(StatusCode::INVALID_ARGUMENT, "Content-Type: must be application/json"), "", 415));
  EXPECT_EQ(media.fields().at("error").struct_value().fields().at("code").number_value(), 415);
}

}  // namespace
}  // namespace p06::gateway
