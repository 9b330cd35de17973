#include "common/db/migrations.h"

#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>

#include "tests/harness/pg_test.h"
#include "tests/harness/status_matchers.h"

namespace p06::db {
namespace {

using ::p06::testing::StatusIs;
using ::testing::HasSubstr;

const Migration kV1[] = {{1, "001_a.sql", "CREATE TABLE a (x int);"}};
const Migration kV2[] = {{1, "001_a.sql", "CREATE TABLE a (x int);"},
                         {2, "002_b.sql", "CREATE TABLE b (y int); INSERT INTO b VALUES (1);"}};

class MigrationsTest : public ::p06::testing::PgTest {
 protected:
  int Count(const std::string& sql) {
    pqxx::connection conn(database_url());
    pqxx::read_transaction tx(conn);
    return tx.exec1(sql)[0].as<int>();
  }
};

TEST_F(MigrationsTest, AppliesInOrderIntoTheSchemaAndRecordsEach) {
  ASSERT_OK(ApplyMigrations(database_url(), "svc", kV2));
  EXPECT_EQ(*CurrentSchemaVersion(database_url(), "svc"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM svc.b"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM svc.schema_migrations"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM svc.request_log"), 0);
}

TEST_F(MigrationsTest, SecondRunAppliesOnlyWhatIsNew) {
  ASSERT_OK(ApplyMigrations(database_url(), "svc", kV1));
  ASSERT_OK(ApplyMigrations(database_url(), "svc", kV2));
  ASSERT_OK(ApplyMigrations(database_url(), "svc", kV2));
  EXPECT_EQ(Count("SELECT count(*) FROM svc.b"), 1);
}

TEST_F(MigrationsTest, RefusesASchemaNewerThanTheBinary) {
  ASSERT_OK(ApplyMigrations(database_url(), "svc", kV2));
  EXPECT_THAT(ApplyMigrations(database_url(), "svc", kV1),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("newer than this binary")));
}

TEST_F(MigrationsTest, RefusesAnAppliedFileThatWasEdited) {
  ASSERT_OK(ApplyMigrations(database_url(), "svc", kV1));
  const Migration edited[] = {{1, "001_a.sql", "CREATE TABLE a (x bigint);"}};
  EXPECT_THAT(ApplyMigrations(database_url(), "svc", edited),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("001_a.sql was changed")));
}

TEST_F(MigrationsTest, FailingFileLeavesThePreviousVersionIntact) {
  ASSERT_OK(ApplyMigrations(database_url(), "svc", kV1));
  const Migration broken[] = {kV1[0], {2, "002_bad.sql", "CREATE TABLE c (z int); SELECT * FROM missing;"}};
  EXPECT_THAT(ApplyMigrations(database_url(), "svc", broken),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("002_bad.sql")));
  EXPECT_EQ(*CurrentSchemaVersion(database_url(), "svc"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM pg_tables WHERE schemaname = 'svc' AND tablename = 'c'"), 0);
}

TEST_F(MigrationsTest, ConcurrentRunnersApplyEachFileOnce) {
  // Without the advisory lock, the second runner would fail on CREATE TABLE or insert
  // the version twice.
  const Migration slow[] = {{1, "001_slow.sql", "SELECT pg_sleep(0.3); CREATE TABLE t (x int);"}};
  absl::Status a, b;
  std::thread ta([&] { a = ApplyMigrations(database_url(), "svc", slow); });
  std::thread tb([&] { b = ApplyMigrations(database_url(), "svc", slow); });
  ta.join();
  tb.join();
  EXPECT_OK(a);
  EXPECT_OK(b);
  EXPECT_EQ(Count("SELECT count(*) FROM svc.schema_migrations"), 1);
}

// Repeatable files (functions/*.sql) run at every start, after the numbered ones,
// and may change between releases without a new numbered migration.
TEST_F(MigrationsTest, RepeatableFilesRunAtEveryStartAndMayChange) {
  const Migration v1[] = {kV1[0], {kRepeatable, "functions/f.sql",
                                   "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';"}};
  const Migration v2[] = {kV1[0], {kRepeatable, "functions/f.sql",
                                   "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 2';"}};
  ASSERT_OK(ApplyMigrations(database_url(), "svc", v1));
  EXPECT_EQ(Count("SELECT svc.f()"), 1);
  ASSERT_OK(ApplyMigrations(database_url(), "svc", v2));
  EXPECT_EQ(Count("SELECT svc.f()"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM svc.schema_migrations"), 1);  // Not recorded as versions.
  const Migration numbered_after[] = {v1[1], kV1[0]};
  EXPECT_THAT(ApplyMigrations(database_url(), "svc", numbered_after), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(MigrationsTest, BadInputsAreRefused) {
  EXPECT_THAT(ApplyMigrations(database_url(), "Bad-Name", kV1), StatusIs(absl::StatusCode::kInvalidArgument));
  const Migration unordered[] = {kV2[1], kV2[0]};
  EXPECT_THAT(ApplyMigrations(database_url(), "svc", unordered), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ApplyMigrations("postgresql://postgres@127.0.0.1:1/x", "svc", kV1),
              StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace p06::db
