// The common server (health, interceptor metrics, request ids) around the real
// directory service on a real PostgreSQL, in process on a free port.
#include <gtest/gtest.h>

#include <grpcpp/grpcpp.h>

#include "common/grpc/request_id.h"
#include "services/p06ctl/health.h"
#include "tests/integration/directory_server.h"

namespace p06 {
namespace {

namespace pb = ::p06::directory::v1;
using ::p06::testing::StatusIs;
using ::testing::HasSubstr;

class ServerInterceptorTest : public ::p06::testing::DirectoryServerTest {};

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
