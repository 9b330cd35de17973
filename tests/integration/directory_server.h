// A directory server on a fresh database: migrations applied (with the 2025 reference
// data), the real DirectoryBundle, a real gRPC server on a free port, and a stub.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <pqxx/pqxx>

#include "common/db/migrations.h"
#include "common/grpc/client.h"
#include "common/server/server.h"
#include "services/directory/directory_bundle.h"
#include "tests/harness/callers.h"
#include "tests/harness/pg_test.h"
#include "tests/harness/status_matchers.h"

namespace p06::testing {

namespace dpb = ::p06::directory::v1;

class DirectoryServerTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    config_.db = {.url = database_url(), .schema = "directory", .size = 16};
    ASSERT_OK(db::ApplyMigrations(db::BuildConnectionString(config_.db), "directory", DirectoryMigrations()));
    pool_ = std::make_unique<db::Pool>(config_.db, &registry_);
    bundle_ = StartBundle(*pool_);
    ASSERT_NE(bundle_, nullptr);
    auto server = Server::Start({}, bundle_->GrpcServices(), registry_);
    ASSERT_OK(server);
    server_ = std::move(*server);
    channel_ = MakeChannel("127.0.0.1:" + std::to_string(server_->port()));
    stub_ = dpb::DirectoryService::NewStub(channel_);
  }

  void TearDown() override {
    server_.reset();
    bundle_.reset();
    PgTest::TearDown();
  }

  // Another replica's object graph on the same database (no server).
  std::unique_ptr<directory::DirectoryBundle> StartBundle(db::Pool& pool) {
    ServiceContext ctx{config_, pool, registry_, SystemClock::Get()};
    auto bundle = directory::DirectoryBundle::Create(ctx);
    EXPECT_TRUE(bundle.ok()) << bundle.status();
    return bundle.ok() ? std::move(*bundle) : nullptr;
  }

  // Unary call helper: Call(&Stub::GetUnit, request, &response), as the Ministry
  // Office unless `caller` says otherwise (nullptr: no identity at all).
  template <typename Req, typename Resp>
  grpc::Status Call(grpc::Status (dpb::DirectoryService::Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                    const Req& request, Resp* response, const Principal* caller = &kOfficeCaller) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    if (caller != nullptr) AttachPrincipal(ctx, *caller);
    return (stub_.get()->*method)(&ctx, request, response);
  }

  dpb::ResolveUnitNamesResponse Resolve(const std::vector<std::string>& names) {
    dpb::ResolveUnitNamesRequest request;
    for (const auto& n : names) request.add_names(n);
    dpb::ResolveUnitNamesResponse response;
    grpc::Status status = Call(&dpb::DirectoryService::Stub::ResolveUnitNames, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::string Metrics() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  // A read of the database as it is, past the service.
  pqxx::result Query(const std::string& sql) {
    pqxx::connection conn(database_url());
    pqxx::read_transaction tx(conn);
    return tx.exec(sql);
  }
  // The directory's revision, bumped by every change.
  int64_t Revision() { return Query("SELECT revision FROM directory.directory_revision")[0][0].as<int64_t>(); }

  ServerConfig config_;
  prometheus::Registry registry_;
  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<directory::DirectoryBundle> bundle_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<dpb::DirectoryService::Stub> stub_;
};

}  // namespace p06::testing
