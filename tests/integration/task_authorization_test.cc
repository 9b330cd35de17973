// Who may call what, over real gRPC, in both services (common/grpc/principal.h):
// no identity → UNAUTHENTICATED; a role that does not give the access →
// PERMISSION_DENIED, nothing written; the office role only for the Office's unit;
// request ids scoped to their caller and never a way past a permission check.
#include <pqxx/pqxx>

#include "common/grpc/proto_time.h"

#include "tests/integration/task_progress_fixture.h"

namespace p06::testing {
namespace {

using ::testing::HasSubstr;

const Principal kFakeOffice{.subject = "mao-danh@bca", .unit = "units/bo-cong-an", .roles = {"office"}};
const Principal kOfficeWithoutUnit{.subject = "ai-do", .roles = {"office"}};

class TaskAuthorizationTest : public TaskProgressTest {
 protected:
  // Counts rows that any write would add or change.
  int64_t WriteCount() {
    pqxx::connection conn(database_url());
    pqxx::read_transaction tx(conn);
    return tx.exec1(
                 "SELECT (SELECT count(*) FROM task.events) + (SELECT count(*) FROM task.request_log) + "
                 "(SELECT revision FROM directory.directory_revision) + (SELECT count(*) FROM directory.contacts)")[0]
        .as<int64_t>();
  }

  // Every mutating RPC of both services, called as `caller` with a request that the
  // Office could send; each returns the call's status.
  std::vector<std::pair<std::string, grpc::Status>> CallEveryMutation(const Principal* caller) {
    std::vector<std::pair<std::string, grpc::Status>> out;
    {
      tpb::ImportPlanRequest r;
      r.set_text(PlanText());
      tpb::ImportPlanResponse resp;
      out.emplace_back("ImportPlan", T(&TaskStub::ImportPlan, r, &resp, caller));
    }
    {
      tpb::UpdateTaskRequest r;
      r.mutable_task()->set_name("plans/910-qd-btp-2025/tasks/49");
      r.mutable_task()->set_note("ghi chú mới");
      r.mutable_update_mask()->add_paths("note");
      tpb::Task resp;
      out.emplace_back("UpdateTask", T(&TaskStub::UpdateTask, r, &resp, caller));
    }
    {
      tpb::ReportProgressRequest r = Report(24, "auth-1");
      r.mutable_report()->set_reporting_unit("units/cuc-hctp");
      tpb::ProgressReport resp;
      out.emplace_back("ReportProgress", T(&TaskStub::ReportProgress, r, &resp, caller));
    }
    {
      tpb::RecordTargetMeasurementRequest r;
      r.set_parent("plans/910-qd-btp-2025/tasks/36/targets/1");
      r.set_request_id("auth-2");
      r.mutable_measurement()->set_value(50);
      r.mutable_measurement()->set_reporting_unit("units/van-phong-bo");
      *r.mutable_measurement()->mutable_period_end() = ToProtoDate(absl::CivilDay(2025, 3, 31));
      tpb::TargetMeasurement resp;
      out.emplace_back("RecordTargetMeasurement", T(&TaskStub::RecordTargetMeasurement, r, &resp, caller));
    }
    using DS = dpb::DirectoryService::Stub;
    {
      dpb::CreateUnitRequest r;
      r.set_unit_id("don-vi-moi");
      r.mutable_unit()->set_code("DVM");
      r.mutable_unit()->set_display_name("Đơn vị mới");
      r.mutable_unit()->set_kind(dpb::UNIT_KIND_OTHER);
      dpb::Unit resp;
      out.emplace_back("CreateUnit", Call(&DS::CreateUnit, r, &resp, caller));
    }
    {
      dpb::UpdateUnitRequest r;
      r.mutable_unit()->set_name("units/cuc-hctp");
      r.mutable_unit()->set_electronic_id("000.00.01.G12");
      r.mutable_update_mask()->add_paths("electronic_id");
      dpb::Unit resp;
      out.emplace_back("UpdateUnit", Call(&DS::UpdateUnit, r, &resp, caller));
    }
    {
      dpb::RenameUnitRequest r;
      r.set_name("units/cuc-hctp");
      r.set_new_display_name("Cục Hành chính tư pháp mới");
      *r.mutable_effective_date() = ToProtoDate(absl::CivilDay(2025, 6, 1));
      dpb::Unit resp;
      out.emplace_back("RenameUnit", Call(&DS::RenameUnit, r, &resp, caller));
    }
    {
      dpb::MergeUnitsRequest r;
      r.add_sources("units/vu-tccb");
      r.set_successor("units/cuc-hctp");
      *r.mutable_effective_date() = ToProtoDate(absl::CivilDay(2025, 6, 1));
      dpb::MergeUnitsResponse resp;
      out.emplace_back("MergeUnits", Call(&DS::MergeUnits, r, &resp, caller));
    }
    {
      dpb::DissolveUnitRequest r;
      r.set_name("units/vu-htqt");
      *r.mutable_effective_date() = ToProtoDate(absl::CivilDay(2025, 6, 1));
      dpb::Unit resp;
      out.emplace_back("DissolveUnit", Call(&DS::DissolveUnit, r, &resp, caller));
    }
    {
      dpb::CreateGroupRequest r;
      r.set_group_id("nhom-moi");
      r.mutable_group()->set_display_name("Nhóm mới");
      r.mutable_group()->set_kind(dpb::Group::KIND_EXPLICIT);
      r.mutable_group()->add_members("units/cuc-hctp");
      dpb::Group resp;
      out.emplace_back("CreateGroup", Call(&DS::CreateGroup, r, &resp, caller));
    }
    {
      dpb::CreateContactRequest r;
      r.set_parent("units/cuc-hctp");
      r.mutable_contact()->set_full_name("Nguyễn Văn A");
      r.mutable_contact()->set_email("a@moj.gov.vn");
  r.mutable_contact()->set_role(dpb::Contact::ROLE_FOCAL_POINT);
      dpb::Contact resp;
      out.emplace_back("CreateContact", Call(&DS::CreateContact, r, &resp, caller));
    }
    return out;
  }
};

TEST_F(TaskAuthorizationTest, EveryMutationNeedsAnIdentityAndTheRightRole) {
  const int64_t before = WriteCount();
  for (const auto& [method, status] : CallEveryMutation(nullptr)) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method << ": " << status.error_message();
  }
  for (const auto& [method, status] : CallEveryMutation(&kViewerCaller)) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << method << ": " << status.error_message();
  }
  // A unit reporter reads and reports for its own unit only: every mutation above is
  // either the Office's or another unit's.
  for (const auto& [method, status] : CallEveryMutation(&kPolice)) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << method << ": " << status.error_message();
  }
  EXPECT_EQ(WriteCount(), before);
  // The same calls as the Office go through (the list is not refused for another reason).
  for (const auto& [method, status] : CallEveryMutation(&kOffice)) {
    EXPECT_TRUE(status.ok()) << method << ": " << status.error_message();
  }
  EXPECT_GT(WriteCount(), before);
}

TEST_F(TaskAuthorizationTest, ReadsNeedAnIdentity) {
  tpb::GetTaskRequest get;
  get.set_name("plans/910-qd-btp-2025/tasks/1");
  tpb::Task task;
  EXPECT_THAT(T(&TaskStub::GetTask, get, &task, nullptr), StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_TRUE(T(&TaskStub::GetTask, get, &task, &kViewerCaller).ok());
  dpb::ResolveUnitNamesRequest resolve;
  resolve.add_names("Văn phòng Bộ");
  dpb::ResolveUnitNamesResponse resolved;
  EXPECT_THAT(Call(&dpb::DirectoryService::Stub::ResolveUnitNames, resolve, &resolved, nullptr),
              StatusIs(absl::StatusCode::kUnauthenticated));
  grpc::ClientContext ctx;
  auto reader = tasks_->WatchEvents(&ctx, tpb::WatchEventsRequest());
  tpb::WatchEventsResponse batch;
  EXPECT_FALSE(reader->Read(&batch));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // An unknown role or a malformed unit is no identity to trust.
  const Principal odd_role{.subject = "x", .unit = "units/cuc-hctp", .roles = {"admin"}};
  EXPECT_THAT(T(&TaskStub::GetTask, get, &task, &odd_role), StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("admin")));
  grpc::ClientContext twice;  // A second subject appended by a client behind a proxy.
  AttachPrincipal(twice, kViewerCaller);
  twice.AddMetadata(kSubjectHeader, "vanthu@vpb");
  EXPECT_EQ(tasks_->GetTask(&twice, get, &task).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  const Principal odd_unit{.subject = "x", .unit = "../etc", .roles = {"viewer"}};
  EXPECT_THAT(T(&TaskStub::GetTask, get, &task, &odd_unit), StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("x-p06-unit")));
}

TEST_F(TaskAuthorizationTest, TheOfficeRoleIsBoundToTheOfficesUnit) {
  tpb::ReportProgressRequest r = Report(24, "office-1");
  r.mutable_report()->set_reporting_unit("units/cuc-hctp");
  EXPECT_THAT(Post(r, kFakeOffice), StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("units/van-phong-bo")));
  EXPECT_THAT(Post(r, kOfficeWithoutUnit), StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("no unit")));
  tpb::ImportPlanRequest import;
  import.set_text(PlanText());
  tpb::ImportPlanResponse resp;
  EXPECT_THAT(T(&TaskStub::ImportPlan, import, &resp, &kFakeOffice), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(Task(24).status(), tpb::TASK_STATUS_NOT_STARTED);
  EXPECT_TRUE(Post(r, kOffice).ok());
}

TEST_F(TaskAuthorizationTest, RequestIdsBelongToTheirCaller) {
  tpb::ReportProgressRequest r = Report(24, "shared-id");
  tpb::ProgressReport hctps;
  ASSERT_TRUE(Post(r, kHctp, &hctps).ok());
  // Another unit replays the id and payload: refused by the permission check, not
  // answered with the first unit's stored report.
  tpb::ProgressReport police;
  EXPECT_THAT(Post(r, kPolice, &police), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_TRUE(police.name().empty());
  // A unit that may report, using the same id, makes a report of its own.
  tpb::ProgressReport tccbs;
  ASSERT_TRUE(Post(r, kTccb, &tccbs).ok());
  EXPECT_NE(tccbs.name(), hctps.name());
  EXPECT_EQ(tccbs.reporting_unit(), "units/vu-tccb");
  // The first caller's retry still gets its first answer, once.
  tpb::ProgressReport again;
  ASSERT_TRUE(Post(r, kHctp, &again).ok());
  EXPECT_EQ(again.name(), hctps.name());
  EXPECT_EQ(Watch(after_import_, 3, /*replay_only=*/true).size(), 2u);

  // The same for a measurement (its own SQL path).
  tpb::RecordTargetMeasurementRequest m;
  m.set_parent("plans/910-qd-btp-2025/tasks/36/targets/1");
  m.set_request_id("shared-m");
  m.mutable_measurement()->set_value(50);
  *m.mutable_measurement()->mutable_period_end() = ToProtoDate(absl::CivilDay(2025, 3, 31));
  tpb::TargetMeasurement first, replayed;
  ASSERT_TRUE(T(&TaskStub::RecordTargetMeasurement, m, &first, &kOffice).ok());
  EXPECT_THAT(T(&TaskStub::RecordTargetMeasurement, m, &replayed, &kPolice),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_TRUE(replayed.name().empty());
}

TEST_F(TaskAuthorizationTest, AUnitKeepsOnlyItsOwnContacts) {
  using DS = dpb::DirectoryService::Stub;
  dpb::CreateContactRequest r;
  r.set_parent("units/cuc-hctp");
  r.mutable_contact()->set_full_name("Nguyễn Văn A");
  r.mutable_contact()->set_email("a@moj.gov.vn");
  r.mutable_contact()->set_role(dpb::Contact::ROLE_FOCAL_POINT);
  dpb::Contact created;
  ASSERT_TRUE(Call(&DS::CreateContact, r, &created, &kHctp).ok());
  r.set_parent("units/vu-tccb");
  dpb::Contact other;
  EXPECT_THAT(Call(&DS::CreateContact, r, &other, &kHctp), StatusIs(absl::StatusCode::kPermissionDenied));
  dpb::DeleteContactRequest del;
  del.set_name(created.name());
  dpb::DeleteContactResponse deleted;
  EXPECT_THAT(Call(&DS::DeleteContact, del, &deleted, &kTccb), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_TRUE(Call(&DS::DeleteContact, del, &deleted, &kHctp).ok());
}

}  // namespace
}  // namespace p06::testing
