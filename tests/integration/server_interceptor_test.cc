// The common server (health, interceptor metrics, request ids) around the real
// directory service on a real PostgreSQL, in process on a free port.
#include <algorithm>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "common/grpc/request_id.h"
#include "services/p06ctl/health.h"
#include "tests/harness/generic_call.h"
#include "tests/integration/directory_server.h"

namespace p06 {
namespace {

namespace pb = ::p06::directory::v1;
using ::p06::testing::StatusIs;
using ::testing::HasSubstr;

class ServerInterceptorTest : public ::p06::testing::DirectoryServerTest {
 protected:
  // A unary call with raw request bytes, as a client of another language might send.
  grpc::Status RawUnary(const std::string& method, const std::string& bytes) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    testing::AttachOffice(ctx);
    return testing::GenericUnaryCall(channel_, ctx, method, bytes);
  }
};

TEST_F(ServerInterceptorTest, OnlyRegisteredMethodsGetTheirOwnLabels) {
  const std::string before = Metrics();
  for (int i = 0; i < 31; ++i) {
    const std::string made_up = "/p06.directory.v1.DirectoryService/Made" + std::string(2000, 'x') + std::to_string(i);
    EXPECT_EQ(RawUnary(made_up, "").error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }
  EXPECT_EQ(RawUnary("/no.such.Service/Call", "").error_code(), grpc::StatusCode::UNIMPLEMENTED);
  const std::string after = Metrics();
  EXPECT_EQ(after.find("Madexx"), std::string::npos);
  EXPECT_EQ(after.find("no.such"), std::string::npos);
  EXPECT_NE(after.find(R"(grpc_server_started_total{grpc_method="unknown",grpc_service="unknown")"), std::string::npos)
      << after;
  // The unknown calls add one label set (and its code), not 32.
  const auto lines = [](const std::string& t) { return std::count(t.begin(), t.end(), '\n'); };
  EXPECT_LT(lines(after) - lines(before), 40) << after;
}

TEST_F(ServerInterceptorTest, ARequestThatDoesNotParseIsInvalidArgumentNamingItsType) {
  // Field 1 (name) of GetUnitRequest, length 2, not UTF-8.
  const std::string bad_utf8 = std::string("\x0a\x02\xc3\x28", 4);
  EXPECT_THAT(RawUnary("/p06.directory.v1.DirectoryService/GetUnit", bad_utf8),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("p06.directory.v1.GetUnitRequest.name: not valid UTF-8")));
  // A length that runs past the end: malformed protobuf.
  EXPECT_THAT(RawUnary("/p06.directory.v1.DirectoryService/ResolveUnitNames", std::string("\x0a\x7f\x41", 3)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("malformed protobuf")));
  // The same bytes, well formed, reach the handler.
  EXPECT_THAT(RawUnary("/p06.directory.v1.DirectoryService/GetUnit", std::string("\x0a\x02\x41\x42", 4)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
  EXPECT_NE(Metrics().find(R"(grpc_server_handled_total{grpc_code="INVALID_ARGUMENT",grpc_method="GetUnit")"),
            std::string::npos);
}

TEST_F(ServerInterceptorTest, HealthSaysServing) {
  EXPECT_TRUE(ctl::CheckHealth(channel_, "", absl::Seconds(2)).ok());
  EXPECT_TRUE(ctl::CheckHealth(channel_, "p06.directory.v1.DirectoryService", absl::Seconds(2)).ok());
}

TEST_F(ServerInterceptorTest, CountsStartedAndHandledByCodeAndObservesLatency) {
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext ctx;
    testing::AttachOffice(ctx);
    pb::GetUnitRequest req;
    req.set_name("units/missing");
    pb::Unit unit;
    EXPECT_THAT(stub_->GetUnit(&ctx, req, &unit), StatusIs(absl::StatusCode::kNotFound));
  }
  {
    grpc::ClientContext ctx;
    testing::AttachOffice(ctx);
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
  EXPECT_NE(text.find(R"(grpc_server_handled_total{grpc_code="INVALID_ARGUMENT",)" + labels + "} 1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("grpc_server_handling_seconds_count{" + labels + "} 4"), std::string::npos) << text;
  EXPECT_NE(text.find("p06_db_pool_idle_connections{pool=\"directory\"}"), std::string::npos) << text;
}

TEST_F(ServerInterceptorTest, EchoesTheCallersRequestIdOrAssignsOne) {
  {
    grpc::ClientContext ctx;
    testing::AttachOffice(ctx);
    ctx.AddMetadata(kRequestIdHeader, "caller-id-1");
    pb::ListUnitsResponse resp;
    ASSERT_TRUE(stub_->ListUnits(&ctx, pb::ListUnitsRequest(), &resp).ok());
    auto it = ctx.GetServerInitialMetadata().find(kRequestIdHeader);
    ASSERT_NE(it, ctx.GetServerInitialMetadata().end());
    EXPECT_EQ(std::string(it->second.data(), it->second.size()), "caller-id-1");
  }
  {
    grpc::ClientContext ctx;
    testing::AttachOffice(ctx);
    ctx.AddMetadata(kRequestIdHeader, std::string(500, 'x'));  // Too long: replaced.
    pb::ListUnitsResponse resp;
    ASSERT_TRUE(stub_->ListUnits(&ctx, pb::ListUnitsRequest(), &resp).ok());
    auto it = ctx.GetServerInitialMetadata().find(kRequestIdHeader);
    ASSERT_NE(it, ctx.GetServerInitialMetadata().end());
    EXPECT_EQ(it->second.size(), 32u);
  }
}

// Server reflection, as an independent client (grpcurl) uses it: list the services.
TEST_F(ServerInterceptorTest, ReflectionListsTheServices) {
  grpc::GenericStub stub(channel_);
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  auto call = stub.PrepareCall(&ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag;
  bool ok;
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  // ServerReflectionRequest{list_services = ""}: field 7, length-delimited, empty.
  const char request_bytes[] = {0x3a, 0x00};
  grpc::Slice slice(request_bytes, sizeof request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  call->Write(request, reinterpret_cast<void*>(2));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  grpc::ByteBuffer response;
  call->Read(&response, reinterpret_cast<void*>(3));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const auto& sl : slices) bytes.append(reinterpret_cast<const char*>(sl.begin()), sl.size());
  EXPECT_NE(bytes.find("p06.directory.v1.DirectoryService"), std::string::npos);
  EXPECT_NE(bytes.find("grpc.health.v1.Health"), std::string::npos);
  ctx.TryCancel();
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(4));
  while (cq.Next(&tag, &ok) && tag != reinterpret_cast<void*>(4)) {
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

TEST_F(ServerInterceptorTest, ReadinessIsReportedAndShutdownRefusesNewCalls) {
  server_->SetServing(false);  // As the readiness watcher does while the database is away.
  EXPECT_THAT(ctl::CheckHealth(channel_, "", absl::Seconds(2)),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("NOT_SERVING")));
  EXPECT_THAT(ctl::CheckHealth(channel_, "p06.directory.v1.DirectoryService", absl::Seconds(2)),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("NOT_SERVING")));
  server_->SetServing(true);
  EXPECT_TRUE(ctl::CheckHealth(channel_, "", absl::Seconds(2)).ok());
  server_->Shutdown(absl::Seconds(1));
  server_->SetServing(true);  // Ignored once shutdown began.
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  pb::ListUnitsResponse resp;
  EXPECT_THAT(stub_->ListUnits(&ctx, pb::ListUnitsRequest(), &resp), StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace p06
