// The task service's client of the directory against a directory that answers as one
// released before follow_to did (a rolling deploy): asked to follow units to a later
// day, it reads the names on as_of alone and says nothing of the day. The client must
// not take that answer for one followed to today.
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include "common/grpc/client.h"
#include "common/grpc/proto_time.h"
#include "services/task/unit_resolver.h"
#include "tests/harness/status_matchers.h"

namespace p06::testing {
namespace {

namespace dpb = ::p06::directory::v1;

// Resolves every name to one unit, as of whatever day, and sets no days in its answer.
class DirectoryBeforeFollowTo final : public dpb::DirectoryService::Service {
 public:
  grpc::Status ResolveUnitNames(grpc::ServerContext*, const dpb::ResolveUnitNamesRequest* request,
                                dpb::ResolveUnitNamesResponse* response) override {
    for (const std::string& name : request->names()) {
      dpb::Resolution* r = response->add_resolutions();
      r->set_input(name);
      r->set_match_kind(dpb::MATCH_KIND_EXACT);
      r->add_units("units/stp-binh-duong");
    }
    return grpc::Status::OK;
  }
};

TEST(GrpcUnitResolverTest, AnAnswerFromADirectoryBeforeFollowToIsNotTaken) {
  DirectoryBeforeFollowTo old_directory;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&old_directory);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(port, 0);
  task::GrpcUnitResolver resolver(MakeChannel("127.0.0.1:" + std::to_string(port)));

  const absl::CivilDay decided(2025, 3, 5), today(2026, 6, 1);
  EXPECT_THAT(resolver.Resolve({"Sở Tư pháp tỉnh Bình Dương"}, {decided, today}, {}),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::HasSubstr("follow_to")));
  // Asked for one day only, the old directory's answer is the answer.
  absl::StatusOr<std::vector<dpb::Resolution>> same_day = resolver.Resolve({"Sở Tư pháp tỉnh Bình Dương"},
                                                                           {today, today}, {});
  ASSERT_OK(same_day);
  ASSERT_EQ(same_day->size(), 1u);
  EXPECT_EQ(same_day->front().units(0), "units/stp-binh-duong");
  server->Shutdown();
}

}  // namespace
}  // namespace p06::testing
