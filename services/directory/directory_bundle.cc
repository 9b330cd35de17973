#include "services/directory/directory_bundle.h"

#include "services/directory/unit_validation.h"

namespace p06::directory {

DirectoryBundle::DirectoryBundle(ServiceContext& ctx)
    : metrics_(DirectoryMetrics::Register(ctx.metrics)),
      store_(ctx.pool),
      index_(store_, db::BuildConnectionString(ctx.config.db)),
      directory_(store_, index_, ctx.clock, metrics_),
      groups_(store_, index_, ctx.clock),
      contacts_(store_),
      grpc_(directory_, groups_, contacts_) {}

absl::StatusOr<std::unique_ptr<DirectoryBundle>> DirectoryBundle::Create(ServiceContext& ctx) {
  std::unique_ptr<DirectoryBundle> bundle(new DirectoryBundle(ctx));
  if (absl::Status s = bundle->store_.BackfillSearchText(UnitSearchText); !s.ok()) return s;
  if (absl::Status s = bundle->index_.Start(); !s.ok()) return s;
  if (absl::Status s = bundle->directory_.ApplyReferenceDataFiles(DirectoryReferenceData()); !s.ok()) return s;
  return bundle;
}

std::vector<NamedService> DirectoryBundle::GrpcServices() {
  return {{pb::DirectoryService::service_full_name(), &grpc_}};
}

}  // namespace p06::directory
