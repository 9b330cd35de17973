// The SQL names the proto enum numbers it compares with (schema/functions/
// 00_constants.sql) instead of writing bare numbers; each must be the number the
// generated code has, or a query would quietly count the wrong rows.
#include <pqxx/pqxx>

#include "services/task/drafts.h"
#include "services/task/storage/report_call.h"
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

// report_progress's arguments are bound by name from one table (report_call.cc): the
// table must list the function's parameters, in its order, or a report would be
// written with its fields in each other's places.
TEST_F(TaskServerTest, ReportArgsAreReportProgressParameters) {
  pqxx::connection conn(database_url());
  pqxx::read_transaction tx(conn);
  const pqxx::result rows = tx.exec(
      "SELECT unnest(p.proargnames[1:p.pronargs]) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
      "WHERE n.nspname = 'task' AND p.proname = 'report_progress'");
  std::vector<std::string> declared;
  for (const auto& row : rows) declared.push_back(row[0].as<std::string>());
  std::vector<std::string> bound;
  for (const task::ReportArg& arg : task::ReportArgs()) bound.push_back(arg.name);
  EXPECT_EQ(bound, declared);
}

}  // namespace
}  // namespace p06::testing
