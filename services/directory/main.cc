// The directory service binary. See README.md for flags and ports.
#include "common/server/run_service.h"
#include "services/directory/directory_bundle.h"

int main(int argc, char** argv) {
  return p06::RunServiceMain(
      argc, argv,
      {.defaults = {"directory", 7101, 9101},
       .migrations = DirectoryMigrations(),
       .make_bundle = [](p06::ServiceContext& ctx) -> absl::StatusOr<std::unique_ptr<p06::ServiceBundle>> {
         auto bundle = p06::directory::DirectoryBundle::Create(ctx);
         if (!bundle.ok()) return bundle.status();
         return std::unique_ptr<p06::ServiceBundle>(std::move(*bundle));
       }});
}
