// The REST/JSON door (on http_server.h): authenticates the bearer token, limits each
// principal's rate, checks the route's roles, transcodes to the service's gRPC method,
// forwards with a deadline and the verified principal (with its proof), answers JSON
// or the one error body, and audits every mutation and every refusal.
//
// Threads: a read is decided on an I/O thread and forwarded without waiting; its
// answer is written from the gRPC completion. Whatever writes the audit log (a
// mutation, a refusal) or holds a stream runs on a worker thread, where it may block.
//
// Edge limits (http_server.h): a body over max_body_bytes is 413; a request must
// arrive within io_timeout and an answer be taken within it; idle keep-alive
// connections close after keep_alive_timeout; past max_connections a connection is
// answered 503 and closed. Every response carries the security headers and
// X-Request-Id; CORS headers only for the configured origins. Server-streaming RPCs
// answer as Server-Sent Events (event_stream.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/synchronization/mutex.h"
#include "services/gateway/http/event_stream.h"
#include "services/gateway/http/http_message.h"

namespace prometheus {
class Registry;
}

namespace p06::gateway {

class AuditStore;
class Backends;
class HttpServer;
class JwtVerifier;
class RateLimiter;
class RouteTable;
struct AuditRecord;

struct RestOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  size_t max_body_bytes = 8 << 20;
  absl::Duration io_timeout = absl::Seconds(10);
  absl::Duration keep_alive_timeout = absl::Seconds(5);
  size_t io_threads = 2;   // Serve every connection's reads and writes.
  size_t threads = 32;      // Workers: mutations (audited), refusals, streams.
  size_t max_connections = 256;
  absl::Duration backend_timeout = absl::Seconds(10);
  std::vector<std::string> cors_origins;
  size_t max_streams = 16;  // Server-Sent Event streams open at once; each holds a worker.
  size_t max_streams_per_principal = 4;  // Of those, held by one principal.
  absl::Duration stream_max_duration = absl::Minutes(10);  // Then the client resumes.
  absl::Duration stream_heartbeat = absl::Seconds(15);     // Longest silence on a stream.
};

class RestServer {
 public:
  RestServer(RestOptions options, const RouteTable& routes, Backends& backends, const JwtVerifier& jwt,
             RateLimiter& limiter, AuditStore& audit, std::string openapi_json, prometheus::Registry& metrics);
  ~RestServer();

  // Binds and starts serving on threads of its own.
  absl::Status Start();
  int port() const;
  // Ends the streams, waits for the requests under way, and stops serving.
  void Stop();

 private:
  struct Metrics;
  struct Exchange;
  using ExchangePtr = std::shared_ptr<Exchange>;
  void Handle(HttpRequest req, std::shared_ptr<HttpExchange> http);
  // Everything before the backend call: the route, the principal, the roles, the
  // request message. False, with x.status set, when the request is refused.
  bool Prepare(const HttpRequest& req, Exchange& x);
  void CallWithoutWaiting(ExchangePtr x);
  void CallAudited(ExchangePtr x);
  // The backend has answered: the JSON, or the error; then Finish.
  void Complete(ExchangePtr x, bool on_worker);
  // Answers x, on a worker when the answer must be audited and this is not one.
  void Finish(ExchangePtr x, bool on_worker);
  void ServeStream(Exchange& x, const std::string& last_event_id);
  void Answer(Exchange& x);
  HttpResponse Preflight(const HttpRequest& req) const;
  // The Origin of a request when it is one of cors_origins, else "".
  std::string AllowedOrigin(const HttpRequest& req) const;
  // Appends x's audit entry: its outcome (stage ""), or kStageReceived before a
  // mutation is forwarded. False (logged, counted) when it could not be written.
  bool Audit(Exchange& x, const std::string& stage, int http_status);
  // Counts the answer in the request metrics.
  void Count(const Exchange& x, int http_status);

  RestOptions options_;
  const RouteTable& routes_;
  Backends& backends_;
  const JwtVerifier& jwt_;
  RateLimiter& limiter_;
  AuditStore& audit_;
  const std::string openapi_json_;
  std::unique_ptr<Metrics> metrics_;
  EventStreams streams_;
  absl::Mutex mu_;
  int calls_without_waiting_ ABSL_GUARDED_BY(mu_) = 0;  // Stop waits for them.
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;         // Then no new one starts.
  std::unique_ptr<HttpServer> http_;
};

}  // namespace p06::gateway
