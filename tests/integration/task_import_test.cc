// ImportPlan and the reads, through real gRPC: a directory server and a task server
// on one fresh database, the task service calling the directory over its channel.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <thread>

#include "absl/strings/str_replace.h"
#include "tests/harness/plan_fixture.h"
#include "tests/integration/task_server.h"

namespace p06::testing {
namespace {

using ::testing::HasSubstr;

class TaskImportTest : public TaskServerTest {};

TEST_F(TaskImportTest, ImportsThe2025PlanWithEveryUnitResolved) {
  tpb::ImportPlanResponse r = Import(PlanText());
  EXPECT_EQ(r.plan().name(), "plans/910-qd-btp-2025");
  EXPECT_EQ(r.plan().revision(), 1);
  EXPECT_EQ(r.plan().sections_size(), 7);
  ASSERT_EQ(r.tasks_size(), 49);
  EXPECT_EQ(r.diff().added_tasks_size(), 49);
  EXPECT_FALSE(r.unchanged());
  for (const auto& d : r.diagnostics()) {
    EXPECT_NE(d.kind(), tpb::ImportDiagnostic::KIND_UNRESOLVED_UNIT) << d.message();
    EXPECT_NE(d.kind(), tpb::ImportDiagnostic::KIND_UNKNOWN_TIME_PHRASE) << d.message();
  }
  // A former unit is tracked under its successor, with the text as printed kept.
  tpb::Task t45 = Task(45);
  EXPECT_EQ(Units(t45.lead_units()), std::vector<std::string>{"units/cuc-hctp"});
  EXPECT_EQ(t45.lead_units(0).text(), "Cục Hộ tịch, quốc tịch, chứng thực");
  EXPECT_TRUE(t45.lead_units(0).primary());
  // Compound cells split where every part is a unit.
  EXPECT_EQ(Units(Task(49).lead_units()), (std::vector<std::string>{"units/cuc-cntt", "units/cuc-qlthads"}));
  EXPECT_EQ(Units(Task(26).coordinating_units()), (std::vector<std::string>{"units/tandtc", "units/van-phong-chinh-phu",
                                                                            "groups/don-vi-thuoc-bo-lien-quan"}));
  EXPECT_EQ(Units(Task(47).lead_units()),
            (std::vector<std::string>{"units/van-phong-bo", "groups/don-vi-thuoc-bo-lien-quan"}));
  EXPECT_EQ(Units(Task(40).coordinating_units()),
            (std::vector<std::string>{"units/cuc-qlthads", "units/cuc-pbgdpl-tgpl", "units/cuc-bo-tro-tu-phap"}));
  EXPECT_EQ(CountEvents(), 50);  // The plan, and each of its tasks.
}

// What is stored and served is what the hand-checked fixture says, for every task:
// titles, schedules and due dates, products, funding, notes, sub-activities and
// targets, read back through ListTasks (units are checked above, as resolved).
TEST_F(TaskImportTest, TheImportedPlanIsTheHandCheckedFixture) {
  Import(PlanText());
  tpb::ListTasksRequest list;
  list.set_parent("plans/910-qd-btp-2025");
  list.set_page_size(100);
  tpb::ListTasksResponse r;
  ASSERT_TRUE(T(&TaskStub::ListTasks, list, &r).ok());
  ASSERT_EQ(r.tasks_size(), 49);
  const std::map<int, std::string> want = ReadTaskFixture(/*with_units=*/false);
  for (const tpb::Task& t : r.tasks()) {
    SCOPED_TRACE("task " + std::to_string(t.number()));
    ASSERT_TRUE(want.contains(t.number()));
    EXPECT_EQ(RenderTask(t, {}, {}, 2025, /*with_units=*/false), want.at(t.number()));
  }
}

TEST_F(TaskImportTest, TheSameTextAgainChangesNothing) {
  Import(PlanText());
  tpb::ImportPlanResponse again = Import(absl::StrReplaceAll(PlanText(), {{"\n", "\r\n"}}));
  EXPECT_TRUE(again.unchanged());
  EXPECT_EQ(again.plan().revision(), 1);
  EXPECT_EQ(again.tasks_size(), 49);
  EXPECT_EQ(CountEvents(), 50);
}

TEST_F(TaskImportTest, DryRunWritesNothing) {
  tpb::ImportPlanResponse r = Import(PlanText(), /*dry_run=*/true);
  EXPECT_EQ(r.tasks_size(), 49);
  EXPECT_EQ(r.diff().added_tasks_size(), 49);
  tpb::ListPlansResponse plans;
  ASSERT_TRUE(T(&TaskStub::ListPlans, tpb::ListPlansRequest(), &plans).ok());
  EXPECT_EQ(plans.plans_size(), 0);
  EXPECT_EQ(CountEvents(), 0);
}

TEST_F(TaskImportTest, ARevisedTextBecomesARevisionWithItsDiff) {
  Import(PlanText());
  std::string revised = PlanText();
  // Task 3 is now due in September; task 49, the last, is dropped with the rows that
  // continue it on the next page.
  size_t t3 = revised.find("\n3.\t");
  size_t t3_time = revised.find("Năm 2025", t3);
  revised.replace(t3_time, std::string("Năm 2025").size(), "Tháng 9");
  size_t t49 = revised.find("\n49.\t");
  revised.erase(t49);
  tpb::ImportPlanResponse preview = Import(revised, /*dry_run=*/true);
  EXPECT_EQ(preview.plan().revision(), 2);
  tpb::ImportPlanResponse r = Import(revised, /*dry_run=*/false, {49});  // The removal, confirmed.

  EXPECT_EQ(r.plan().revision(), 2);
  EXPECT_EQ(std::vector<int>(r.diff().changed_tasks().begin(), r.diff().changed_tasks().end()), std::vector<int>{3});
  EXPECT_EQ(std::vector<int>(r.diff().removed_tasks().begin(), r.diff().removed_tasks().end()), std::vector<int>{49});
  EXPECT_TRUE(r.diff().added_tasks().empty());
  EXPECT_EQ(preview.diff().SerializeAsString(), r.diff().SerializeAsString());
  EXPECT_EQ(Task(3).schedule().due_date().month(), 9);
  EXPECT_EQ(Numbers({}).size(), 48u);
}

TEST_F(TaskImportTest, ListTasksFilters) {
  Import(PlanText());
  tpb::ListTasksRequest by_lead;
  by_lead.set_lead_unit("units/cuc-hctp");
  std::vector<int> hctp = Numbers(by_lead);
  EXPECT_TRUE(std::find(hctp.begin(), hctp.end(), 45) != hctp.end());  // Through the successor.
  EXPECT_TRUE(std::find(hctp.begin(), hctp.end(), 24) != hctp.end());
  EXPECT_TRUE(std::find(hctp.begin(), hctp.end(), 5) != hctp.end());  // "Các đơn vị thuộc Bộ" leads 5.
  tpb::ListTasksRequest by_inspectorate;  // In April 2025 Thanh tra Bộ is one of the ministry's units.
  by_inspectorate.set_lead_unit("units/thanh-tra-bo");
  std::vector<int> inspectorate = Numbers(by_inspectorate);
  EXPECT_TRUE(std::find(inspectorate.begin(), inspectorate.end(), 5) != inspectorate.end());
  EXPECT_TRUE(std::find(inspectorate.begin(), inspectorate.end(), 15) != inspectorate.end());

  tpb::ListTasksRequest by_coordinator;
  by_coordinator.set_coordinating_unit("units/bo-cong-an");
  EXPECT_EQ(Numbers(by_coordinator), std::vector<int>{25});

  tpb::ListTasksRequest section;
  section.set_section_ordinal(3);  // The second "II".
  EXPECT_EQ(Numbers(section), (std::vector<int>{17, 18, 19, 20, 21, 22, 23}));

  tpb::ListTasksRequest text;
  text.set_query("HO TICH");
  std::vector<int> ho_tich = Numbers(text);
  EXPECT_TRUE(std::find(ho_tich.begin(), ho_tich.end(), 45) != ho_tich.end());
  // Every word typed, in any order, without diacritics: 27 and 36 speak of "định danh
  // và xác thực điện tử", "định danh, xác thực điện tử".
  text.set_query("dinh danh dien tu");
  std::vector<int> eid = Numbers(text);
  EXPECT_TRUE(std::find(eid.begin(), eid.end(), 27) != eid.end());
  EXPECT_TRUE(std::find(eid.begin(), eid.end(), 36) != eid.end());
  text.set_query("Điện tử,  ĐỊNH DANH");
  EXPECT_EQ(Numbers(text), eid);
  text.set_query("dinh danh dien tu khong-co-tu-nay");
  EXPECT_TRUE(Numbers(text).empty());

  tpb::ListTasksRequest march;  // The clock says 15/04/2025: task 1 (due 31/3) is overdue.
  march.set_overdue_only(true);
  std::vector<int> overdue = Numbers(march);
  EXPECT_TRUE(std::find(overdue.begin(), overdue.end(), 1) != overdue.end());
  EXPECT_TRUE(std::find(overdue.begin(), overdue.end(), 7) != overdue.end());  // Monthly: January's report.
  EXPECT_TRUE(std::find(overdue.begin(), overdue.end(), 3) == overdue.end());  // Due 31/12.
  EXPECT_TRUE(Task(1).overdue());
  EXPECT_FALSE(Task(3).overdue());

  tpb::ListTasksRequest page;
  page.set_parent("plans/910-qd-btp-2025");
  page.set_page_size(10);
  int seen = 0, pages = 0;
  for (;; ++pages) {
    tpb::ListTasksResponse r;
    ASSERT_TRUE(T(&TaskStub::ListTasks, page, &r).ok());
    seen += r.tasks_size();
    if (r.next_page_token().empty()) break;
    page.set_page_token(r.next_page_token());
  }
  EXPECT_EQ(seen, 49);
  EXPECT_EQ(pages, 4);
}

// Imported in June 2026, the 2025 plan is read as the units stood on its decision
// (05/03/2025) and tracked under those that carry the work on: "Các đơn vị thuộc Bộ"
// no longer counts Thanh tra Bộ (ended 2026-01-10, no successor), and does not count
// the Cục formed on that day, which took over none of 2025's units.
TEST_F(TaskImportTest, ThePlansNamesAreReadAsOfItsDecisionAndFollowedToToday) {
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 6, 1, 9, 0, 0), absl::FixedTimeZone(7 * 3600)));
  Import(PlanText());
  auto led_by = [&](const std::string& unit) {
    tpb::ListTasksRequest r;
    r.set_lead_unit(unit);
    return Numbers(r);
  };
  EXPECT_TRUE(led_by("units/thanh-tra-bo").empty());
  EXPECT_TRUE(led_by("units/cuc-ksthc").empty());
  const std::vector<int> cntt = led_by("units/cuc-cntt");
  EXPECT_TRUE(std::find(cntt.begin(), cntt.end(), 5) != cntt.end());
}

TEST_F(TaskImportTest, OccurrencesPerPeriod) {
  Import(PlanText());
  auto list = [&](const std::string& parent, int month) {
    tpb::ListOccurrencesRequest r;
    r.set_parent(parent);
    if (month > 0) {
      r.mutable_due_after()->set_year(2025);
      r.mutable_due_after()->set_month(month);
      r.mutable_due_after()->set_day(1);
      *r.mutable_due_before() = r.due_after();
      r.mutable_due_before()->set_day(28);
      r.mutable_due_before()->set_month(month);
      r.mutable_due_before()->set_day(month == 2 ? 28 : 30);
    }
    r.set_page_size(1000);
    tpb::ListOccurrencesResponse out;
    EXPECT_TRUE(T(&TaskStub::ListOccurrences, r, &out).ok());
    return out;
  };
  EXPECT_EQ(list("plans/910-qd-btp-2025/tasks/7", 0).occurrences_size(), 12);  // Hàng tháng
  tpb::ListOccurrencesResponse t8 = list("plans/910-qd-btp-2025/tasks/8", 0);
  ASSERT_EQ(t8.occurrences_size(), 2);  // Tháng 6 và Tháng 12
  EXPECT_EQ(t8.occurrences(0).name(), "plans/910-qd-btp-2025/tasks/8/occurrences/2025-06-30");
  tpb::ListOccurrencesResponse t33 = list("plans/910-qd-btp-2025/tasks/33", 0);
  ASSERT_EQ(t33.occurrences_size(), 2);  // Its two milestones.
  EXPECT_EQ(t33.occurrences(0).name(), "plans/910-qd-btp-2025/tasks/33/occurrences/2025-06-30-1");
  EXPECT_TRUE(list("plans/910-qd-btp-2025/tasks/9", 0).occurrences().empty());  // On request: none yet.
  EXPECT_TRUE(list("plans/910-qd-btp-2025/tasks/1", 0).occurrences(0).overdue());
}

// A text cut short must never wipe the plan: a cut inside a row is refused as
// truncated, and a cut between rows (which looks whole) is refused as a revision that
// removes tasks without saying so.
TEST_F(TaskImportTest, ATruncatedTextNeverRemovesTasks) {
  Import(PlanText());
  const int events = CountEvents();
  const std::string text = PlanText();
  tpb::ImportPlanRequest request;
  tpb::ImportPlanResponse response;
  request.set_text(text.substr(0, text.size() * 4 / 10));
  EXPECT_THAT(T(&TaskStub::ImportPlan, request, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line ")));
  std::string first_rows;  // The first 108 lines: whole rows, tasks 1 and 2.
  for (size_t at = 0, lines = 0; lines < 108 && at != std::string::npos; ++lines) {
    at = text.find('\n', at + 1);
    first_rows = text.substr(0, at);
  }
  request.set_text(first_rows);
  request.set_dry_run(true);
  ASSERT_TRUE(T(&TaskStub::ImportPlan, request, &response).ok());
  const std::vector<int> removed(response.diff().removed_tasks().begin(), response.diff().removed_tasks().end());
  ASSERT_GE(removed.size(), 40u);  // The dry run shows what would go.
  request.set_dry_run(false);
  EXPECT_THAT(T(&TaskStub::ImportPlan, request, &response),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("remove_tasks")));
  request.add_remove_tasks(49);  // Confirming some is not enough.
  EXPECT_THAT(T(&TaskStub::ImportPlan, request, &response), StatusIs(absl::StatusCode::kFailedPrecondition));
  request.add_remove_tasks(500);  // Nor confirming one the revision keeps.
  EXPECT_THAT(T(&TaskStub::ImportPlan, request, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task 500")));
  EXPECT_EQ(CountEvents(), events);
  EXPECT_EQ(Numbers({}).size(), 49u);

  // Meant: the removal goes through; the full text afterwards adds them back.
  tpb::ImportPlanResponse cut = Import(first_rows, false, removed);
  EXPECT_EQ(Numbers({}).size(), 49u - removed.size());
  tpb::ImportPlanResponse restored = Import(text, false, {});
  EXPECT_EQ(std::vector<int>(restored.diff().added_tasks().begin(), restored.diff().added_tasks().end()), removed);
  EXPECT_TRUE(restored.diff().changed_tasks().empty());
  EXPECT_EQ(Numbers({}).size(), 49u);
}

TEST_F(TaskImportTest, BadInputIsRefusedAndWritesNothing) {
  tpb::ImportPlanRequest request;
  tpb::ImportPlanResponse response;
  EXPECT_THAT(T(&TaskStub::ImportPlan, request, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("text")));
  request.set_text("Xin chào");
  EXPECT_THAT(T(&TaskStub::ImportPlan, request, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a plan")));
  request.set_text(std::string(50 << 20, 'x'));  // A 50 MB upload: refused at the door.
  EXPECT_THAT(T(&TaskStub::ImportPlan, request, &response), StatusIs(absl::StatusCode::kResourceExhausted));
  tpb::GetTaskRequest get;
  get.set_name("plans/910-qd-btp-2025/tasks/x");
  tpb::Task task;
  EXPECT_THAT(T(&TaskStub::GetTask, get, &task), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
  get.set_name("plans/910-qd-btp-2025/tasks/1");
  EXPECT_THAT(T(&TaskStub::GetTask, get, &task), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(CountEvents(), 0);
}

// The directory call inherits the caller's deadline: a directory that never answers
// holds the import no longer than the caller waits (the resolver's own timeout is 10 s).
TEST_F(TaskImportTest, TheDirectoryCallEndsWithTheCallersDeadline) {
  const int hole = socket(AF_INET, SOCK_STREAM, 0);  // Accepts connections, never answers.
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(hole, reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(listen(hole, 16), 0);
  ASSERT_EQ(getsockname(hole, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  task_options_.directory_target = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  StartTaskServer();

  tpb::ImportPlanRequest request;
  request.set_text(PlanText());
  tpb::ImportPlanResponse response;
  grpc::ClientContext ctx;
  AttachOffice(ctx);
  const absl::Time start = absl::Now();
  ctx.set_deadline(absl::ToChronoTime(start + absl::Seconds(1)));
  EXPECT_EQ(tasks_->ImportPlan(&ctx, request, &response).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  while (task_server_->InFlight() > 0 && absl::Now() - start < absl::Seconds(15)) absl::SleepFor(absl::Milliseconds(10));
  EXPECT_LT(absl::Now() - start, absl::Seconds(4)) << "the server went on waiting for the directory";
  EXPECT_EQ(CountEvents(), 0);
  close(hole);
}

TEST_F(TaskImportTest, DirectoryDownIsUnavailableAndWritesNothing) {
  server_->Shutdown(absl::ZeroDuration());  // The directory goes away.
  tpb::ImportPlanRequest request;
  request.set_text(PlanText());
  tpb::ImportPlanResponse response;
  EXPECT_THAT(T(&TaskStub::ImportPlan, request, &response),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("directory")));
  EXPECT_EQ(CountEvents(), 0);
}

}  // namespace
}  // namespace p06::testing
