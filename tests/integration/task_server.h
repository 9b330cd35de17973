// A directory server and a task server (calling the directory over its channel) on
// one fresh database, in process, with an injected clock set to 15/04/2025.
#pragma once

#include <fstream>
#include <pqxx/pqxx>
#include <sstream>

#include "common/grpc/principal.h"
#include "services/task/task_bundle.h"
#include "tests/harness/fake_clock.h"
#include "tests/integration/directory_server.h"

namespace p06::testing {

namespace tpb = ::p06::task::v1;
using TaskStub = tpb::TaskService::Stub;

inline std::string PlanText() {
  std::ifstream in(P06_SOURCE_DIR "/deploy/plans/qd-910-btp-2025.txt", std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class TaskServerTest : public DirectoryServerTest {
 protected:
  void SetUp() override {
    DirectoryServerTest::SetUp();
    task_config_.db = {.url = database_url(), .schema = "task", .size = 16};
    ASSERT_OK(db::ApplyMigrations(db::BuildConnectionString(task_config_.db), "task", TaskMigrations()));
    task_pool_ = std::make_unique<db::Pool>(task_config_.db);
    task_options_.directory_target = "127.0.0.1:" + std::to_string(server_->port());
    StartTaskServer();
  }

  // (Re)starts the task service's bundle and server on the same database.
  void StartTaskServer() {
    task_server_.reset();
    task_bundle_.reset();
    ServiceContext ctx{task_config_, *task_pool_, task_registry_, clock_};
    auto bundle = task::TaskBundle::Create(ctx, task_options_);
    ASSERT_OK(bundle);
    task_bundle_ = std::move(*bundle);
    auto server = Server::Start({}, task_bundle_->GrpcServices(), task_registry_);
    ASSERT_OK(server);
    task_server_ = std::move(*server);
    task_channel_ = MakeChannel("127.0.0.1:" + std::to_string(task_server_->port()));
    tasks_ = tpb::TaskService::NewStub(task_channel_);
  }
  void TearDown() override {
    task_server_.reset();
    task_bundle_.reset();
    DirectoryServerTest::TearDown();
  }

  // Unary call helper; `caller` travels in the metadata as the gateway sends it (by
  // default the Ministry Office; nullptr: no identity at all).
  template <typename Req, typename Resp>
  grpc::Status T(grpc::Status (TaskStub::*method)(grpc::ClientContext*, const Req&, Resp*), const Req& request,
                 Resp* response, const Principal* caller = &kOfficeCaller) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    if (caller != nullptr) AttachPrincipal(ctx, *caller);
    return (tasks_.get()->*method)(&ctx, request, response);
  }

  tpb::ImportPlanResponse Import(const std::string& text, bool dry_run = false,
                                 const std::vector<int>& remove_tasks = {}) {
    tpb::ImportPlanRequest request;
    request.set_text(text);
    request.set_dry_run(dry_run);
    for (int n : remove_tasks) request.add_remove_tasks(n);
    tpb::ImportPlanResponse response;
    grpc::Status s = T(&TaskStub::ImportPlan, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  tpb::Task Task(int number) {
    tpb::GetTaskRequest r;
    r.set_name("plans/910-qd-btp-2025/tasks/" + std::to_string(number));
    tpb::Task t;
    EXPECT_TRUE(T(&TaskStub::GetTask, r, &t).ok());
    return t;
  }

  std::vector<int> Numbers(tpb::ListTasksRequest request) {
    request.set_parent("plans/910-qd-btp-2025");
    request.set_page_size(500);
    tpb::ListTasksResponse r;
    grpc::Status s = T(&TaskStub::ListTasks, request, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<int> numbers;
    for (const auto& t : r.tasks()) numbers.push_back(t.number());
    return numbers;
  }

  int CountEvents() {
    pqxx::connection conn(database_url());
    pqxx::read_transaction tx(conn);
    return tx.exec1("SELECT count(*) FROM task.events")[0].as<int>();
  }

  static std::vector<std::string> Units(const google::protobuf::RepeatedPtrField<tpb::UnitRef>& refs) {
    std::vector<std::string> out;
    for (const auto& r : refs) out.push_back(r.unit());
    return out;
  }

  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2025, 4, 15, 9, 0, 0), absl::FixedTimeZone(7 * 3600))};
  ServerConfig task_config_;
  // Set before StartTaskServer() to change them. Tests follow units by calling the
  // follower, never at a time of its thread's choosing.
  task::TaskOptions task_options_{.follow_units_every = absl::ZeroDuration()};
  prometheus::Registry task_registry_;
  std::unique_ptr<db::Pool> task_pool_;
  std::unique_ptr<task::TaskBundle> task_bundle_;
  std::unique_ptr<Server> task_server_;
  std::shared_ptr<grpc::Channel> task_channel_;
  std::unique_ptr<TaskStub> tasks_;
};

}  // namespace p06::testing
