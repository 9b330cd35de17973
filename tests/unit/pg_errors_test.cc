#include "common/db/pg_errors.h"

#include <gtest/gtest.h>

#include <pqxx/except>

namespace p06::db {
namespace {

TEST(PgErrorsTest, SqlStatesMapToCanonicalCodes) {
  using C = absl::StatusCode;
  EXPECT_EQ(CodeForSqlState("40001"), C::kAborted);
  EXPECT_EQ(CodeForSqlState("40P01"), C::kAborted);
  EXPECT_EQ(CodeForSqlState("57014"), C::kDeadlineExceeded);
  EXPECT_EQ(CodeForSqlState("55P03"), C::kUnavailable);
  EXPECT_EQ(CodeForSqlState("23505"), C::kAlreadyExists);
  EXPECT_EQ(CodeForSqlState("23503"), C::kFailedPrecondition);
  EXPECT_EQ(CodeForSqlState("23514"), C::kInvalidArgument);
  EXPECT_EQ(CodeForSqlState("22P02"), C::kInvalidArgument);
  EXPECT_EQ(CodeForSqlState("08006"), C::kUnavailable);
  EXPECT_EQ(CodeForSqlState("57P01"), C::kUnavailable);
  EXPECT_EQ(CodeForSqlState("53300"), C::kUnavailable);
  EXPECT_EQ(CodeForSqlState("42P01"), C::kInternal);
}

TEST(PgErrorsTest, DatabaseTextNeverReachesTheClient) {
  pqxx::unique_violation e("ERROR: duplicate key value violates unique constraint \"units_code_key\"", "INSERT ...",
                           "23505");
  absl::Status s = TranslateException(e, "CreateUnit");
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(s.message().find("units_code_key"), absl::string_view::npos);
  EXPECT_NE(s.message().find("CreateUnit"), absl::string_view::npos);
}

TEST(PgErrorsTest, LostConnectionIsUnavailableAndInDoubtCommitAsksForTheSameRequestId) {
  EXPECT_EQ(TranslateException(pqxx::broken_connection("gone"), "x").code(), absl::StatusCode::kUnavailable);
  absl::Status in_doubt = TranslateException(pqxx::in_doubt_error("maybe"), "x");
  EXPECT_EQ(in_doubt.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(in_doubt.message().find("same request_id"), absl::string_view::npos);
  EXPECT_TRUE(IsConnectionFailure(pqxx::broken_connection("gone")));
  EXPECT_FALSE(IsConnectionFailure(std::runtime_error("other")));
}

TEST(PgErrorsTest, UnknownExceptionIsInternal) {
  EXPECT_EQ(TranslateException(std::runtime_error("boom"), "x").code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace p06::db
