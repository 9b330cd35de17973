// The REST/JSON door (cpp-httplib): authenticates the bearer token, limits each
// principal's rate, checks the route's roles, transcodes to the service's gRPC method,
// forwards with a deadline and the verified principal (with its proof), answers JSON
// or the one error body, and audits every mutation and every refusal.
//
// Edge limits: a body over max_body_bytes is 413; reading a request or writing an
// answer stalls at most io_timeout; idle keep-alive connections close after
// keep_alive_timeout; past max_connections a connection is answered 503 and closed.
// Every response carries the security headers and X-Request-Id; CORS headers only for
// the configured origins. Server-streaming RPCs answer as Server-Sent Events
// (event_stream.h).
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/gateway/http/event_stream.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace prometheus {
class Registry;
}

namespace p06::gateway {

class AuditStore;
class Backends;
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
  size_t threads = 32;
  size_t max_connections = 256;
  absl::Duration backend_timeout = absl::Seconds(10);
  std::vector<std::string> cors_origins;
  size_t max_streams = 16;  // Server-Sent Event streams open at once; each holds a thread.
  absl::Duration stream_max_duration = absl::Minutes(10);  // Then the client resumes.
  absl::Duration stream_heartbeat = absl::Seconds(15);     // Longest silence on a stream.
};

class RestServer {
 public:
  RestServer(RestOptions options, const RouteTable& routes, Backends& backends, const JwtVerifier& jwt,
             RateLimiter& limiter, AuditStore& audit, std::string openapi_json, prometheus::Registry& metrics);
  ~RestServer();

  // Binds and starts serving on a thread of its own.
  absl::Status Start();
  int port() const { return port_; }
  void Stop();

 private:
  struct Metrics;
  struct Exchange;
  void Handle(const httplib::Request& req, httplib::Response& res);
  void Answer(Exchange& x, httplib::Response& res);
  void ServeStream(Exchange& x, const httplib::Request& req, std::unique_ptr<google::protobuf::Message> request,
                   std::unique_ptr<google::protobuf::Message> response, httplib::Response& res);
  // Appends x's audit entry: its outcome (stage ""), or kStageReceived before a
  // mutation is forwarded. False (logged, counted) when it could not be written.
  bool Audit(Exchange& x, const std::string& stage, int http_status);
  // Counts the answer in the request metrics.
  void Count(const Exchange& x, const httplib::Response& res);

  RestOptions options_;
  const RouteTable& routes_;
  Backends& backends_;
  const JwtVerifier& jwt_;
  RateLimiter& limiter_;
  AuditStore& audit_;
  const std::string openapi_json_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<httplib::Server> http_;
  EventStreams streams_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace p06::gateway
