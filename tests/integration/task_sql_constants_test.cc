// The SQL names the proto enum numbers it compares with (schema/functions/
// 00_constants.sql) instead of writing bare numbers; each must be the number the
// generated code has, or a query would quietly count the wrong rows.
#include <pqxx/pqxx>

#include "services/task/drafts.h"
#include "tests/integration/task_server.h"

namespace p06::testing {
namespace {

TEST_F(TaskServerTest, SqlConstantsAreTheProtoEnumNumbers) {
  pqxx::connection conn(database_url());
  pqxx::read_transaction tx(conn);
  auto value = [&](const std::string& fn) { return tx.exec1("SELECT task." + fn + "()")[0].as<int>(); };
  EXPECT_EQ(value("status_completed"), tpb::TASK_STATUS_COMPLETED);
  EXPECT_EQ(value("status_cancelled"), tpb::TASK_STATUS_CANCELLED);
  EXPECT_EQ(value("role_lead"), static_cast<int>(task::UnitRole::kLead));
  EXPECT_EQ(value("role_coordinating"), static_cast<int>(task::UnitRole::kCoordinating));
  EXPECT_EQ(value("event_progress_reported"), tpb::Event::KIND_PROGRESS_REPORTED);
}

}  // namespace
}  // namespace p06::testing
