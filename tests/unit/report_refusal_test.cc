// Every refusal code the SQL functions can answer (read from their source, so a new
// one cannot slip by) is one the enum knows, and an unknown one is a bug, not a
// success.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "services/task/storage/report_call.h"

namespace p06::task {
namespace {

std::set<std::string> CodesIn(const std::string& path) {
  std::ifstream in(std::string(P06_SOURCE_DIR "/") + path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string sql = text.str();
  std::set<std::string> codes;
  // RETURN 'code'; why := 'code'; SELECT 'code'[::text], NULL…: the answers, not comparisons.
  static const std::regex kAnswer(R"((RETURN|:=|QUERY SELECT)\s+'([a-z_]*)')");
  for (auto it = std::sregex_iterator(sql.begin(), sql.end(), kAnswer); it != std::sregex_iterator(); ++it) {
    codes.insert((*it)[2].str());
  }
  return codes;
}

TEST(ReportRefusalTest, EveryCodeTheSqlAnswersIsKnown) {
  std::set<std::string> codes = CodesIn("services/task/schema/functions/report_progress.sql");
  for (const std::string& c : CodesIn("common/db/functions/request_log.sql")) codes.insert(c);
  EXPECT_GE(codes.size(), 7u) << "the scan found too few codes to be reading the SQL";
  for (const std::string& code : codes) EXPECT_NE(ParseReportRefusal(code), ReportRefusal::kUnknown) << code;
  EXPECT_EQ(ParseReportRefusal("no_such_code"), ReportRefusal::kUnknown);
  EXPECT_EQ(RefusalStatus(ReportRefusal::kUnknown, {.task_name = "plans/x/tasks/1"}).code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace p06::task
