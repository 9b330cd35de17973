// The mutual-TLS port's map of certificate subjects to systems: bad lines are named,
// scopes allow what they say and nothing more.
#include "services/gateway/proxy/client_principals.h"

#include <gtest/gtest.h>

namespace p06::gateway {
namespace {

TEST(ClientPrincipalsTest, ParsesAndScopes) {
  auto p = ClientPrincipals::Parse(
      "# comment\n"
      "\n"
      "CN=a,O=B,C=VN | system:a | units/bo-cong-an | system, viewer | reads, /p06.task.v1.TaskService/ReportProgress\n"
      "CN=b | system:b | | system | /p06.directory.v1.DirectoryService/*\n");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->size(), 2u);
  const ClientPrincipal* a = p->Find("CN=a,O=B,C=VN");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->principal.subject, "system:a");
  EXPECT_EQ(a->principal.unit, "units/bo-cong-an");
  EXPECT_EQ(a->principal.roles, (std::vector<std::string>{"system", "viewer"}));
  EXPECT_TRUE(a->Allows("/p06.task.v1.TaskService/GetTask", true));
  EXPECT_TRUE(a->Allows("/p06.task.v1.TaskService/ReportProgress", false));
  EXPECT_FALSE(a->Allows("/p06.task.v1.TaskService/ImportPlan", false));
  const ClientPrincipal* b = p->Find("CN=b");
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(b->Allows("/p06.directory.v1.DirectoryService/CreateUnit", false));
  EXPECT_FALSE(b->Allows("/p06.directory.v1.DirectoryServiceX/GetUnit", true));
  EXPECT_FALSE(b->Allows("/p06.task.v1.TaskService/GetTask", true));
  EXPECT_EQ(p->Find("CN=a"), nullptr);  // Exact subjects only.
}

TEST(ClientPrincipalsTest, NamesTheBadLine) {
  const struct {
    const char* text;
    const char* says;
  } cases[] = {
      {"CN=a | s | | system\n", "line 1: needs 5 fields"},
      {"# x\n | s | | system | reads\n", "line 2: empty certificate subject"},
      {"CN=a |  | | system | reads\n", "line 1: empty principal subject"},
      {"CN=a | s | bo-cong-an | system | reads\n", "line 1: unit must be"},
      {"CN=a | s | | root | reads\n", "line 1: unknown role \"root\""},
      {"CN=a | s | | system | everything\n", "line 1: scope \"everything\""},
      {"CN=a | s | | system |\n", "line 1: no scope"},
      {"CN=a | s | | system | reads\nCN=a | t | | system | reads\n", "line 2: subject listed twice"},
  };
  for (const auto& c : cases) {
    auto p = ClientPrincipals::Parse(c.text);
    ASSERT_FALSE(p.ok()) << c.text;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(p.status().message().find(c.says), absl::string_view::npos) << p.status().message();
  }
}

}  // namespace
}  // namespace p06::gateway
