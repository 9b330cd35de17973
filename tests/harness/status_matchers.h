// GoogleTest helpers for absl::Status and absl::StatusOr.
//
//   EXPECT_OK(DoThing());
//   EXPECT_THAT(repo.Get("x"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("units/x")));
#pragma once

#include <gmock/gmock.h>
#include <grpcpp/support/status.h>
#include <gtest/gtest.h>

#include "absl/status/statusor.h"

namespace p06::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}
inline absl::Status GetStatus(const grpc::Status& s) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

MATCHER_P(StatusIs, code, "has status code " + ::testing::PrintToString(absl::StatusCode(code))) {
  const absl::Status status = ::p06::testing::GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == absl::StatusCode(code);
}

MATCHER_P2(StatusIs, code, message_matcher, "") {
  const absl::Status status = ::p06::testing::GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == absl::StatusCode(code) && ::testing::Matches(message_matcher)(std::string(status.message()));
}

#define EXPECT_OK(expr) EXPECT_THAT((expr), ::p06::testing::StatusIs(absl::StatusCode::kOk))
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::p06::testing::StatusIs(absl::StatusCode::kOk))

}  // namespace p06::testing
