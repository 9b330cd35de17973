// The common server (health, interceptor metrics, request ids) around the real
// directory service on a real PostgreSQL, in process on a free port.
#include <gtest/gtest.h>

#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "common/db/migrations.h"
#include "common/grpc/client.h"
#include "common/grpc/request_id.h"
#include "common/server/server.h"
#include "services/directory/directory_bundle.h"
#include "services/p06ctl/health.h"
#include "tests/harness/pg_test.h"
#include "tests/harness/status_matchers.h"

namespace p06 {
namespace {

namespace pb = ::p06::directory::v1;
using ::p06::testing::StatusIs;
using ::testing::HasSubstr;

class ServerInterceptorTest : public ::p06::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    db::PoolOptions options{.url = database_url(), .schema = "directory"};
    ASSERT_OK(db::ApplyMigrations(db::BuildConnectionString(options), "directory", DirectoryMigrations()));
    config_.db = options;
    pool_ = std::make_unique<db::Pool>(options, &registry_);
    ServiceContext ctx{config_, *pool_, registry_, SystemClock::Get()};
    auto bundle = directory::DirectoryBundle::Create(ctx);
    ASSERT_OK(bundle);
    bundle_ = std::move(*bundle);
    auto server = Server::Start({}, bundle_->GrpcServices(), registry_);
    ASSERT_OK(server);
    server_ = std::move(*server);
    channel_ = MakeChannel("127.0.0.1:" + std::to_string(server_->port()));
    stub_ = pb::DirectoryService::NewStub(channel_);
  }
  void TearDown() override {
    server_.reset();
    bundle_.reset();
    PgTest::TearDown();
  }
  std::string Metrics() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  prometheus::Registry registry_;
  ServerConfig config_;
  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<directory::DirectoryBundle> bundle_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::DirectoryService::Stub> stub_;
};

TEST_F(ServerInterceptorTest, HealthSaysServing) {
  EXPECT_TRUE(ctl::CheckHealth(channel_, "", absl::Seconds(2)).ok());
  EXPECT_TRUE(ctl::CheckHealth(channel_, "p06.directory.v1.DirectoryService", absl::Seconds(2)).ok());
}

TEST_F(ServerInterceptorTest, CountsStartedAndHandledByCodeAndObservesLatency) {
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext ctx;
    pb::GetUnitRequest req;
    req.set_name("units/missing");
    pb::Unit unit;
    EXPECT_THAT(stub_->GetUnit(&ctx, req, &unit), StatusIs(absl::StatusCode::kNotFound));
  }
  {
    grpc::ClientContext ctx;
    pb::GetUnitRequest req;
    req.set_name("not a name");
    pb::Unit unit;
    EXPECT_THAT(stub_->GetUnit(&ctx, req, &unit), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
  }
  const std::string labels =
      R"(grpc_method="GetUnit",grpc_service="p06.directory.v1.DirectoryService",grpc_type="unary")";
  std::string text = Metrics();
  EXPECT_NE(text.find("grpc_server_started_total{" + labels + "} 4"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(grpc_server_handled_total{grpc_code="NOT_FOUND",)" + labels + "} 3"), std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(grpc_server_handled_total{grpc_code="INVALID_ARGUMENT",)" + labels + "} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("grpc_server_handling_seconds_count{" + labels + "} 4"), std::string::npos) << text;
  EXPECT_NE(text.find("p06_db_pool_idle_connections{pool=\"directory\"}"), std::string::npos) << text;
}

TEST_F(ServerInterceptorTest, EchoesTheCallersRequestIdOrAssignsOne) {
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata(kRequestIdHeader, "caller-id-1");
    pb::ListUnitsResponse resp;
    ASSERT_TRUE(stub_->ListUnits(&ctx, pb::ListUnitsRequest(), &resp).ok());
    auto it = ctx.GetServerInitialMetadata().find(kRequestIdHeader);
    ASSERT_NE(it, ctx.GetServerInitialMetadata().end());
    EXPECT_EQ(std::string(it->second.data(), it->second.size()), "caller-id-1");
  }
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata(kRequestIdHeader, std::string(500, 'x'));  // Too long: replaced.
    pb::ListUnitsResponse resp;
    ASSERT_TRUE(stub_->ListUnits(&ctx, pb::ListUnitsRequest(), &resp).ok());
    auto it = ctx.GetServerInitialMetadata().find(kRequestIdHeader);
    ASSERT_NE(it, ctx.GetServerInitialMetadata().end());
    EXPECT_EQ(it->second.size(), 32u);
  }
}

TEST_F(ServerInterceptorTest, ShutdownRefusesNewCallsAndReportsNotServing) {
  server_->Shutdown(absl::Seconds(1));
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  pb::ListUnitsResponse resp;
  EXPECT_THAT(stub_->ListUnits(&ctx, pb::ListUnitsRequest(), &resp), StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace p06
