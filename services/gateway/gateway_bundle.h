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
#include "services/gateway/proxy/grpc_proxy.h"
#include "services/gateway/routing/route_table.h"

std::span<const p06::db::Migration> GatewayMigrations();

namespace p06::gateway {

// The mutual-TLS gRPC port for other ministry systems (proxy/grpc_proxy.h).
struct TlsOptions {
  int port = -1;  // -1: no such port; 0: any free one.
  std::string cert_file, key_file;  // The gateway's certificate chain and key (PEM).
  std::string client_ca_file;       // CA(s) whose client certificates are accepted (PEM).
  std::string client_principals_file;  // Certificate subject → principal and scopes.
  // WatchEvents streams forwarded at once. Unlike the REST door's, they hold no
  // thread, only a backend stream each: their own limit, not sse_max_streams.
  int max_streams = 64;
  bool enabled() const { return port >= 0; }
};

// The gateway's own settings, beside the common ServerConfig.
struct GatewayOptions {
  RestOptions rest;
  std::string jwks_file;  // The issuer's public keys (JWKS); required.
  JwtPolicy jwt;
  double rate_per_second = 50;  // Per principal; 0 turns the limit off.
  double rate_burst = 100;
  absl::Duration page_timeout = absl::Seconds(3);  // Aggregate pages' budget for their services.
  TlsOptions tls;
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
  void PrepareForShutdown() override {
    rest_->Stop();
    if (proxy_ != nullptr) proxy_->CancelStreams();
  }
  // The TLS port and the proxy behind it, when configured.
  void ConfigureServer(ServerOptions& server) override;
  int http_port() const { return rest_->port(); }
  const RouteTable& routes() const { return routes_; }

 private:
  GatewayBundle(ServiceContext& ctx, GatewayOptions options, RouteTable routes, std::unique_ptr<JwtVerifier> jwt);
  // Reads the TLS files and the client principals; builds the credentials and proxy.
  absl::Status SetUpTls(prometheus::Registry& metrics);

  GatewayOptions options_;
  RouteTable routes_;
  std::unique_ptr<JwtVerifier> jwt_;
  RateLimiter limiter_;
  AuditStore audit_;
  Backends backends_;
  std::shared_ptr<grpc::ServerCredentials> tls_credentials_;
  std::unique_ptr<GrpcProxy> proxy_;
  OwnCallers own_callers_;  // Told of proxy_ once it exists (SetUpTls); gone before it.
  GatewayGrpc grpc_;
  DashboardGrpc dashboard_;
  std::unique_ptr<RestServer> rest_;
};

// The services the gateway fronts, by full name.
std::vector<const google::protobuf::ServiceDescriptor*> FrontedServices();

}  // namespace p06::gateway
