// The fixture of the progress and event-stream tests: the 2025 plan imported, callers
// of several units, and helpers to post reports and to read the stream.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "tests/integration/task_server.h"

namespace p06::testing {

inline const Principal kHctp{.subject = "chuyenvien@hctp", .unit = "units/cuc-hctp", .roles = {"unit_reporter"}};
inline const Principal kPolice{.subject = "someone@bca", .unit = "units/bo-cong-an", .roles = {"unit_reporter"}};
inline const Principal& kOffice = kOfficeCaller;
inline const Principal kTccb{.subject = "chuyenvien@tccb", .unit = "units/vu-tccb", .roles = {"unit_reporter"}};

inline tpb::ReportProgressRequest Report(int task, const std::string& request_id, int percent = 40) {
  tpb::ReportProgressRequest r;
  r.set_parent("plans/910-qd-btp-2025/tasks/" + std::to_string(task));
  r.set_request_id(request_id);
  r.mutable_report()->set_status(tpb::TASK_STATUS_IN_PROGRESS);
  r.mutable_report()->set_percent_complete(percent);
  r.mutable_report()->set_summary("Đã triển khai theo kế hoạch");
  tpb::Evidence* e = r.mutable_report()->add_evidence();
  e->set_document_type("Công văn");
  e->set_number("123/HCTP-HT");
  return r;
}

class TaskProgressTest : public TaskServerTest {
 protected:
  void SetUp() override {
    TaskServerTest::SetUp();
    Import(PlanText());  // 50 events.
    std::vector<tpb::Event> imported = Watch("", 50, /*replay_only=*/true);
    ASSERT_EQ(imported.size(), 50u);
    after_import_ = imported.back().cursor();
  }
  grpc::Status Post(const tpb::ReportProgressRequest& r, const Principal& who, tpb::ProgressReport* out = nullptr) {
    tpb::ProgressReport ignored;
    return T(&TaskStub::ReportProgress, r, out ? out : &ignored, &who);
  }
  // Reads the stream from `after` until `count` events arrived (or 20 s passed).
  // `first_batch`, when given, is notified once the first message has been read: the
  // stream is open and has sent what was there.
  std::vector<tpb::Event> Watch(const std::string& after, size_t count, bool replay_only = false,
                                absl::Notification* first_batch = nullptr) {
    std::vector<tpb::Event> events;
    WatchMessages(after, replay_only, [&](const tpb::WatchEventsResponse& batch) {
      for (const auto& e : batch.events()) events.push_back(e);
      if (first_batch != nullptr && !first_batch->HasBeenNotified()) first_batch->Notify();
      return events.size() < count;
    });
    return events;
  }
  // Reads the stream from `after` message by message while `more(message)` says so
  // (then cancels it), until it ends, or 20 s pass; returns how it ended.
  grpc::Status WatchMessages(const std::string& after, bool replay_only,
                             const std::function<bool(const tpb::WatchEventsResponse&)>& more) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    AttachOffice(ctx);
    tpb::WatchEventsRequest request;
    request.set_after(after);
    request.set_replay_only(replay_only);
    auto reader = tasks_->WatchEvents(&ctx, request);
    tpb::WatchEventsResponse batch;
    while (reader->Read(&batch)) {
      if (!more(batch)) {
        ctx.TryCancel();
        break;
      }
    }
    return reader->Finish();
  }
  // The tasks' current percent, as GetTask tells it.
  int Percent(int task) { return Task(task).percent_complete(); }

  std::string after_import_;  // The cursor of the import's last event.
};

}  // namespace p06::testing
