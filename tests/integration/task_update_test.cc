// UpdateTask through real gRPC and PostgreSQL: field masks, etags, limits, and an
// update that changes exactly the fields in its mask.
#include <google/protobuf/util/message_differencer.h>

#include <thread>

#include "absl/strings/str_cat.h"

#include "tests/integration/task_server.h"

namespace p06::testing {
namespace {

using ::testing::HasSubstr;

class TaskUpdateTest : public TaskServerTest {
 protected:
  void SetUp() override {
    TaskServerTest::SetUp();
    Import(PlanText());
  }
  grpc::Status Update(const tpb::Task& task, const std::vector<std::string>& paths, tpb::Task* out) {
    tpb::UpdateTaskRequest r;
    *r.mutable_task() = task;
    for (const auto& p : paths) r.mutable_update_mask()->add_paths(p);
    return T(&TaskStub::UpdateTask, r, out);
  }
};

TEST_F(TaskUpdateTest, FieldsScheduleAndUnits) {
  tpb::Task t = Task(3);
  t.set_title("Nghiên cứu, xây dựng Đề án chuyển đổi số (sửa đổi)");
  t.mutable_schedule()->Clear();
  t.mutable_schedule()->set_phrase("Quý III");
  t.clear_lead_units();
  t.add_lead_units()->set_text("Cục CNTT");
  t.add_lead_units()->set_text("Văn phòng Bộ");
  tpb::Task updated;
  ASSERT_TRUE(Update(t, {"title", "schedule", "lead_units"}, &updated).ok());
  EXPECT_EQ(updated.title(), "Nghiên cứu, xây dựng Đề án chuyển đổi số (sửa đổi)");
  EXPECT_EQ(updated.schedule().kind(), tpb::Schedule::KIND_ONE_OFF);
  EXPECT_EQ(updated.schedule().due_date().month(), 9);
  EXPECT_EQ(Units(updated.lead_units()), (std::vector<std::string>{"units/cuc-cntt", "units/van-phong-bo"}));
  EXPECT_TRUE(updated.lead_units(0).primary());
  EXPECT_NE(updated.etag(), t.etag());
  tpb::ListTasksRequest by_lead;
  by_lead.set_lead_unit("units/van-phong-bo");
  std::vector<int> led = Numbers(by_lead);
  EXPECT_TRUE(std::find(led.begin(), led.end(), 3) != led.end());

  // The old etag is stale now.
  EXPECT_THAT(Update(t, {"title"}, &updated), StatusIs(absl::StatusCode::kAborted, HasSubstr("etag")));
}

// Edited in June 2026, a 2025 task's names are read as its import reads them (as of
// the decision, followed), and a unit formed since, typed today, is found as of today.
TEST_F(TaskUpdateTest, A2025TaskEditedIn2026KeepsTheImportsReadingAndTakesANewUnit) {
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 6, 1, 9, 0, 0), absl::FixedTimeZone(7 * 3600)));
  tpb::Task t = Task(5);  // Led by "Các đơn vị thuộc Bộ".
  t.add_coordinating_units()->set_text("Cục Kiểm soát thủ tục hành chính");
  tpb::Task updated;
  grpc::Status s = Update(t, {"coordinating_units"}, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Units(updated.coordinating_units()).back(), "units/cuc-ksthc");
  auto numbers = [&](const std::string& lead, const std::string& coordinating) {
    tpb::ListTasksRequest r;
    r.set_lead_unit(lead);
    r.set_coordinating_unit(coordinating);
    std::vector<int> n = Numbers(r);
    return std::find(n.begin(), n.end(), 5) != n.end();
  };
  EXPECT_TRUE(numbers("", "units/cuc-ksthc"));
  EXPECT_FALSE(numbers("units/cuc-ksthc", "")) << "the Cục formed in 2026 took over none of 2025's units";
  EXPECT_FALSE(numbers("units/thanh-tra-bo", "")) << "ended on 2026-01-10 with no successor";
  EXPECT_TRUE(numbers("units/cuc-cntt", ""));
  // The Cục, stored now, still reads on the next edit; a unit that ended with no
  // successor, typed today, names nobody: refused.
  tpb::Task renamed = updated;
  renamed.set_title(renamed.title() + " (sửa)");
  grpc::Status title_edit = Update(renamed, {"title"}, &updated);
  ASSERT_TRUE(title_edit.ok()) << title_edit.error_message();
  EXPECT_EQ(Units(updated.coordinating_units()).back(), "units/cuc-ksthc");
  tpb::Task again = updated;
  again.add_coordinating_units()->set_text("Thanh tra Bộ");
  EXPECT_THAT(Update(again, {"coordinating_units"}, &updated),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Thanh tra Bộ")));
}

TEST_F(TaskUpdateTest, BadUpdatesNameTheField) {
  const tpb::Task original = Task(3);
  tpb::Task t = original;
  tpb::Task out;
  t.mutable_schedule()->set_kind(tpb::Schedule::KIND_ONE_OFF);
  t.mutable_schedule()->mutable_due_date()->set_year(2025);
  t.mutable_schedule()->mutable_due_date()->set_month(1);
  t.mutable_schedule()->mutable_due_date()->set_day(15);
  EXPECT_THAT(Update(t, {"schedule"}, &out),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("before the plan was decided")));
  t = Task(3);
  t.clear_lead_units();
  t.add_lead_units()->set_text("Cục Không Tồn Tại");
  EXPECT_THAT(Update(t, {"lead_units"}, &out),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Cục Không Tồn Tại")));
  EXPECT_THAT(Update(t, {"status"}, &out), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("update_mask")));
  t.set_name("plans/910-qd-btp-2025/tasks/99");
  EXPECT_THAT(Update(t, {"title"}, &out), StatusIs(absl::StatusCode::kNotFound));
  tpb::Task after = Task(3);
  EXPECT_EQ(after.etag(), original.etag());  // Nothing was written.
  EXPECT_EQ(after.SerializeAsString(), original.SerializeAsString());
}

TEST_F(TaskUpdateTest, ConcurrentConflictingUpdatesExactlyOneWins) {
  const tpb::Task base = Task(12);
  constexpr int kWriters = 6;
  std::vector<grpc::Status> results(kWriters);
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      tpb::Task t = base;
      t.set_note("ghi chú " + std::to_string(i));
      tpb::Task out;
      results[i] = Update(t, {"note"}, &out);
    });
  }
  for (auto& w : writers) w.join();
  int ok = 0, aborted = 0;
  for (const auto& r : results) {
    ok += r.ok();
    aborted += r.error_code() == grpc::StatusCode::ABORTED;
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(aborted, kWriters - 1);
}

// Each writable field alone, twice over, on a task with compound unit cells (49: "Cục
// Công nghệ thông tin, Cục Quản lý thi hành án dân sự") and one with groups (1: "Các
// đơn vị thuộc Bộ có liên quan"): the field takes its new value and nothing else
// changes; the units are not multiplied.
TEST_F(TaskUpdateTest, AnUpdateChangesExactlyTheFieldsInItsMask) {
  using google::protobuf::util::MessageDifferencer;
  for (int number : {49, 1}) {
    for (const std::string field :
         {"title", "note", "funding_source", "expected_products", "schedule", "lead_units", "coordinating_units"}) {
      for (int round = 0; round < 2; ++round) {
        SCOPED_TRACE(absl::StrCat("task ", number, ", ", field, ", round ", round));
        const tpb::Task before = Task(number);
        tpb::Task change;
        change.set_name(before.name());
        if (field == "title") change.set_title(before.title() + " (sửa)");
        if (field == "note") change.set_note(before.note() + " ghi chú");
        if (field == "funding_source") change.set_funding_source("Vốn đầu tư công trung hạn");
        if (field == "expected_products") *change.mutable_expected_products() = before.expected_products();
        if (field == "expected_products") change.add_expected_products("Báo cáo bổ sung");
        if (field == "schedule") change.mutable_schedule()->set_phrase(round == 0 ? "Tháng 9" : "Tháng 10");
        // The refs as read back: the same text, unit by unit (what a client sends back).
        if (field == "lead_units") *change.mutable_lead_units() = before.lead_units();
        if (field == "coordinating_units") *change.mutable_coordinating_units() = before.coordinating_units();
        tpb::Task updated;
        ASSERT_TRUE(Update(change, {field}, &updated).ok());
        const tpb::Task after = Task(number);
        MessageDifferencer diff;
        const auto* d = tpb::Task::descriptor();
        for (const char* ignored : {"etag", "update_time"}) diff.IgnoreField(d->FindFieldByName(ignored));
        diff.IgnoreField(d->FindFieldByName(field));
        if (field == "schedule") diff.IgnoreField(d->FindFieldByName("overdue"));  // Derived from the due dates.
        std::string report;
        diff.ReportDifferencesToString(&report);
        EXPECT_TRUE(diff.Compare(before, after)) << report;
        EXPECT_EQ(Units(after.lead_units()), Units(before.lead_units()));
        EXPECT_EQ(Units(after.coordinating_units()), Units(before.coordinating_units()));
        if (field == "title") {
          EXPECT_EQ(after.title(), before.title() + " (sửa)");
        }
        if (field == "schedule") {
          EXPECT_EQ(after.schedule().due_date().month(), round == 0 ? 9 : 10);
        }
      }
    }
    const tpb::Task t = Task(number);
    if (number == 49) {
      EXPECT_EQ(Units(t.lead_units()), (std::vector<std::string>{"units/cuc-cntt", "units/cuc-qlthads"}));
    }
  }
}

// Every text has a documented limit, refused naming the field: four 5 MiB notes once
// made every replay of the stream fail for good.
TEST_F(TaskUpdateTest, TextOverItsLimitIsRefusedNamingTheField) {
  const tpb::Task original = Task(49);
  tpb::Task out;
  tpb::Task t = original;
  t.set_note(std::string(5 << 20, 'a'));
  EXPECT_THAT(Update(t, {"note"}, &out), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task.note")));
  t = original;
  t.set_note(std::string(4001, 'a'));
  EXPECT_THAT(Update(t, {"note"}, &out), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task.note")));
  t = original;
  for (int i = 0; i < 60; ++i) t.add_expected_products("Báo cáo");
  EXPECT_THAT(Update(t, {"expected_products"}, &out),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task.expected_products")));
  t = original;
  t.clear_lead_units();
  for (int i = 0; i < 2000; ++i) t.add_lead_units()->set_text("Văn phòng Bộ");
  EXPECT_THAT(Update(t, {"lead_units"}, &out),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task.lead_units")));
  t.mutable_lead_units()->DeleteSubrange(2, 1998);
  EXPECT_THAT(Update(t, {"lead_units"}, &out),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task.lead_units[1]: listed twice")));
  t = original;
  t.set_note(std::string("có\0NUL", 7));
  EXPECT_THAT(Update(t, {"note"}, &out), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("U+0000")));
  t = original;
  t.mutable_schedule()->Clear();
  t.mutable_schedule()->set_kind(tpb::Schedule::KIND_ON_MONTHS);
  t.mutable_schedule()->add_months(6);
  t.mutable_schedule()->add_months(13);
  EXPECT_THAT(Update(t, {"schedule"}, &out),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("task.schedule.months: 13 is not a month")));
  EXPECT_EQ(Task(49).etag(), original.etag());
}

}  // namespace
}  // namespace p06::testing
