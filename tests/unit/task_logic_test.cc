// The task service's logic on fakes (tests/fakes): what it refuses before the store
// is asked, who it says reports, and what it asks the directory. No PostgreSQL.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include "common/grpc/proto_time.h"
#include "services/task/progress_service.h"
#include "services/task/task_service.h"
#include "services/task/unit_follower.h"
#include "tests/fakes/fake_task_store.h"
#include "tests/fakes/fake_unit_resolver.h"
#include "tests/harness/callers.h"
#include "tests/harness/fake_clock.h"
#include "tests/harness/status_matchers.h"

namespace p06::testing {
namespace {

namespace tpb = ::p06::task::v1;
namespace dpb = ::p06::directory::v1;
using ::testing::HasSubstr;

const Principal kHctp{.subject = "cv@hctp", .unit = "units/cuc-hctp", .roles = {kRoleUnitReporter}};

std::string PlanText() {
  std::ifstream in(P06_SOURCE_DIR "/deploy/plans/qd-910-btp-2025.txt");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class TaskLogicTest : public ::testing::Test {
 protected:
  FakeTaskStore store_;
  FakeUnitResolver units_;
  task::EventWaiter events_{"postgresql:///never-connected"};  // Never started: no connection.
  task::TaskCache cache_{store_, events_};
  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2025, 3, 10, 9, 0, 0), absl::UTCTimeZone())};
  task::TaskService tasks_{store_, cache_, units_, clock_};
  task::ProgressService progress_{store_, cache_, events_, clock_};

  // The 2025 plan's import as a dry run, by the Office.
  absl::StatusOr<tpb::ImportPlanResponse> PreviewPlan() {
    tpb::ImportPlanRequest request;
    request.set_text(PlanText());
    request.set_dry_run(true);
    return tasks_.ImportPlan(request, kOfficeCaller, {});
  }

  static tpb::ReportProgressRequest Report(int percent) {
    tpb::ReportProgressRequest r;
    r.set_parent("plans/910-qd-btp-2025/tasks/24");
    r.set_request_id("r-1");
    r.mutable_report()->set_status(tpb::TASK_STATUS_IN_PROGRESS);
    r.mutable_report()->set_percent_complete(percent);
    r.mutable_report()->set_summary("Đã triển khai");
    return r;
  }
};

// Bad input is refused naming its field, and the store never hears of it.
TEST_F(TaskLogicTest, AReportIsValidatedBeforeTheStoreIsAsked) {
  tpb::ReportProgressRequest no_id = Report(10);
  no_id.clear_request_id();
  EXPECT_THAT(progress_.ReportProgress(no_id, kHctp), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("request_id")));
  EXPECT_THAT(progress_.ReportProgress(Report(101), kHctp),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("report.percent_complete")));
  tpb::ReportProgressRequest bad_parent = Report(10);
  bad_parent.set_parent("plans/910-qd-btp-2025/tasks/x");
  EXPECT_THAT(progress_.ReportProgress(bad_parent, kHctp), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("parent")));
  tpb::ReportProgressRequest bad_occurrence = Report(10);
  bad_occurrence.mutable_report()->set_occurrence("plans/910-qd-btp-2025/tasks/24/occurrences/2025-13-01");
  EXPECT_THAT(progress_.ReportProgress(bad_occurrence, kHctp),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("report.occurrence")));
  tpb::ReportProgressRequest control = Report(10);
  control.mutable_report()->set_summary("a\x01b");
  EXPECT_THAT(progress_.ReportProgress(control, kHctp), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("report.summary")));
  EXPECT_TRUE(store_.reports().empty());
}

// A unit reports for itself; only the Office reports for another unit, and says so.
TEST_F(TaskLogicTest, WhoReportsIsTheCallersUnitOrForTheOfficeTheUnitNamed) {
  ASSERT_OK(progress_.ReportProgress(Report(10), kHctp));
  tpb::ReportProgressRequest for_other = Report(20);
  for_other.mutable_report()->set_reporting_unit("units/bo-cong-an");
  EXPECT_THAT(progress_.ReportProgress(for_other, kHctp), StatusIs(absl::StatusCode::kPermissionDenied));
  ASSERT_OK(progress_.ReportProgress(for_other, kOfficeCaller));
  Principal no_unit{.subject = "x", .roles = {kRoleUnitReporter}};
  EXPECT_THAT(progress_.ReportProgress(Report(30), no_unit),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("report.reporting_unit")));

  const std::vector<FakeTaskStore::ReportCall> calls = store_.reports();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].reporter.unit, "units/cuc-hctp");
  EXPECT_EQ(calls[0].reporter.subject, "cv@hctp");
  EXPECT_FALSE(calls[0].reporter.on_behalf);
  EXPECT_EQ(calls[1].reporter.unit, "units/bo-cong-an");
  EXPECT_TRUE(calls[1].reporter.on_behalf);
  EXPECT_EQ(calls[1].number, 24);
}

// A completion date belongs to a COMPLETED report, defaults to the day of the report
// in Vietnam, and lies between the plan's decision and today.
TEST_F(TaskLogicTest, ACompletionDateIsTheReportsDayUnlessStatedAndNeverInTheFuture) {
  tpb::Plan plan;
  plan.mutable_decision_date()->set_year(2025);
  plan.mutable_decision_date()->set_month(3);
  plan.mutable_decision_date()->set_day(1);
  store_.PutPlan("910-qd-btp-2025", plan);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2025, 3, 10, 20, 0, 0), absl::UTCTimeZone()));  // 11/3 03:00 in Hà Nội.
  tpb::ReportProgressRequest done = Report(100);
  done.mutable_report()->set_status(tpb::TASK_STATUS_COMPLETED);
  ASSERT_OK(progress_.ReportProgress(done, kHctp));
  ASSERT_EQ(store_.reports().size(), 1u);
  EXPECT_EQ(store_.reports()[0].report.completion_date().day(), 11);

  auto with_date = [&](int y, int m, int d) {
    tpb::ReportProgressRequest r = done;
    r.mutable_report()->mutable_completion_date()->set_year(y);
    r.mutable_report()->mutable_completion_date()->set_month(m);
    r.mutable_report()->mutable_completion_date()->set_day(d);
    return r;
  };
  EXPECT_THAT(progress_.ReportProgress(with_date(2025, 3, 12), kHctp),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("in the future")));
  EXPECT_THAT(progress_.ReportProgress(with_date(2025, 2, 28), kHctp),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("before the plan")));
  ASSERT_OK(progress_.ReportProgress(with_date(2025, 3, 5), kHctp));
  tpb::ReportProgressRequest not_done = with_date(2025, 3, 5);
  not_done.mutable_report()->set_status(tpb::TASK_STATUS_IN_PROGRESS);
  EXPECT_THAT(progress_.ReportProgress(not_done, kHctp),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("report.completion_date")));
  EXPECT_EQ(store_.reports().size(), 2u);
}

// Output-only fields a caller sends are dropped, not stored as the caller's word.
TEST_F(TaskLogicTest, AReportsOutputFieldsAreTheStoresNotTheCallers) {
  tpb::ReportProgressRequest forged = Report(10);
  forged.mutable_report()->set_name("plans/910-qd-btp-2025/tasks/24/progress/1");
  forged.mutable_report()->set_reported_by("someone-else");
  ASSERT_OK(progress_.ReportProgress(forged, kHctp));
  ASSERT_EQ(store_.reports().size(), 1u);
  EXPECT_EQ(store_.reports()[0].report.name(), "");
  EXPECT_EQ(store_.reports()[0].report.reported_by(), "");
}

// The importer asks the directory once per distinct unit cell text, and a dry run
// saves nothing.
TEST_F(TaskLogicTest, AnImportAsksEachUnitNameOnceAndADryRunSavesNothing) {
  units_.ResolveEverything();
  tpb::ImportPlanRequest request;
  request.set_text(PlanText());
  request.set_dry_run(true);
  absl::StatusOr<tpb::ImportPlanResponse> preview = tasks_.ImportPlan(request, kOfficeCaller, {});
  ASSERT_OK(preview);
  EXPECT_EQ(preview->tasks_size(), 49);
  EXPECT_TRUE(store_.saved().empty());
  const std::vector<std::string> asked = units_.Asked();
  ASSERT_FALSE(asked.empty());
  EXPECT_EQ(std::set<std::string>(asked.begin(), asked.end()).size(), asked.size()) << "a name was asked twice";

  request.set_dry_run(false);
  ASSERT_OK(tasks_.ImportPlan(request, kOfficeCaller, {}));
  ASSERT_EQ(store_.saved().size(), 1u);
  EXPECT_EQ(store_.saved()[0].plan_id, "910-qd-btp-2025");
  EXPECT_EQ(store_.saved()[0].tasks.size(), 49u);
}

// A plan's names are asked as of its decision (05/03/2025), followed to today.
// GetTask's answer without a wait: a bad name at once, a task only once it is cached,
// and nothing again once an event drops it (then GetTask loads it).
TEST_F(TaskLogicTest, AnAnswerWithoutWaitingIsOnlyWhatTheCacheHolds) {
  tpb::Task stored;
  stored.set_name("plans/910-qd-btp-2025/tasks/7");
  stored.set_title("Một nhiệm vụ");
  store_.PutTask(stored);
  tpb::GetTaskRequest request;
  request.set_name("plans/910-qd-btp-2025/tasks/x");
  std::optional<absl::StatusOr<tpb::Task>> bad = tasks_.GetTaskWithoutWaiting(request);
  ASSERT_TRUE(bad.has_value());
  EXPECT_THAT(*bad, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));

  request.set_name(stored.name());
  EXPECT_FALSE(tasks_.GetTaskWithoutWaiting(request).has_value());  // Not cached: it must be loaded.
  ASSERT_OK(tasks_.GetTask(request));                                // Loads, and keeps it.
  std::optional<absl::StatusOr<tpb::Task>> cached = tasks_.GetTaskWithoutWaiting(request);
  ASSERT_TRUE(cached.has_value());
  ASSERT_OK(*cached);
  EXPECT_EQ((*cached)->title(), "Một nhiệm vụ");

  cache_.Invalidate("plans/910-qd-btp-2025/tasks/7/progress/3");
  EXPECT_FALSE(tasks_.GetTaskWithoutWaiting(request).has_value());
}

TEST_F(TaskLogicTest, APlansNamesAreAskedAsOfItsDecisionFollowedToToday) {
  units_.ResolveEverything();
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 6, 1, 9, 0, 0), absl::UTCTimeZone()));
  ASSERT_OK(PreviewPlan());
  const std::vector<task::ResolutionDays> days = units_.Days();
  ASSERT_FALSE(days.empty());
  for (const task::ResolutionDays& d : days) {
    EXPECT_EQ(d.as_of, absl::CivilDay(2025, 3, 5));
    EXPECT_EQ(d.follow_to, absl::CivilDay(2026, 6, 1));
  }
}

// A cell naming a unit that ended with no successor is kept as text, and said so on
// its line: the task is not silently left without it.
TEST_F(TaskLogicTest, AUnitEndedWithNoSuccessorIsDiagnosedNotDropped) {
  units_.ResolveEverything();
  units_.AddEnded("Văn phòng Bộ", "units/van-phong-bo");
  absl::StatusOr<tpb::ImportPlanResponse> preview = PreviewPlan();
  ASSERT_OK(preview);
  int said = 0;
  for (const tpb::ImportDiagnostic& d : preview->diagnostics()) {
    if (d.kind() != tpb::ImportDiagnostic::KIND_UNRESOLVED_UNIT) continue;
    EXPECT_THAT(d.message(), HasSubstr("\"Văn phòng Bộ\" names units/van-phong-bo, which ended with no successor"));
    ++said;
  }
  EXPECT_GT(said, 10);  // Văn phòng Bộ is on most of the plan's tasks.
}

// A stored task read again: a unit merged away is followed, one ended with no successor
// leaves its text, and a name the directory no longer knows at all leaves the task as
// stored (never stripped of its units by a directory in a bad state).
TEST(FollowedUnitsTest, FollowedEndedOrKeptAsStored) {
  tpb::Task stored;
  stored.set_name("plans/p-2025/tasks/7");
  stored.set_title("Số hóa sổ hộ tịch");
  stored.set_status(tpb::TASK_STATUS_IN_PROGRESS);
  stored.set_etag("4");
  for (const auto& [unit, text] : {std::pair{"units/stp-binh-duong", "Sở Tư pháp tỉnh Bình Dương"},
                                   std::pair{"units/thanh-tra-bo", "Thanh tra Bộ"}}) {
    tpb::UnitRef* ref = stored.add_lead_units();
    ref->set_unit(unit);
    ref->set_text(text);
  }
  stored.add_coordinating_units()->set_text("Các cơ quan chưa rõ");  // Unresolved at import.
  const task::ResolutionDays days{absl::CivilDay(2025, 3, 5), absl::CivilDay(2026, 6, 1)};

  FakeUnitResolver directory;
  directory.Add("Sở Tư pháp tỉnh Bình Dương", "units/stp-thanh-pho-ho-chi-minh");
  directory.AddEnded("Thanh tra Bộ", "units/thanh-tra-bo");
  absl::StatusOr<std::optional<task::TaskDraft>> followed = task::FollowedUnits(stored, 2025, directory, days, {});
  ASSERT_OK(followed);
  ASSERT_TRUE(followed->has_value());
  const tpb::Task& t = (*followed)->task;
  ASSERT_EQ(t.lead_units_size(), 2);
  EXPECT_EQ(t.lead_units(0).unit(), "units/stp-thanh-pho-ho-chi-minh");
  EXPECT_TRUE(t.lead_units(0).primary());
  EXPECT_EQ(t.lead_units(1).unit(), "");
  EXPECT_EQ(t.lead_units(1).text(), "Thanh tra Bộ");
  ASSERT_EQ(t.coordinating_units_size(), 1);
  EXPECT_EQ(t.coordinating_units(0).text(), "Các cơ quan chưa rõ");
  EXPECT_EQ(t.status(), tpb::TASK_STATUS_UNSPECIFIED) << "derived fields are the store's";
  EXPECT_TRUE(t.etag().empty());
  EXPECT_EQ((*followed)->units,
            (std::vector<std::pair<task::UnitRole, std::string>>{
                {task::UnitRole::kLead, "units/stp-thanh-pho-ho-chi-minh"}}));

  FakeUnitResolver forgetful;  // Knows Thanh tra Bộ still, but not Bình Dương's department.
  forgetful.AddEnded("Thanh tra Bộ", "units/thanh-tra-bo");
  followed = task::FollowedUnits(stored, 2025, forgetful, days, {});
  ASSERT_OK(followed);
  EXPECT_FALSE(followed->has_value()) << "followed whole or not at all";

  FakeUnitResolver guessing;  // Finds the department only by the typo-tolerant tier, elsewhere.
  guessing.Add("Sở Tư pháp tỉnh Bình Dương", "units/stp-binh-dinh", dpb::MATCH_KIND_FUZZY);
  guessing.AddEnded("Thanh tra Bộ", "units/thanh-tra-bo");
  followed = task::FollowedUnits(stored, 2025, guessing, days, {});
  ASSERT_OK(followed);
  EXPECT_FALSE(followed->has_value()) << "a guess does not move a unit";
  FakeUnitResolver same_guess;  // The same unit by a guess: nothing moves, the rest follows.
  same_guess.Add("Sở Tư pháp tỉnh Bình Dương", "units/stp-binh-duong", dpb::MATCH_KIND_FUZZY);
  same_guess.AddEnded("Thanh tra Bộ", "units/thanh-tra-bo");
  followed = task::FollowedUnits(stored, 2025, same_guess, days, {});
  ASSERT_OK(followed);
  ASSERT_TRUE(followed->has_value());
  EXPECT_EQ((*followed)->task.lead_units(1).unit(), "");
}

// `stored`, a task of the 2025 plan, read again as of its decision (05/03/2025) and
// followed to mid-2026: into `out`, which it must have moved to.
void FollowTo2026(const tpb::Task& stored, FakeUnitResolver& directory, tpb::Task* out) {
  absl::StatusOr<std::optional<task::TaskDraft>> followed = task::FollowedUnits(
      stored, 2025, directory, {absl::CivilDay(2025, 3, 5), absl::CivilDay(2026, 6, 1)}, {});
  ASSERT_OK(followed);
  ASSERT_TRUE(followed->has_value());
  *out = (*followed)->task;
}

// Two parts of a cell that come to one unit give one ref, and the primary lead is the
// first that is a unit.
// The ref names the unit it took over from, whichever part of the cell comes first.
TEST(FollowedUnitsTest, PartsComingToOneUnitGiveOneRefAndThePrimaryIsAUnit) {
  for (const char* cell : {"Sở Tư pháp tỉnh Bình Dương, Sở Tư pháp Thành phố Hồ Chí Minh",
                           "Sở Tư pháp Thành phố Hồ Chí Minh, Sở Tư pháp tỉnh Bình Dương"}) {
    tpb::Task stored;
    stored.set_name("plans/p-2025/tasks/8");
    stored.set_title("Hướng dẫn địa phương");
    for (const char* text : {"Thanh tra Bộ", cell}) stored.add_lead_units()->set_text(text);
    FakeUnitResolver directory;
    directory.AddEnded("Thanh tra Bộ", "units/thanh-tra-bo");
    directory.AddSuccessor("Sở Tư pháp tỉnh Bình Dương", "units/stp-binh-duong", "units/stp-thanh-pho-ho-chi-minh");
    directory.Add("Sở Tư pháp Thành phố Hồ Chí Minh", "units/stp-thanh-pho-ho-chi-minh");
    tpb::Task t;
    ASSERT_NO_FATAL_FAILURE(FollowTo2026(stored, directory, &t));
    ASSERT_EQ(t.lead_units_size(), 2) << t.DebugString();
    EXPECT_EQ(t.lead_units(0).unit(), "");
    EXPECT_FALSE(t.lead_units(0).primary());
    EXPECT_EQ(t.lead_units(1).unit(), "units/stp-thanh-pho-ho-chi-minh");
    EXPECT_TRUE(t.lead_units(1).primary());
    EXPECT_THAT(t.lead_units(1).followed_from(), ::testing::ElementsAre("units/stp-binh-duong")) << cell;
    EXPECT_TRUE(t.lead_units(0).followed_from().empty()) << "an ended unit took nothing over";
  }
}

// A unit split in two, one part of which later merged into a third: each unit of today
// carries on its own line only, so a report the other part made counts for neither.
// Answered as an older directory does (the whole walk, no per-unit lines), every unit
// passed counts for each.
TEST(FollowedUnitsTest, EachUnitTakesOverItsOwnLineOfPredecessors) {
  dpb::Resolution walk;
  walk.set_match_kind(dpb::MATCH_KIND_SUCCESSOR_OF);
  for (const char* u : {"units/split", "units/part-b", "units/part-c", "units/third"}) walk.add_successor_chain(u);
  for (const char* u : {"units/part-c", "units/third"}) walk.add_units(u);
  dpb::FollowedUnit* c = walk.add_followed();
  c->set_unit("units/part-c");
  c->add_predecessors("units/split");
  dpb::FollowedUnit* third = walk.add_followed();
  third->set_unit("units/third");
  third->add_predecessors("units/split");
  third->add_predecessors("units/part-b");
  dpb::Resolution older = walk;
  older.clear_followed();
  for (const auto& [answer, c_from, third_from] :
       {std::tuple{walk, std::vector<std::string>{"units/split"}, std::vector<std::string>{"units/split", "units/part-b"}},
        std::tuple{older, std::vector<std::string>{"units/split", "units/part-b"},
                   std::vector<std::string>{"units/split", "units/part-b"}}}) {
    tpb::Task stored;
    stored.set_name("plans/p-2025/tasks/9");
    stored.set_title("Kết nối dữ liệu");
    stored.add_lead_units()->set_text("Cục đã chia tách");
    FakeUnitResolver directory;
    directory.AddResolution("Cục đã chia tách", answer);
    tpb::Task t;
    ASSERT_NO_FATAL_FAILURE(FollowTo2026(stored, directory, &t));
    ASSERT_EQ(t.lead_units_size(), 2) << t.DebugString();
    EXPECT_EQ(t.lead_units(0).unit(), "units/part-c");
    EXPECT_THAT(t.lead_units(0).followed_from(), ::testing::ElementsAreArray(c_from)) << answer.followed_size();
    EXPECT_EQ(t.lead_units(1).unit(), "units/third");
    EXPECT_THAT(t.lead_units(1).followed_from(), ::testing::ElementsAreArray(third_from)) << answer.followed_size();
  }
}

TEST(PlanResolutionDaysTest, TheDecisionDayWithinTheRecordsAndToday) {
  const absl::CivilDay today(2026, 6, 1);
  auto as_of = [&](std::optional<absl::CivilDay> decided) {
    tpb::Plan plan;
    if (decided) *plan.mutable_decision_date() = ToProtoDate(*decided);
    const task::ResolutionDays d = task::PlanResolutionDays(plan, today);
    EXPECT_EQ(d.follow_to, today);
    return d.as_of;
  };
  EXPECT_EQ(as_of(absl::CivilDay(2025, 3, 5)), absl::CivilDay(2025, 3, 5));
  EXPECT_EQ(as_of(absl::CivilDay(2021, 12, 1)), absl::CivilDay(2022, 1, 6));  // Before Đề án 06.
  EXPECT_EQ(as_of(absl::CivilDay(2027, 1, 1)), today);                        // Not yet: today's units.
  EXPECT_EQ(as_of(std::nullopt), today);
}

// A plan whose units the directory does not know is imported with its cells kept as
// text and a diagnostic on the line of each: never a silent guess.
TEST_F(TaskLogicTest, UnresolvedUnitsAreDiagnosedOnTheirLines) {
  absl::StatusOr<tpb::ImportPlanResponse> preview = PreviewPlan();
  ASSERT_OK(preview);
  int unresolved = 0;
  for (const tpb::ImportDiagnostic& d : preview->diagnostics()) {
    if (d.kind() != tpb::ImportDiagnostic::KIND_UNRESOLVED_UNIT) continue;
    ++unresolved;
    EXPECT_GT(d.line(), 0) << d.message();
  }
  EXPECT_GT(unresolved, 40);
}

}  // namespace
}  // namespace p06::testing
