// The harness itself: a real cluster, a fresh database per test.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "tests/harness/pg_test.h"

namespace p06::testing {
namespace {

class HarnessTest : public PgTest {};

// One test, not a pair that passes only in a given order: what is left in one
// database is not in the next one the harness makes.
TEST_F(HarnessTest, EachDatabaseStartsEmptyAndSeesNothingOfAnother) {
  {
    pqxx::connection conn(database_url());
    pqxx::work tx(conn);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")[0].as<int>(), 0);
    tx.exec0("CREATE TABLE leftover (x int)");
    tx.commit();
    EXPECT_EQ(pqxx::nontransaction(conn).exec1("SELECT to_regclass('leftover') IS NULL")[0].as<bool>(), false);
  }
  absl::StatusOr<std::string> next = cluster().CreateDatabase();
  ASSERT_TRUE(next.ok()) << next.status();
  pqxx::connection conn(*next);
  pqxx::nontransaction tx(conn);
  EXPECT_EQ(tx.exec1("SELECT to_regclass('leftover') IS NULL")[0].as<bool>(), true);
  EXPECT_EQ(tx.exec1("SHOW server_version_num")[0].as<int>() / 10000, 15);
}

}  // namespace
}  // namespace p06::testing
