// The reporting service in process, following a real task service (TaskServerTest:
// directory and task servers on one fresh database), on the same injected clock.
#pragma once

#include "p06/reporting/v1/reporting.grpc.pb.h"
#include "services/reporting/reporting_bundle.h"
#include "tests/integration/task_progress_fixture.h"

namespace p06::testing {

namespace rpb = ::p06::reporting::v1;
using ReportingStub = rpb::ReportingService::Stub;

class ReportingServerTest : public TaskProgressTest {
 protected:
  void SetUp() override {
    TaskProgressTest::SetUp();
    reporting_config_.db = {.url = database_url(), .schema = "reporting", .size = 8};
    ASSERT_OK(db::ApplyMigrations(db::BuildConnectionString(reporting_config_.db), "reporting", ReportingMigrations()));
    reporting_pool_ = std::make_unique<db::Pool>(reporting_config_.db);
    StartReportingServer();
  }
  void TearDown() override {
    reporting_server_.reset();
    reporting_bundle_.reset();
    TaskProgressTest::TearDown();
  }

  // (Re)starts the reporting bundle and server on the same database.
  void StartReportingServer() {
    reporting_server_.reset();
    reporting_bundle_.reset();
    reporting_registry_ = std::make_unique<prometheus::Registry>();
    ServiceContext ctx{reporting_config_, *reporting_pool_, *reporting_registry_, clock_};
    auto bundle = reporting::ReportingBundle::Create(
        ctx, {.task_target = "127.0.0.1:" + std::to_string(task_server_->port())});
    ASSERT_OK(bundle);
    reporting_bundle_ = std::move(*bundle);
    auto server = Server::Start({}, reporting_bundle_->GrpcServices(), *reporting_registry_);
    ASSERT_OK(server);
    reporting_server_ = std::move(*server);
    reports_ = rpb::ReportingService::NewStub(MakeChannel("127.0.0.1:" + std::to_string(reporting_server_->port())));
  }

  // Waits (up to 20 s) until the read model holds every event the task service wrote.
  void WaitCaughtUp() {
    const int64_t total = CountEvents();
    for (int i = 0; i < 2000; ++i) {
      const events::ConsumerLag lag = reporting_bundle_->consumer().Lag();
      if (lag.caught_up && lag.events_applied >= total) return;
      absl::SleepFor(absl::Milliseconds(10));
    }
    FAIL() << "the read model did not catch up with " << total << " events";
  }

  template <typename Req, typename Resp>
  grpc::Status R(grpc::Status (ReportingStub::*method)(grpc::ClientContext*, const Req&, Resp*), const Req& request,
                 Resp* response, const Principal* caller = &kOfficeCaller) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    if (caller != nullptr) AttachPrincipal(ctx, *caller);
    return (reports_.get()->*method)(&ctx, request, response);
  }

  // CreateReport for a periodic kind and label.
  grpc::Status Create(rpb::PeriodKind kind, const std::string& label, rpb::Report* out,
                      const std::string& request_id = "") {
    rpb::CreateReportRequest request;
    request.set_plan("plans/910-qd-btp-2025");
    request.mutable_period()->set_kind(kind);
    request.mutable_period()->set_label(label);
    request.set_request_id(request_id);
    return R(&ReportingStub::CreateReport, request, out);
  }

  ServerConfig reporting_config_;
  std::unique_ptr<prometheus::Registry> reporting_registry_;
  std::unique_ptr<db::Pool> reporting_pool_;
  std::unique_ptr<reporting::ReportingBundle> reporting_bundle_;
  std::unique_ptr<Server> reporting_server_;
  std::unique_ptr<ReportingStub> reports_;
};

}  // namespace p06::testing
