#include <gtest/gtest.h>

#include "common/db/pool.h"

namespace p06::db {
namespace {

TEST(ConnectionStringTest, UriGetsTimeoutsKeepalivesAndSearchPath) {
  PoolOptions o{.url = "postgresql://u@h:5432/db", .schema = "directory"};
  o.statement_timeout = absl::Seconds(3);
  std::string s = BuildConnectionString(o);
  EXPECT_EQ(s.rfind("postgresql://u@h:5432/db?connect_timeout=2&keepalives=1", 0), 0u) << s;
  EXPECT_NE(s.find("statement_timeout%3D3000"), std::string::npos) << s;
  EXPECT_NE(s.find("lock_timeout%3D5000"), std::string::npos) << s;
  EXPECT_NE(s.find("idle_in_transaction_session_timeout%3D30000"), std::string::npos) << s;
  EXPECT_NE(s.find("search_path%3Ddirectory"), std::string::npos) << s;
}

TEST(ConnectionStringTest, UriWithQueryIsExtended) {
  std::string s = BuildConnectionString({.url = "postgresql:///db?host=/tmp"});
  EXPECT_NE(s.find("?host=/tmp&connect_timeout="), std::string::npos) << s;
}

TEST(ConnectionStringTest, KeyValueStringGetsQuotedOptions) {
  std::string s = BuildConnectionString({.url = "host=/tmp dbname=x", .schema = "task"});
  EXPECT_NE(s.find(" keepalives='1'"), std::string::npos) << s;
  EXPECT_NE(s.find("options='-c statement_timeout=10000"), std::string::npos) << s;
}

TEST(ConnectionStringTest, PasswordsAreRedacted) {
  EXPECT_EQ(RedactUrl("postgresql://u:secret@h/db"), "postgresql://u:***@h/db");
  EXPECT_EQ(RedactUrl("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(RedactUrl("host=h password=secret dbname=x"), "host=h password=*** dbname=x");
}

}  // namespace
TEST(ConnectionStringTest, TcpUserTimeoutOnlyWhenAsked) {
  EXPECT_EQ(BuildConnectionString({.url = "postgresql:///db"}).find("tcp_user_timeout"), std::string::npos);
  EXPECT_NE(BuildConnectionString({.url = "host=/tmp", .tcp_user_timeout = absl::Seconds(3)})
                .find("tcp_user_timeout='3000'"),
            std::string::npos);
}

}  // namespace p06::db
