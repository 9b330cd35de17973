// The gateway's object graph, built the same way by main.cc and by the tests: the
// routes from the descriptors, the backends, the token verifier, the audit store, the
// REST server, and the gateway's own gRPC service.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>

#include "common/server/run_service.h"
#include "services/gateway/aggregate/dashboard_grpc.h"
#include "services/gateway/audit/audit_store.h"
#include "services/gateway/auth/jwt.h"
#include "services/gateway/auth/rate_limiter.h"
#include "services/gateway/gateway_grpc.h"
#include "services/gateway/http/backends.h"
#include "services/gateway/http/rest_server.h"
#include "services/gateway/routing/route_table.h"

std::span<const p06::db::Migration> GatewayMigrations();

namespace p06::gateway {

// The gateway's own settings, beside the common ServerConfig.
struct GatewayOptions {
  RestOptions rest;
  std::string jwks_file;  // The issuer's public keys (JWKS); required.
  JwtPolicy jwt;
  double rate_per_second = 50;  // Per principal; 0 turns the limit off.
  double rate_burst = 100;
  absl::Duration page_timeout = absl::Seconds(3);  // Aggregate pages' budget for their services.
  // Full service name → host:port. The gateway's own services are added by the bundle.
  std::map<std::string, std::string> backends;

  // INVALID_ARGUMENT naming the first bad setting.
  absl::Status Validate() const;
};

class GatewayBundle final : public ServiceBundle {
 public:
  // Reads the JWKS, builds the routes (failing on a bad http option), starts the REST
  // server.
  static absl::StatusOr<std::unique_ptr<GatewayBundle>> Create(ServiceContext& ctx, GatewayOptions options);
  std::vector<NamedService> GrpcServices() override;
  void PrepareForShutdown() override { rest_->Stop(); }
  int http_port() const { return rest_->port(); }
  const RouteTable& routes() const { return routes_; }

 private:
  GatewayBundle(ServiceContext& ctx, GatewayOptions options, RouteTable routes, std::unique_ptr<JwtVerifier> jwt);

  GatewayOptions options_;
  RouteTable routes_;
  std::unique_ptr<JwtVerifier> jwt_;
  RateLimiter limiter_;
  AuditStore audit_;
  Backends backends_;
  GatewayGrpc grpc_;
  DashboardGrpc dashboard_;
  std::unique_ptr<RestServer> rest_;
};

// The services the gateway fronts, by full name.
std::vector<const google::protobuf::ServiceDescriptor*> FrontedServices();

}  // namespace p06::gateway
