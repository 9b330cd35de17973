// gRPC for other ministry systems: the gateway's mutual-TLS port forwards every unary
// and server-streaming method of the services it fronts, as bytes (no transcoding), to the owning service.
// The caller is its client certificate: TLS has verified it against the configured CA;
// its subject is mapped to a principal and scopes (client_principals.h). Then, as at
// the REST door: the scopes and the route's role rules, the principal forwarded with
// its proof, a deadline on the backend call, and an audit entry (with the certificate's
// subject) for every mutation and every refusal. A system is held to the same
// per-principal rate limit as a person at the REST door: past it, RESOURCE_EXHAUSTED
// with a `retry-after` trailer (seconds), not audited, so that a flood of calls cannot
// become a flood of audit rows.
//
// The proxy is a generic service, so it also receives the fronted methods on the
// plain port: there, with no certificate, every call is UNAUTHENTICATED. A server
// stream (WatchEvents) is forwarded message by message until the caller's deadline,
// at most `stream_max_duration`; methods that stream from the client are not
// (UNIMPLEMENTED): the suite has none.
#pragma once

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>

#include <map>
#include <thread>
#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "common/grpc/principal.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/grpc/stream_slots.h"
#include "services/gateway/proxy/client_principals.h"

namespace p06::gateway {

class AuditStore;
struct AuditRecord;
class RateLimiter;
class ProxyCall;
class Backends;
class RouteTable;
struct Route;

class GrpcProxy final : public grpc::CallbackGenericService {
 public:
  GrpcProxy(const RouteTable& routes, const Backends& backends, ClientPrincipals principals, AuditStore& audit,
            RateLimiter& limiter, absl::Duration backend_timeout, absl::Duration stream_max_duration, int max_streams,
            prometheus::Registry& metrics);

  ~GrpcProxy() override;

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override;

  // Ends every forwarded stream (UNAVAILABLE: the caller resumes elsewhere or later)
  // and refuses new ones, so that a stopping gateway does not wait out its drain.
  void CancelStreams();

  // A call over mutual TLS to one of the gateway's own services (GatewayService,
  // DashboardService). They are registered on the server, so gRPC gives them their
  // calls and the proxy never sees them: they ask here instead. The same admission as
  // a forwarded call (a known system, the rate limit, its scopes, the route's roles),
  // refusals audited; OK with the certificate's principal.
  absl::StatusOr<Principal> AdmitOwnCall(grpc::ServerContextBase& ctx, const std::string& method);
  // An own call admitted above that its handler then refused (PERMISSION_DENIED: the
  // audit log to a system that is no auditor): audited as a forwarded call's would be.
  void AuditOwnRefusal(const grpc::ServerContextBase& ctx, const std::string& method, grpc::StatusCode code);
  // The call came over mutual TLS with a certificate TLS verified.
  static bool HasClientCertificate(const grpc::ServerContextBase& ctx);

 private:
  friend class ProxyCall;
  struct Target;
  // What admitting a call found, for its audit entry.
  struct Admission {
    std::string subject;  // The client certificate's; "" for none.
    const ClientPrincipal* caller = nullptr;
    const Target* target = nullptr;
    bool rate_limited = false;  // Refused by the rate limit: not audited.
  };
  grpc::Status Admit(grpc::ServerContextBase& ctx, const std::string& method, Admission& a);
  // Appends an entry of a call admitted (or refused) as `a`: its seq, or the error
  // (logged) when the log cannot be written.
  absl::StatusOr<int64_t> AppendAudit(const Admission& a, AuditRecord r);
  // The entry of an own call's refusal (logged when it cannot be written: the refusal
  // stands either way).
  void AuditOwn(const Admission& a, const grpc::ServerContextBase& ctx, const std::string& method,
                grpc::StatusCode code);
  bool Track(ProxyCall* call);  // False once CancelStreams has run.
  void Untrack(ProxyCall* call);
  // Every kSweepEvery until stopping: cuts off the streams whose caller stopped reading.
  void SweepStuckStreams();
  static constexpr absl::Duration kSweepEvery = absl::Seconds(1);

  struct Target {
    const Route* route;
    grpc::GenericStub* stub;
  };
  std::map<std::string, Target, std::less<>> targets_;  // By gRPC path.
  std::map<std::string, std::unique_ptr<grpc::GenericStub>> stubs_;  // By service.
  const ClientPrincipals principals_;
  AuditStore& audit_;
  RateLimiter& limiter_;
  const absl::Duration backend_timeout_;
  const absl::Duration stream_max_duration_;
  StreamSlots streams_;  // Streams open at once (tls_max_streams).
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_set<ProxyCall*> live_ ABSL_GUARDED_BY(mu_);
  std::thread sweeper_;  // Last: started once everything above is.
};

}  // namespace p06::gateway
