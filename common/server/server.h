// A gRPC server operated the same way in every service: grpc.health.v1, server
// reflection, the common interceptor, keepalive and message-size limits, and a
// graceful drain.
#pragma once

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>

#include <atomic>
#include <mutex>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace prometheus {
class Registry;
}

namespace p06 {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 picks a free port; see Server::port().
  int max_message_bytes = 16 << 20;
  // A second port with credentials of its own (the gateway's mutual-TLS port for
  // other ministry systems), serving the same services; null credentials: none.
  int secure_port = 0;
  std::shared_ptr<grpc::ServerCredentials> secure_credentials;
  // Serves every method no registered service has (the gateway's proxy); not owned.
  grpc::CallbackGenericService* generic_service = nullptr;
  // Services the generic service answers for, so that metrics name their methods.
  std::vector<std::string> generic_service_names;
};

// A service to register, with its full name ("p06.directory.v1.DirectoryService")
// for the health service: Foo::service_full_name() of the generated code.
struct NamedService {
  std::string name;
  grpc::Service* service;  // Not owned; must outlive the server.
};

class Server {
 public:
  // Starts serving `services` and marks the server and each of them SERVING in
  // grpc.health.v1. UNAVAILABLE if the port is taken.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options,
                                                       const std::vector<NamedService>& services,
                                                       prometheus::Registry& registry);
  ~Server();

  int port() const { return port_; }
  int secure_port() const { return secure_port_; }

  // Marks the server NOT_SERVING, stops accepting new calls, lets in-flight calls run
  // until `drain` has passed and cancels the rest. Returns when the server is stopped:
  // as soon as the last call in flight is done, not at the end of `drain` (idle client
  // connections are closed then rather than waited for).
  void Shutdown(absl::Duration drain);

  // Calls being served right now.
  int64_t InFlight() const { return in_flight_.load(std::memory_order_acquire); }

  // Readiness: SERVING or NOT_SERVING in grpc.health.v1, for the server and each
  // service. Ignored once Shutdown has begun (it stays NOT_SERVING). Thread-safe.
  void SetServing(bool serving);

 private:
  Server() = default;
  void SetHealth(bool serving);

  std::atomic<int64_t> in_flight_{0};  // Declared before server_: outlives it.
  std::unique_ptr<grpc::Server> server_;
  std::vector<std::string> names_;
  int port_ = 0;
  int secure_port_ = 0;
  std::mutex mu_;        // Orders SetServing with Shutdown.
  bool stopped_ = false;  // Guarded by mu_.
};

}  // namespace p06
