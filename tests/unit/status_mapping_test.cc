#include "common/grpc/status_mapping.h"

#include <gtest/gtest.h>

#include "absl/status/status.h"

namespace p06 {
namespace {

TEST(StatusMappingTest, EveryCanonicalCodeKeepsItsNumberAndMessage) {
  for (int code = 1; code <= 16; ++code) {
    absl::Status in(static_cast<absl::StatusCode>(code), "why");
    grpc::Status out = ToGrpcStatus(in);
    EXPECT_EQ(static_cast<int>(out.error_code()), code);
    EXPECT_EQ(out.error_message(), "why");
    EXPECT_EQ(FromGrpcStatus(out), in);
  }
}

TEST(StatusMappingTest, OkIsOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(StatusMappingTest, OutOfRangeCodeBecomesUnknown) {
  absl::Status odd(static_cast<absl::StatusCode>(42), "odd");
  EXPECT_EQ(ToGrpcStatus(odd).error_code(), grpc::StatusCode::UNKNOWN);
}

TEST(StatusMappingTest, InvalidFieldNamesTheField) {
  absl::Status s = InvalidField("unit.code", "must not be empty");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "unit.code: must not be empty");
}

}  // namespace
}  // namespace p06
