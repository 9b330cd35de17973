// The directory's object graph, built the same way by main.cc and by the tests:
// store → name index refresher → logic → gRPC adapter.
#pragma once

#include <memory>

#include "common/server/run_service.h"
#include "services/directory/directory.h"
#include "services/directory/directory_grpc.h"
#include "services/directory/resolution/index_refresher.h"
#include "services/directory/storage/pg_directory_store.h"

std::span<const p06::db::Migration> DirectoryMigrations();
// reference_data/NNN_name.tsv, embedded at build time (cmake/P06Migrations.cmake).
std::span<const p06::db::Migration> DirectoryReferenceData();

namespace p06::directory {

class DirectoryBundle final : public ServiceBundle {
 public:
  // Fills the search text of reference data loaded by migrations, builds the first
  // name index, starts listening for changes, and applies the reference data files
  // not applied yet. UNAVAILABLE without a database; FAILED_PRECONDITION for a data
  // file that does not hold or was edited after it was applied.
  static absl::StatusOr<std::unique_ptr<DirectoryBundle>> Create(ServiceContext& ctx);

  std::vector<NamedService> GrpcServices() override;
  Directory& directory() { return directory_; }
  IndexRefresher& index() { return index_; }

 private:
  explicit DirectoryBundle(ServiceContext& ctx);

  DirectoryMetrics metrics_;
  PgDirectoryStore store_;
  IndexRefresher index_;
  Directory directory_;
  Groups groups_;
  Contacts contacts_;
  DirectoryGrpc grpc_;
};

}  // namespace p06::directory
