#include "common/server/server_config.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "tests/harness/status_matchers.h"

ABSL_DECLARE_FLAG(int, db_pool_size);

namespace p06 {
namespace {

using ::p06::testing::StatusIs;

TEST(ServerConfigTest, EnvironmentSetsFlags) {
  setenv("P06_DB_POOL_SIZE", "7", 1);
  EXPECT_OK(ApplyEnvironmentToFlags());
  EXPECT_EQ(absl::GetFlag(FLAGS_db_pool_size), 7);
  unsetenv("P06_DB_POOL_SIZE");
}

TEST(ServerConfigTest, MalformedEnvironmentValueNamesTheVariable) {
  setenv("P06_DB_POOL_SIZE", "many", 1);
  EXPECT_THAT(ApplyEnvironmentToFlags(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("P06_DB_POOL_SIZE")));
  unsetenv("P06_DB_POOL_SIZE");
}

TEST(ServerConfigTest, ValidateNamesTheBadSetting) {
  ServerConfig c;
  c.service = "directory";
  c.db.url = "postgresql:///x";
  c.internal_keys_dir = "/run/p06/keys";
  EXPECT_OK(c.Validate());
  c.grpc_port = 70000;
  EXPECT_THAT(c.Validate(), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("grpc_port")));
  c.grpc_port = 0;
  c.db.url = "";
  EXPECT_THAT(c.Validate(), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("database_url")));
  c.db.url = "postgresql:///x";
  c.internal_keys_dir = "";
  EXPECT_THAT(c.Validate(), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("internal_keys_dir")));
}

TEST(ServerConfigTest, LogStringHidesThePassword) {
  ServerConfig c;
  c.db.url = "postgresql://p06:hunter2@db/p06";
  EXPECT_EQ(c.ToLogString().find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace p06
