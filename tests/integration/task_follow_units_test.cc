// The unit follower against the real directory and its reference data: the 2025 plan
// imported in April 2025 is moved, in June 2026, to the units that carry its work on
// (services/task/unit_follower.h), with an event per task, once.
#include <pqxx/pqxx>

#include "tests/integration/task_progress_fixture.h"

namespace p06::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const Principal kHcmJustice{.subject = "chuyenvien@stp-hcm", .unit = "units/stp-thanh-pho-ho-chi-minh",
                            .roles = {"unit_reporter"}};

class TaskFollowUnitsTest : public TaskProgressTest {
 protected:
  // Adds coordinating names to a task as the Office would (read as of the plan's day).
  void AddCoordinating(int number, const std::string& name) {
    tpb::UpdateTaskRequest r;
    *r.mutable_task() = Task(number);
    r.mutable_task()->add_coordinating_units()->set_text(name);
    r.mutable_update_mask()->add_paths("coordinating_units");
    tpb::Task out;
    grpc::Status s = T(&TaskStub::UpdateTask, r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  std::vector<int> CoordinatedBy(const std::string& unit) {
    tpb::ListTasksRequest r;
    r.set_coordinating_unit(unit);
    return Numbers(r);
  }
  std::vector<int> LedBy(const std::string& unit) {
    tpb::ListTasksRequest r;
    r.set_lead_unit(unit);
    return Numbers(r);
  }
  // The provincial justice departments a task's rows name.
  int ProvincialRows(int number) {
    pqxx::connection conn(database_url());
    pqxx::read_transaction tx(conn);
    return tx.exec_params1("SELECT count(*) FROM task.task_units WHERE plan_id = '910-qd-btp-2025' AND number = $1 "
                           "AND unit LIKE 'units/stp-%'",
                           number)[0]
        .as<int>();
  }
  void GoTo(int year, int month, int day) {
    clock_.Set(absl::FromCivil(absl::CivilSecond(year, month, day, 9, 0, 0), absl::FixedTimeZone(7 * 3600)));
  }
};

TEST_F(TaskFollowUnitsTest, TasksMoveToTodaysUnitsOnceWithAnEventEach) {
  AddCoordinating(45, "Sở Tư pháp tỉnh Bình Dương");
  AddCoordinating(46, "Sở Tư pháp các tỉnh, thành phố trực thuộc Trung ương");
  AddCoordinating(44, "Thanh tra Bộ");
  ASSERT_EQ(CoordinatedBy("units/stp-binh-duong"), (std::vector<int>{45, 46}));  // 46 through the group.
  ASSERT_EQ(ProvincialRows(46), 63);
  ASSERT_THAT(LedBy("units/thanh-tra-bo"), Contains(15));  // Through "Các đơn vị thuộc Bộ".
  ASSERT_THAT(CoordinatedBy("units/thanh-tra-bo"), Contains(44));
  auto followed = task_bundle_->follower().Follow();
  ASSERT_OK(followed);
  EXPECT_EQ(followed->tasks_followed, 0) << "in April 2025 the stored units are today's";
  EXPECT_EQ(followed->tasks_read, 49);
  const int events_before = CountEvents();

  GoTo(2026, 6, 1);
  // Before the follower runs, the stored units are those of the import.
  EXPECT_EQ(Post(Report(45, "hcm-early"), kHcmJustice).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  const std::string etag_before = Task(45).etag();

  followed = task_bundle_->follower().Follow();
  ASSERT_OK(followed);
  EXPECT_EQ(followed->tasks_kept, 0);
  EXPECT_GE(followed->tasks_followed, 4);  // 44, 45, 46, and those "Các đơn vị thuộc Bộ" names.
  EXPECT_EQ(CountEvents(), events_before + followed->tasks_followed);

  // Bình Dương's department merged into Hồ Chí Minh City's on 2025-07-01.
  EXPECT_THAT(CoordinatedBy("units/stp-binh-duong"), IsEmpty());
  EXPECT_THAT(CoordinatedBy("units/stp-thanh-pho-ho-chi-minh"), ElementsAre(45, 46));
  tpb::Task t45 = Task(45);
  EXPECT_EQ(t45.coordinating_units().rbegin()->text(), "Sở Tư pháp tỉnh Bình Dương");  // As typed.
  EXPECT_EQ(t45.coordinating_units().rbegin()->unit(), "units/stp-thanh-pho-ho-chi-minh");
  // It names the unit it took over from, so that Bình Dương's reports count for it.
  EXPECT_THAT(t45.coordinating_units().rbegin()->followed_from(), ElementsAre("units/stp-binh-duong"));
  EXPECT_NE(t45.etag(), etag_before);
  // The group's 63 members of 2025 are the 34 of today; its ref is unchanged.
  EXPECT_EQ(ProvincialRows(46), 34);
  EXPECT_EQ(Task(46).coordinating_units().rbegin()->unit(), "groups/so-tu-phap");
  // Thanh tra Bộ ended on 2026-01-10 with no successor: the group no longer counts it,
  // and the cell naming it stays, as text.
  EXPECT_THAT(LedBy("units/thanh-tra-bo"), IsEmpty());
  EXPECT_THAT(CoordinatedBy("units/thanh-tra-bo"), IsEmpty());
  tpb::Task t44 = Task(44);
  EXPECT_EQ(t44.coordinating_units().rbegin()->text(), "Thanh tra Bộ");
  EXPECT_EQ(t44.coordinating_units().rbegin()->unit(), "");

  // The change is on the stream, saying why, with the new units.
  tpb::ListTaskHistoryRequest history;
  history.set_parent("plans/910-qd-btp-2025/tasks/45");
  tpb::ListTaskHistoryResponse h;
  ASSERT_TRUE(T(&TaskStub::ListTaskHistory, history, &h).ok());
  ASSERT_FALSE(h.events().empty());
  const tpb::Event& last = *h.events().rbegin();
  EXPECT_EQ(last.request_id(), "units-followed-2026-06-01");
  EXPECT_EQ(last.task().coordinating_units().rbegin()->unit(), "units/stp-thanh-pho-ho-chi-minh");

  // The successor reports on the work now.
  EXPECT_TRUE(Post(Report(45, "hcm-1"), kHcmJustice).ok());

  // An edit reads the names again as the follower did: the predecessor stays named, and
  // what a caller writes there (output only) is not taken.
  tpb::UpdateTaskRequest edit;
  *edit.mutable_task() = Task(45);
  edit.mutable_task()->set_title(edit.task().title() + " (sửa)");
  edit.mutable_task()->mutable_coordinating_units()->rbegin()->add_followed_from("units/van-phong-bo");
  edit.mutable_update_mask()->add_paths("title");
  edit.mutable_update_mask()->add_paths("coordinating_units");
  tpb::Task edited;
  grpc::Status edited_status = T(&TaskStub::UpdateTask, edit, &edited);
  ASSERT_TRUE(edited_status.ok()) << edited_status.error_message();
  EXPECT_THAT(edited.coordinating_units().rbegin()->followed_from(), ElementsAre("units/stp-binh-duong"));

  // A second pass finds nothing to change and writes nothing.
  const int events_after = CountEvents();
  followed = task_bundle_->follower().Follow();
  ASSERT_OK(followed);
  EXPECT_EQ(followed->tasks_followed, 0);
  EXPECT_EQ(CountEvents(), events_after);
}

// The directory out of reach: the pass fails UNAVAILABLE and nothing is written.
TEST_F(TaskFollowUnitsTest, ADirectoryOutOfReachChangesNothing) {
  GoTo(2026, 6, 1);
  const int events_before = CountEvents();
  server_.reset();
  EXPECT_THAT(task_bundle_->follower().Follow().status(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(CountEvents(), events_before);
  EXPECT_THAT(LedBy("units/thanh-tra-bo"), Contains(15));
}

}  // namespace
}  // namespace p06::testing
