// The whole life of a service binary, so that every main.cc is a few lines:
//
//   int main(int argc, char** argv) {
//     return p06::RunServiceMain(argc, argv, {
//         .defaults = {"directory", 7101, 9101},
//         .migrations = DirectoryMigrations(),
//         .make_bundle = [](p06::ServiceContext& ctx) { return std::make_unique<Wiring>(ctx); }});
//   }
//
// Order: block SIGTERM/SIGINT (so only the waiting thread sees them) → config →
// logging → metrics port → migrations (waiting up to startup_db_wait for the database)
// → pool → services → serve → on the first SIGTERM/SIGINT drain for drain_deadline
// and exit 0. Any start-up failure exits 1 with the reason logged.
#pragma once

#include <grpcpp/impl/codegen/service_type.h>

#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "common/base/clock.h"
#include "common/db/migrations.h"
#include "common/db/pool.h"
#include "common/server/server.h"
#include "common/server/server_config.h"

namespace prometheus {
class Registry;
}

namespace p06 {

// What a service's constructor may depend on. Everything outlives the services.
struct ServiceContext {
  const ServerConfig& config;
  db::Pool& pool;
  prometheus::Registry& metrics;
  const Clock& clock;
};

// A service's object graph (store, logic, adapters, background workers), built once
// the schema is current and destroyed after the gRPC server has stopped.
class ServiceBundle {
 public:
  virtual ~ServiceBundle() = default;
  // The gRPC services to register; owned by the bundle.
  virtual std::vector<NamedService> GrpcServices() = 0;
  // Called when draining starts, before the server stops: end long-lived streams so
  // that their clients reconnect elsewhere instead of holding the drain.
  virtual void PrepareForShutdown() {}
  // Adds to the server's options what only this service has (the gateway: its TLS
  // port and proxy).
  virtual void ConfigureServer(ServerOptions&) {}
};

struct ServiceSpec {
  ServiceDefaults defaults;
  std::span<const db::Migration> migrations;  // Applied to the schema named after the service.
  std::function<absl::StatusOr<std::unique_ptr<ServiceBundle>>(ServiceContext&)> make_bundle;
};

int RunServiceMain(int argc, char** argv, const ServiceSpec& spec);

}  // namespace p06
