// A year of the 2025 plan, played on the injected clock: the progress and
// measurements that reporting_report_test.cc counts by hand, in the order they happen.
#pragma once

#include <map>
#include <optional>

#include "common/grpc/proto_time.h"
#include "tests/integration/reporting_server.h"

namespace p06::testing {

inline const std::string kPlan = "plans/910-qd-btp-2025/tasks/";

inline p06::type::v1::Date D(int y, int m, int d) { return ToProtoDate(absl::CivilDay(y, m, d)); }

class ReportingReportTest : public ReportingServerTest {
 protected:
  // Moves the clock to 10:00 in Hà Nội on that day.
  void On(int y, int m, int d) { clock_.Set(absl::FromCivil(absl::CivilSecond(y, m, d, 10, 0, 0), absl::FixedTimeZone(7 * 3600))); }

  void Progress(int task, const std::string& occurrence, tpb::TaskStatus status, int percent, const Principal& who,
                const std::string& id, std::optional<p06::type::v1::Date> completed = std::nullopt,
                const std::string& difficulties = "", const std::string& proposals = "") {
    tpb::ReportProgressRequest r = Report(task, id, percent);
    r.mutable_report()->set_status(status);
    if (!occurrence.empty()) r.mutable_report()->set_occurrence(kPlan + std::to_string(task) + "/occurrences/" + occurrence);
    if (completed) *r.mutable_report()->mutable_completion_date() = *completed;
    r.mutable_report()->set_difficulties(difficulties);
    r.mutable_report()->set_proposals(proposals);
    grpc::Status s = Post(r, who);
    ASSERT_TRUE(s.ok()) << id << ": " << s.error_message();
  }

  void Measure(int task, int target, double value, p06::type::v1::Date period_end, const std::string& level,
               const std::string& id) {
    tpb::RecordTargetMeasurementRequest r;
    r.set_parent(kPlan + std::to_string(task) + "/targets/" + std::to_string(target));
    r.set_request_id(id);
    r.mutable_measurement()->set_value(value);
    *r.mutable_measurement()->mutable_period_end() = period_end;
    r.mutable_measurement()->set_level(level);
    tpb::TargetMeasurement out;
    grpc::Status s = T(&TaskStub::RecordTargetMeasurement, r, &out, &kHctp);
    ASSERT_TRUE(s.ok()) << id << ": " << s.error_message();
  }

  // The scenario, in the order it happens.
  void PlayTheYear() {
    On(2025, 3, 6);
    Progress(7, "2025-01-31", tpb::TASK_STATUS_COMPLETED, 100, kOffice, "t7-jan");  // Completed 6/3: late.
    On(2025, 3, 10);
    Progress(7, "2025-02-28", tpb::TASK_STATUS_COMPLETED, 100, kOffice, "t7-feb", D(2025, 3, 7));  // Late.
    On(2025, 3, 12);
    Progress(1, "", tpb::TASK_STATUS_IN_PROGRESS, 50, kOffice, "t1-started");
    On(2025, 3, 28);
    Progress(7, "2025-03-31", tpb::TASK_STATUS_COMPLETED, 100, kOffice, "t7-mar");  // On time, after March's cut-off.
    On(2025, 4, 2);
    Progress(1, "", tpb::TASK_STATUS_COMPLETED, 100, kOffice, "t1-done");  // Due 31/3: late.
    On(2025, 5, 20);
    Progress(24, "", tpb::TASK_STATUS_BLOCKED, 30, kHctp, "t24-blocked", std::nullopt,
             "Chưa có hướng dẫn kết nối dữ liệu hộ tịch với CSDLQG về dân cư", "Đề nghị Bộ Công an hỗ trợ kết nối");
    On(2025, 6, 1);
    Progress(9, "", tpb::TASK_STATUS_IN_PROGRESS, 20, kOffice, "t9-started");
    On(2025, 6, 5);
    Progress(30, "", tpb::TASK_STATUS_CANCELLED, 0, kHctp, "t30-cancelled");
    On(2025, 6, 20);  // After the 6-month cut-off, about March.
    Progress(6, "2025-03-31", tpb::TASK_STATUS_COMPLETED, 100, kOffice, "t6-q1", D(2025, 3, 28));
    On(2025, 7, 1);
    Measure(36, 1, 80, D(2025, 6, 30), "", "m36-1");
    Measure(36, 8, 65, D(2025, 6, 30), "xã", "m36-8-xa");
    On(2025, 7, 5);
    Progress(24, "2025-06-30", tpb::TASK_STATUS_COMPLETED, 100, kHctp, "t24-h1");  // Late.
    On(2025, 12, 1);
    Measure(36, 6, 92, D(2025, 11, 30), "", "m36-6");
    On(2025, 12, 10);
    Progress(28, "", tpb::TASK_STATUS_COMPLETED, 100, kHctp, "t28-done");  // Due 31/12: on time.
    On(2026, 1, 5);  // Reports are generated afterwards: each counts as of its own cut-off.
    WaitCaughtUp();
  }

  static std::map<std::string, rpb::Outcome> Outcomes(const rpb::Report& r) {
    std::map<std::string, rpb::Outcome> out;
    for (const rpb::TaskLine& l : r.tasks()) {
      for (const rpb::CountedItem& i : l.items()) {
        out[i.occurrence().empty() ? i.task() : i.occurrence()] = i.outcome();
      }
    }
    return out;
  }
  static std::string O(int task, const std::string& day) { return kPlan + std::to_string(task) + "/occurrences/" + day; }
};

}  // namespace p06::testing
