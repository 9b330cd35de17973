// The notification schema's SQL names the proto enum numbers it compares with
// (services/notification/schema/functions/00_constants.sql) instead of writing bare
// numbers; each must be the number the generated code has, or a query would quietly
// claim, fire or withdraw the wrong rows.
#include <pqxx/pqxx>

#include "common/db/migrations.h"
#include "p06/notification/v1/notification.pb.h"
#include "p06/task/v1/task.pb.h"
#include "tests/harness/pg_test.h"
#include "tests/harness/status_matchers.h"

std::span<const p06::db::Migration> NotificationMigrations();

namespace p06::testing {
namespace {

namespace npb = ::p06::notification::v1;
namespace tpb = ::p06::task::v1;

class NotificationSqlTest : public PgTest {};

TEST_F(NotificationSqlTest, SqlConstantsAreTheProtoEnumNumbers) {
  ASSERT_OK(db::ApplyMigrations(database_url(), "notification", NotificationMigrations()));
  pqxx::connection conn(database_url());
  pqxx::read_transaction tx(conn);
  auto value = [&](const std::string& fn) { return tx.exec1("SELECT notification." + fn + "()")[0].as<int>(); };
  EXPECT_EQ(value("notice_pending"), npb::Notice::STATE_PENDING);
  EXPECT_EQ(value("notice_withdrawn"), npb::Notice::STATE_WITHDRAWN);
  EXPECT_EQ(value("delivery_pending"), npb::Delivery::STATE_PENDING);
  EXPECT_EQ(value("delivery_delivered"), npb::Delivery::STATE_DELIVERED);
  EXPECT_EQ(value("delivery_failed"), npb::Delivery::STATE_FAILED);
  EXPECT_EQ(value("status_completed"), tpb::TASK_STATUS_COMPLETED);
  EXPECT_EQ(value("status_cancelled"), tpb::TASK_STATUS_CANCELLED);
}

}  // namespace
}  // namespace p06::testing
