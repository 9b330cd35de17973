// gRPC for other ministry systems: the gateway's mutual-TLS port forwards every unary
// method of the services it fronts, as bytes (no transcoding), to the owning service.
// The caller is its client certificate: TLS has verified it against the configured CA;
// its subject is mapped to a principal and scopes (client_principals.h). Then, as at
// the REST door: the scopes and the route's role rules, the principal forwarded with
// its proof, a deadline on the backend call, and an audit entry (with the certificate's
// subject) for every mutation and every refusal.
//
// The proxy is a generic service, so it also receives the fronted methods on the
// plain port: there, with no certificate, every call is UNAUTHENTICATED. Streaming
// methods are not forwarded (UNIMPLEMENTED): systems follow the event stream from the
// task service or over the REST door's Server-Sent Events.
#pragma once

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>

#include <map>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "services/gateway/proxy/client_principals.h"

namespace p06::gateway {

class AuditStore;
class Backends;
class RouteTable;
struct Route;

class GrpcProxy final : public grpc::CallbackGenericService {
 public:
  GrpcProxy(const RouteTable& routes, const Backends& backends, ClientPrincipals principals, AuditStore& audit,
            absl::Duration backend_timeout);

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override;

 private:
  friend class ProxyCall;
  struct Target {
    const Route* route;
    grpc::GenericStub* stub;
  };
  std::map<std::string, Target, std::less<>> targets_;  // By gRPC path.
  std::map<std::string, std::unique_ptr<grpc::GenericStub>> stubs_;  // By service.
  const ClientPrincipals principals_;
  AuditStore& audit_;
  const absl::Duration backend_timeout_;
};

}  // namespace p06::gateway
