// The proof a channel from MakeChannel puts on each call (common/grpc/proof_interceptor.h),
// as a server sees it: a real gRPC server on a free port that records the x-p06-proof
// of every call it is sent, whatever the method, and answers UNIMPLEMENTED (or, for a
// few methods, a refusal of the proof); and what the gateway's channels make of that.
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/grpc/client.h"
#include "common/grpc/internal_proof.h"
#include "common/grpc/principal.h"
#include "tests/harness/generic_call.h"
#include "tests/harness/internal_key.h"
#include "tests/harness/status_matchers.h"

namespace p06 {
namespace {

using ::p06::testing::StatusIs;
using ::testing::HasSubstr;

class RecordingService : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override {
    {
      std::lock_guard lock(mu_);
      auto it = ctx->client_metadata().find(kProofHeader);
      proofs_[ctx->method()] = it == ctx->client_metadata().end() ? "" : std::string(it->second.data(), it->second.size());
    }
    class Refuse : public grpc::ServerGenericBidiReactor {
     public:
      explicit Refuse(grpc::Status status) { Finish(std::move(status)); }
      void OnDone() override { delete this; }
    };
    return new Refuse(AnswerTo(ctx->method()));
  }
  // What the server answers a method: a refusal of the proof, as the services word
  // theirs, for the methods named so; else UNIMPLEMENTED.
  static grpc::Status AnswerTo(const std::string& method) {
    if (absl::EndsWith(method, "/NotBelieved")) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "x-p06-proof: signed by a key not believed here");
    }
    if (absl::EndsWith(method, "/Flooded")) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "x-p06-proof: too many failed proofs; retry in 1 s");
    }
    if (absl::EndsWith(method, "/NoKeys")) return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, kNoInternalKeys);
    if (absl::EndsWith(method, "/Busy")) return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "slow down");
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "recorded");
  }
  std::string ProofOf(const std::string& method) {
    std::lock_guard lock(mu_);
    return proofs_[method];
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::string> proofs_;
};

class ProofInterceptorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int port = 0;
    server_ = grpc::ServerBuilder()
                  .AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port)
                  .RegisterCallbackGenericService(&service_)
                  .BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = MakeChannel(absl::StrCat("127.0.0.1:", port));
    gateway_channel_ = MakeChannel(absl::StrCat("127.0.0.1:", port), 0, ProofRefusals::kAsUnavailable);
  }
  void TearDown() override { server_->Shutdown(); }

  // One call of `method` as `caller` (none: no principal), with `proof` set by hand
  // when given; waits for its answer.
  void Call(const std::string& method, const Principal* caller, const std::string& proof = "") {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    if (caller != nullptr) AttachPrincipal(ctx, *caller);
    if (!proof.empty()) ctx.AddMetadata(kProofHeader, proof);
    EXPECT_EQ(::p06::testing::GenericUnaryCall(channel_, ctx, method).error_message(), "recorded") << method;
  }

  RecordingService service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_, gateway_channel_;
};

const Principal kReporter{.subject = "lan@stp-ha-noi", .unit = "units/stp-ha-noi", .roles = {kRoleUnitReporter}};
constexpr char kGetUnit[] = "/p06.directory.v1.DirectoryService/GetUnit";

TEST_F(ProofInterceptorTest, EachCallIsProvenForTheServiceOfItsMethod) {
  Call(kGetUnit, &kReporter);
  Call("/p06.task.v1.TaskService/GetTask", &kReporter);
  Call("/p06.dashboard.v1.DashboardService/GetPlanOverview", &kReporter);
  const std::string to_directory = service_.ProofOf(kGetUnit);
  EXPECT_TRUE(absl::StartsWith(to_directory, "v2.operator.directory.")) << to_directory;
  EXPECT_TRUE(absl::StartsWith(service_.ProofOf("/p06.task.v1.TaskService/GetTask"), "v2.operator.task."));
  EXPECT_TRUE(absl::StartsWith(service_.ProofOf("/p06.dashboard.v1.DashboardService/GetPlanOverview"),
                               "v2.operator.gateway."));

  // Checked as each deployed process checks it: the directory believes it, the task
  // service (sent it by someone passing it on) does not.
  const std::string& keys = ::p06::testing::InstallTestInternalKeys();
  auto directory = Keyring::LoadDirectory(keys, "directory");
  auto task = Keyring::LoadDirectory(keys, "task");
  ASSERT_TRUE(directory.ok() && task.ok());
  const std::string roles = absl::StrJoin(kReporter.roles, ",");
  EXPECT_TRUE((*directory)->Verify(to_directory, kReporter.subject, kReporter.unit, roles).ok());
  EXPECT_THAT((*task)->Verify(to_directory, kReporter.subject, kReporter.unit, roles),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("made for directory")));
}

TEST_F(ProofInterceptorTest, NoPrincipalOrAMethodOutsideTheSuiteGetsNoProofAndOneSetByHandStays) {
  Call(kGetUnit, nullptr);
  EXPECT_EQ(service_.ProofOf(kGetUnit), "") << "nothing to prove";
  // (Not gRPC's health service: a test before this one in the binary may have turned
  // on its built-in one, which would answer instead.)
  Call("/acme.billing.v1.Invoices/Get", &kReporter);
  EXPECT_EQ(service_.ProofOf("/acme.billing.v1.Invoices/Get"), "") << "no service of the suite believes it";
  Call(kGetUnit, &kReporter, "v2.gateway.directory.1.by-hand");
  EXPECT_EQ(service_.ProofOf(kGetUnit), "v2.gateway.directory.1.by-hand");
}

// A service refusing the suite's proof: as said, between the suite's processes; to the
// gateway's callers, UNAVAILABLE. Any other refusal is as said on both.
TEST_F(ProofInterceptorTest, TheGatewaysChannelsTurnARefusalOfTheProofIntoUnavailable) {
  auto call = [&](const std::shared_ptr<grpc::Channel>& channel, const std::string& method) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    AttachPrincipal(ctx, kReporter);
    return ::p06::testing::GenericUnaryCall(channel, ctx, absl::StrCat("/p06.task.v1.TaskService/", method));
  };
  for (const char* refused : {"NotBelieved", "Flooded", "NoKeys"}) {
    const grpc::Status said = call(channel_, refused);
    EXPECT_TRUE(said.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
                said.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED)
        << refused << ": " << said.error_message();
    EXPECT_THAT(call(gateway_channel_, refused),
                StatusIs(absl::StatusCode::kUnavailable, HasSubstr("did not accept the gateway's word")))
        << refused;
  }
  for (const auto& channel : {channel_, gateway_channel_}) {
    EXPECT_THAT(call(channel, "Busy"), StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("slow down")));
    EXPECT_THAT(call(channel, "GetTask"), StatusIs(absl::StatusCode::kUnimplemented, HasSubstr("recorded")));
  }
}

}  // namespace
}  // namespace p06
