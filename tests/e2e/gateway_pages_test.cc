// The gateway's aggregate pages over real HTTP against the real services: complete
// when every service answers, and in time with the missing part named when one is
// stopped or hangs.
#include <signal.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/e2e/gateway_fixture.h"

namespace p06 {
namespace {

using ::p06::testing::GatewayTest;
using google::protobuf::Struct;
using google::protobuf::Value;

constexpr char kPlan[] = "plans/910-qd-btp-2025";

const Value& At(const Struct& s, const std::string& field) {
  static const Value kNull;
  auto it = s.fields().find(field);
  return it == s.fields().end() ? kNull : it->second;
}

// "part backend code" of each missing part.
std::vector<std::string> MissingOf(const Struct& page) {
  std::vector<std::string> out;
  for (const Value& m : At(page, "missing").list_value().values()) {
    const Struct& part = m.struct_value();
    out.push_back(absl::StrCat(At(part, "part").string_value(), " ", At(part, "backend").string_value(), " ",
                               At(part, "code").string_value()));
  }
  return out;
}

class GatewayPagesTest : public GatewayTest {
 protected:
  // Every task of the plan is in the overview, each lead labelled with the directory's
  // display name (fetched here through the gateway's own ListUnits/ListGroups routes),
  // which for some units differs from the plan's text: the names were joined, not copied.
  void ExpectCompleteTasks(const Struct& overview) {
    std::map<std::string, std::string> names;
    for (const char* list : {"/v1/units?pageSize=1000", "/v1/groups?pageSize=1000"}) {
      auto r = Call("GET", list, Office());
      ASSERT_EQ(r->status, 200) << r->body;
      const Struct page = Json(r->body);
      for (const char* field : {"units", "groups"}) {
        for (const Value& u : At(page, field).list_value().values()) {
          names[At(u.struct_value(), "name").string_value()] = At(u.struct_value(), "displayName").string_value();
        }
      }
    }
    auto r = Call("GET", absl::StrCat("/v1/", kPlan, "/tasks?pageSize=1000"), Office());
    ASSERT_EQ(r->status, 200);
    std::map<std::string, std::string> text;  // Unit → the plan's text for it.
    const Struct plan_tasks = Json(r->body);
    for (const Value& t : At(plan_tasks, "tasks").list_value().values()) {
      for (const Value& u : At(t.struct_value(), "leadUnits").list_value().values()) {
        text[At(u.struct_value(), "unit").string_value()] = At(u.struct_value(), "text").string_value();
      }
    }
    const auto& tasks = At(overview, "tasks").list_value().values();
    ASSERT_EQ(tasks.size(), 49);
    int differs_from_text = 0;
    for (const Value& t : tasks) {
      for (const Value& lead : At(t.struct_value(), "leadUnits").list_value().values()) {
        const std::string unit = At(lead.struct_value(), "unit").string_value();
        const std::string shown = At(lead.struct_value(), "displayName").string_value();
        if (unit.empty()) continue;
        EXPECT_EQ(shown, names[unit]) << unit;
        differs_from_text += shown != text[unit];
      }
    }
    EXPECT_GT(differs_from_text, 0);
  }
};

TEST_F(GatewayPagesTest, PlanOverviewJoinsEveryService) {
  auto r = Call("GET", absl::StrCat("/v1/", kPlan, ":overview"), Office());
  ASSERT_EQ(r->status, 200) << r->body;
  const Struct overview = Json(r->body);
  EXPECT_EQ(At(overview, "plan").string_value(), kPlan);
  EXPECT_FALSE(At(overview, "title").string_value().empty());
  ExpectCompleteTasks(overview);
  EXPECT_TRUE(MissingOf(overview).empty()) << absl::StrJoin(MissingOf(overview), "; ") << r->body.substr(0, 1500);
  // The reporting service's counts cover every occurrence.
  EXPECT_GT(At(At(overview, "counts").struct_value(), "total").number_value(), 0);
}

TEST_F(GatewayPagesTest, PlanOverviewWithReportingStoppedComesInTimeWithCountsMissing) {
  reporting_.reset();
  const absl::Time start = absl::Now();
  auto r = Call("GET", absl::StrCat("/v1/", kPlan, ":overview"), Office());
  const absl::Duration took = absl::Now() - start;
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_LT(took, absl::Seconds(2)) << "the page's budget is 1 s";
  const Struct overview = Json(r->body);
  EXPECT_EQ(MissingOf(overview), std::vector<std::string>{"counts p06.reporting.v1.ReportingService UNAVAILABLE"});
  EXPECT_FALSE(overview.fields().contains("counts"));
  ExpectCompleteTasks(overview);
}

TEST_F(GatewayPagesTest, PlanOverviewWithReportingHungComesByTheDeadline) {
  // Stopped but not dead: its socket accepts, nothing answers.
  reporting_->process().Signal(SIGSTOP);
  const absl::Time start = absl::Now();
  auto r = Call("GET", absl::StrCat("/v1/", kPlan, ":overview"), Office());
  const absl::Duration took = absl::Now() - start;
  reporting_->process().Signal(SIGCONT);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_GE(took, absl::Milliseconds(900));
  EXPECT_LT(took, absl::Seconds(3));
  const Struct overview = Json(r->body);
  EXPECT_EQ(MissingOf(overview), std::vector<std::string>{"counts p06.reporting.v1.ReportingService DEADLINE_EXCEEDED"});
  ExpectCompleteTasks(overview);
}

TEST_F(GatewayPagesTest, PlanOverviewOfAnUnknownPlanIsNotFound) {
  EXPECT_EQ(Call("GET", "/v1/plans/khong-co:overview", Office())->status, 404);
  EXPECT_EQ(Call("GET", absl::StrCat("/v1/", kPlan, ":overview?dueWithinWorkingDays=61"), Office())->status, 400);
  EXPECT_EQ(Call("GET", absl::StrCat("/v1/", kPlan, ":overview"), "")->status, 401);
}

TEST_F(GatewayPagesTest, UnitPageShowsWhatTheUnitLeadsAndSupports) {
  const std::string path = absl::StrCat("/v1/units/vu-pldskt:page?plan=", kPlan);
  auto r = Call("GET", path, Office());
  ASSERT_EQ(r->status, 200) << r->body;
  const Struct page = Json(r->body);
  EXPECT_EQ(At(At(page, "unit").struct_value(), "name").string_value(), "units/vu-pldskt");
  EXPECT_TRUE(MissingOf(page).empty()) << absl::StrJoin(MissingOf(page), "; ");
  // The same tasks as the task service's own filters give.
  auto names_of = [](const Value& list) {
    std::vector<std::string> names;
    for (const Value& t : list.list_value().values()) names.push_back(At(t.struct_value(), "name").string_value());
    return names;
  };
  auto direct = [&](const std::string& query) {
    auto r = Call("GET", absl::StrCat("/v1/", kPlan, "/tasks?pageSize=1000&", query), Office());
    EXPECT_EQ(r->status, 200);
    return names_of(At(Json(r->body), "tasks"));
  };
  EXPECT_FALSE(names_of(At(page, "leads")).empty());
  EXPECT_EQ(names_of(At(page, "leads")), direct("leadUnit=units/vu-pldskt"));
  EXPECT_EQ(names_of(At(page, "supports")), direct("coordinatingUnit=units/vu-pldskt"));
  EXPECT_EQ(names_of(At(page, "overdue")), direct("leadUnit=units/vu-pldskt&overdueOnly=true"));

  // The notification service stopped: the notices are missing, the rest is there.
  notification_.reset();
  r = Call("GET", path, Office());
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(MissingOf(Json(r->body)),
            std::vector<std::string>{"unread_notices p06.notification.v1.NotificationService UNAVAILABLE"});
  EXPECT_EQ(Json(r->body).fields().at("leads").list_value().values_size(),
            At(page, "leads").list_value().values_size());

  EXPECT_EQ(Call("GET", "/v1/units/khong-co:page?plan=" + std::string(kPlan), Office())->status, 404);
  EXPECT_EQ(Call("GET", "/v1/units/vu-pldskt:page", Office())->status, 400);
}

}  // namespace
}  // namespace p06
