// GetTask, the callback method: a cached task is answered on gRPC's thread, a task
// not cached is loaded on a worker; both give the same answer, concurrently too, and
// a request that does not parse is INVALID_ARGUMENT as on the synchronous methods.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>
#include <prometheus/text_serializer.h>

#include "tests/harness/generic_call.h"
#include "tests/integration/task_server.h"

namespace p06 {
namespace {

namespace tpb = ::p06::task::v1;
using ::p06::testing::StatusIs;
using ::p06::testing::TaskStub;
using ::testing::HasSubstr;

class TaskGetTaskTest : public ::p06::testing::TaskServerTest {
 protected:
  grpc::Status RawGetTask(const std::string& bytes) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    testing::AttachOffice(ctx);
    return testing::GenericUnaryCall(task_channel_, ctx, "/p06.task.v1.TaskService/GetTask", bytes);
  }
  static std::string Name(int number) { return "plans/910-qd-btp-2025/tasks/" + std::to_string(number); }
};

TEST_F(TaskGetTaskTest, LoadedAndCachedAnswersAreTheSameFromManyCallsAtOnce) {
  std::vector<int> numbers;
  const tpb::ImportPlanResponse imported = Import(testing::PlanText());
  for (const tpb::Task& t : imported.tasks()) numbers.push_back(t.number());
  ASSERT_GT(numbers.size(), 40u);
  StartTaskServer();  // A cold cache: the first read of each task is a load.

  // Every task read by 4 calls at once, all in flight together: loads and hits mixed.
  grpc::CompletionQueue cq;
  struct Call {
    grpc::ClientContext ctx;
    tpb::Task task;
    grpc::Status status;
    int number = 0;
  };
  std::vector<std::unique_ptr<Call>> calls;
  for (int round = 0; round < 4; ++round) {
    for (int n : numbers) {
      auto call = std::make_unique<Call>();
      call->number = n;
      call->ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
      AttachPrincipal(call->ctx, testing::kOfficeCaller);
      tpb::GetTaskRequest request;
      request.set_name(Name(n));
      auto reader = tasks_->AsyncGetTask(&call->ctx, request, &cq);
      reader->Finish(&call->task, &call->status, call.get());
      calls.push_back(std::move(call));
    }
  }
  for (size_t i = 0; i < calls.size(); ++i) {
    void* tag;
    bool ok;
    ASSERT_TRUE(cq.Next(&tag, &ok));
  }
  cq.Shutdown();
  for (const auto& call : calls) {
    ASSERT_TRUE(call->status.ok()) << call->number << ": " << call->status.error_message();
    const tpb::Task cached = Task(call->number);  // By now from the cache.
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(call->task, cached)) << call->number;
    EXPECT_EQ(call->task.number(), call->number);
  }
}

TEST_F(TaskGetTaskTest, AnUpdateIsReadBackAtOnceAndAnUnknownTaskIsNotFound) {
  Import(testing::PlanText());
  const tpb::Task before = Task(7);  // Now cached.
  tpb::UpdateTaskRequest update;
  update.mutable_task()->set_name(Name(7));
  update.mutable_task()->set_note("đã đọc lại");
  update.mutable_update_mask()->add_paths("note");
  tpb::Task updated;
  ASSERT_TRUE(T(&TaskStub::UpdateTask, update, &updated).ok());
  EXPECT_EQ(Task(7).note(), "đã đọc lại");  // The cached record was dropped and loaded again.
  EXPECT_NE(Task(7).etag(), before.etag());

  tpb::GetTaskRequest missing;
  missing.set_name(Name(999));
  tpb::Task t;
  EXPECT_THAT(T(&TaskStub::GetTask, missing, &t), StatusIs(absl::StatusCode::kNotFound));
  missing.set_name("plans/910-qd-btp-2025/tasks/x");
  EXPECT_THAT(T(&TaskStub::GetTask, missing, &t), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
  EXPECT_THAT(T(&TaskStub::GetTask, missing, &t, nullptr), StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(TaskGetTaskTest, ARequestThatDoesNotParseIsInvalidArgumentNamingItsType) {
  // Field 1 (name) of GetTaskRequest, length 2, not UTF-8.
  EXPECT_THAT(RawGetTask(std::string("\x0a\x02\xc3\x28", 4)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("p06.task.v1.GetTaskRequest.name: not valid UTF-8")));
  // A length that runs past the end.
  EXPECT_THAT(RawGetTask(std::string("\x0a\x7f\x41", 3)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("malformed protobuf")));
  const std::string metrics = prometheus::TextSerializer().Serialize(task_registry_.Collect());
  EXPECT_NE(metrics.find(R"(grpc_server_handled_total{grpc_code="INVALID_ARGUMENT",grpc_method="GetTask")"),
            std::string::npos)
      << metrics;
  EXPECT_EQ(metrics.find(R"(grpc_code="UNIMPLEMENTED",grpc_method="GetTask")"), std::string::npos) << metrics;
}

}  // namespace
}  // namespace p06
