// The directory service binary. See README.md for flags and ports.
#include "common/server/run_service.h"
#include "services/directory/directory.h"
#include "services/directory/directory_grpc.h"
#include "services/directory/storage/pg_directory_store.h"

std::span<const p06::db::Migration> DirectoryMigrations();

namespace {

// The directory's object graph, in construction order.
class DirectoryBundle final : public p06::ServiceBundle {
 public:
  explicit DirectoryBundle(p06::ServiceContext& ctx) : store_(ctx.pool), directory_(store_, ctx.clock), grpc_(directory_) {}
  std::vector<p06::NamedService> GrpcServices() override {
    return {{p06::directory::pb::DirectoryService::service_full_name(), &grpc_}};
  }

 private:
  p06::directory::PgDirectoryStore store_;
  p06::directory::Directory directory_;
  p06::directory::DirectoryGrpc grpc_;
};

}  // namespace

int main(int argc, char** argv) {
  return p06::RunServiceMain(argc, argv,
                             {.defaults = {"directory", 7101, 9101},
                              .migrations = DirectoryMigrations(),
                              .make_bundle = [](p06::ServiceContext& ctx)
                                  -> absl::StatusOr<std::unique_ptr<p06::ServiceBundle>> {
                                return std::make_unique<DirectoryBundle>(ctx);
                              }});
}
