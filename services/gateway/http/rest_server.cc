#include "services/gateway/http/rest_server.h"

#include <google/protobuf/message.h>
#include <httplib.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/grpc/client.h"
#include "common/grpc/principal.h"
#include "common/grpc/request_id.h"
#include "common/grpc/status_mapping.h"
#include "common/log/log.h"
#include "services/gateway/audit/audit_store.h"
#include "services/gateway/auth/jwt.h"
#include "services/gateway/auth/rate_limiter.h"
#include "services/gateway/auth/route_access.h"
#include "services/gateway/http/backends.h"
#include "services/gateway/http/error_body.h"
#include "services/gateway/routing/transcoder.h"

namespace p06::gateway {
namespace {

// Set on the worker thread serving a connection accepted past max_connections.
thread_local bool t_shed = false;

// httplib's thread pool, counting the connections it holds (queued or served): past
// the limit a connection is still read, but answered 503 and closed at once.
class BoundedTaskQueue : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(size_t threads, size_t max_connections) : pool_(threads), max_(max_connections) {}
  void enqueue(std::function<void()> fn) override {
    const bool shed = held_.fetch_add(1) >= max_;
    pool_.enqueue([this, fn = std::move(fn), shed] {
      t_shed = shed;
      fn();
      t_shed = false;
      held_.fetch_sub(1);
    });
  }
  void shutdown() override { pool_.shutdown(); }

 private:
  httplib::ThreadPool pool_;
  const size_t max_;
  std::atomic<size_t> held_{0};
};

// A Retry-After header's value: whole seconds, at least 1.
std::string RetryAfterSeconds(absl::Duration wait) {
  return absl::StrCat(std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1)))));
}

std::string BearerToken(const httplib::Request& req) {
  std::string header = req.get_header_value("Authorization");
  absl::string_view v = header;
  if (!absl::ConsumePrefix(&v, "Bearer ") && !absl::ConsumePrefix(&v, "bearer ")) return "";
  return std::string(absl::StripAsciiWhitespace(v));
}

}  // namespace

struct RestServer::Metrics {
  explicit Metrics(prometheus::Registry& r)
      : requests(prometheus::BuildCounter()
                     .Name("p06_gateway_http_requests_total")
                     .Help("REST requests answered, by route template, HTTP method and status.")
                     .Register(r)),
        latency(prometheus::BuildHistogram()
                    .Name("p06_gateway_http_request_duration_seconds")
                    .Help("Time from a REST request read to its answer, backend call included.")
                    .Register(r)),
        audit_failures(prometheus::BuildCounter()
                           .Name("p06_gateway_audit_failures_total")
                           .Help("Audit entries that could not be written (the database was unreachable).")
                           .Register(r)
                           .Add({})) {}
  prometheus::Family<prometheus::Counter>& requests;
  prometheus::Family<prometheus::Histogram>& latency;
  prometheus::Counter& audit_failures;
};

// One request's way through the gateway, for the answer and the audit entry.
struct RestServer::Exchange {
  absl::Time start = absl::Now();
  std::string request_id;
  std::string remote;
  std::string http_method;
  const Route* route = nullptr;
  std::string resource;
  std::optional<Principal> principal;
  grpc::Status status;
  int http_status = 0;  // 0: from status.
  std::string body;     // The JSON answer when OK.
  std::string etag;
  std::string retry_after;
  bool audit = false;
  int64_t received_seq = 0;  // The entry written before forwarding, once written.
};

RestServer::RestServer(RestOptions options, const RouteTable& routes, Backends& backends, const JwtVerifier& jwt,
                       RateLimiter& limiter, AuditStore& audit, std::string openapi_json, prometheus::Registry& metrics)
    : options_(std::move(options)),
      routes_(routes),
      backends_(backends),
      jwt_(jwt),
      limiter_(limiter),
      audit_(audit),
      openapi_json_(std::move(openapi_json)),
      metrics_(std::make_unique<Metrics>(metrics)),
      http_(std::make_unique<httplib::Server>()),
      streams_(backends, options_.max_streams, options_.stream_max_duration, options_.stream_heartbeat) {}

RestServer::~RestServer() { Stop(); }

absl::Status RestServer::Start() {
  httplib::Server& s = *http_;
  const size_t threads = options_.threads, max_connections = options_.max_connections;
  s.new_task_queue = [threads, max_connections] { return new BoundedTaskQueue(threads, max_connections); };
  // Without it, an answer written as headers then body waits out the client's delayed
  // ACK (Nagle): 40 ms a request.
  s.set_tcp_nodelay(true);
  // httplib closes a kept-alive connection after 5 requests by default: a client would
  // reconnect (and a worker be handed over) every fifth request.
  s.set_keep_alive_max_count(10000);
  s.set_payload_max_length(options_.max_body_bytes);
  s.set_read_timeout(std::chrono::microseconds(absl::ToInt64Microseconds(options_.io_timeout)));
  s.set_write_timeout(std::chrono::microseconds(absl::ToInt64Microseconds(options_.io_timeout)));
  s.set_keep_alive_timeout(std::max<time_t>(1, absl::ToInt64Seconds(options_.keep_alive_timeout)));
  s.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                         {"X-Frame-Options", "DENY"},
                         {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
                         {"Referrer-Policy", "no-referrer"},
                         {"Cache-Control", "no-store"}});
  s.set_pre_routing_handler([](const httplib::Request&, httplib::Response& res) {
    if (!t_shed) return httplib::Server::HandlerResponse::Unhandled;
    res.status = 503;
    res.set_header("Connection", "close");
    res.set_header("Retry-After", "1");
    res.set_content(ErrorBody(grpc::Status(grpc::StatusCode::UNAVAILABLE, "too many connections"), ""),
                    "application/json");
    return httplib::Server::HandlerResponse::Handled;
  });
  // httplib's own refusals (413 body too large, 400 malformed request, 404 of a
  // method it does not route) get the error body too.
  s.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const grpc::StatusCode code = res.status == 413   ? grpc::StatusCode::RESOURCE_EXHAUSTED
                                  : res.status == 404 ? grpc::StatusCode::NOT_FOUND
                                                      : grpc::StatusCode::INVALID_ARGUMENT;
    const std::string message = res.status == 413 ? "body: larger than the gateway accepts" : "malformed HTTP request";
    res.set_content(ErrorBody(grpc::Status(code, message), "", res.status), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); };
  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  s.Get("/v1/openapi.json",
        [this](const httplib::Request&, httplib::Response& res) { res.set_content(openapi_json_, "application/json"); });
  s.Get(".*", handler);
  s.Post(".*", handler);
  s.Patch(".*", handler);
  s.Delete(".*", handler);
  s.Options(".*", [this](const httplib::Request& req, httplib::Response& res) {
    // CORS preflight: answered for configured origins only.
    const std::string origin = req.get_header_value("Origin");
    if (std::find(options_.cors_origins.begin(), options_.cors_origins.end(), origin) == options_.cors_origins.end()) {
      res.status = 403;
      res.set_content(ErrorBody(grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "origin not allowed"), ""),
                      "application/json");
      return;
    }
    res.status = 204;
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Vary", "Origin");
    res.set_header("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE");
    res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match, Idempotency-Key, X-Request-Id");
    res.set_header("Access-Control-Max-Age", "600");
  });

  port_ = options_.port == 0 ? s.bind_to_any_port(options_.host) : (s.bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port_ <= 0) return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.host, ":", options_.port));
  thread_ = std::thread([this] { http_->listen_after_bind(); });
  return absl::OkStatus();
}

void RestServer::Stop() {
  if (thread_.joinable()) {
    streams_.CancelAll();
    http_->stop();
    thread_.join();
  }
}

void RestServer::Handle(const httplib::Request& req, httplib::Response& res) {
  Exchange x;
  x.http_method = req.method;
  x.remote = absl::StrCat(req.remote_addr, ":", req.remote_port);
  const std::string sent_id = req.get_header_value("X-Request-Id");
  x.request_id = IsValidRequestId(sent_id) ? sent_id : NewRequestId();

  absl::StatusOr<RequestPath> path = SplitRequestPath(req.path);
  if (!path.ok()) {
    x.status = ToGrpcStatus(path.status());
    return Answer(x, res);
  }
  RouteTable::Match match = routes_.Find(req.method, *path);
  if (match.route == nullptr) {
    x.status = grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat("no route ", req.method, " ", req.path));
    if (match.other_method_matches) {
      x.status = grpc::Status(grpc::StatusCode::UNIMPLEMENTED, absl::StrCat(req.method, " is not allowed on ", req.path));
      x.http_status = 405;
    }
    return Answer(x, res);
  }
  x.route = match.route;
  HttpRequestParts parts{.route = match.route, .bindings = std::move(match.bindings)};
  x.resource = ResourceOf(parts);

  // Who: a verified token, or nothing is forwarded. Refusals are audited; a flood of
  // them from one address is limited before it reaches the audit log.
  absl::StatusOr<Principal> principal = jwt_.Verify(BearerToken(req));
  if (!principal.ok()) {
    if (absl::Duration wait = limiter_.Acquire(absl::StrCat("addr:", req.remote_addr)); wait > absl::ZeroDuration()) {
      x.status = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "too many requests from this address");
      x.retry_after = RetryAfterSeconds(wait);
      return Answer(x, res);
    }
    x.status = ToGrpcStatus(principal.status());
    x.audit = true;
    return Answer(x, res);
  }
  x.principal = *principal;
  if (absl::Duration wait = limiter_.Acquire(principal->subject); wait > absl::ZeroDuration()) {
    x.status = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "rate limit: slow down");
    x.retry_after = RetryAfterSeconds(wait);
    return Answer(x, res);
  }
  if (absl::Status access = CheckRouteAccess(*x.route, *principal); !access.ok()) {
    x.status = ToGrpcStatus(access);
    x.audit = true;
    return Answer(x, res);
  }
  x.audit = !x.route->is_read();

  const google::protobuf::MethodDescriptor* method = x.route->method;
  if (method->client_streaming()) {
    x.status = grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                            absl::StrCat(x.route->grpc_path, " streams from the client: call it over gRPC"));
    return Answer(x, res);
  }
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> request(factory->GetPrototype(method->input_type())->New());
  std::unique_ptr<google::protobuf::Message> response(factory->GetPrototype(method->output_type())->New());
  // A body is JSON: a form body would be parsed by httplib into the query's
  // parameters, where it has no business.
  if (!req.body.empty() && !absl::StartsWith(req.get_header_value("Content-Type"), "application/json")) {
    x.status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "Content-Type: a body must be application/json");
    x.http_status = 415;
    return Answer(x, res);
  }
  for (const auto& [key, value] : req.params) parts.query.emplace_back(key, value);
  parts.body = req.body;
  parts.if_match = req.get_header_value("If-Match");
  parts.idempotency_key = req.get_header_value("Idempotency-Key");
  if (absl::Status built = BuildRequest(parts, request.get()); !built.ok()) {
    x.status = ToGrpcStatus(built);
    return Answer(x, res);
  }

  if (method->server_streaming()) return ServeStream(x, req, std::move(request), std::move(response), res);

  // A mutation is in the audit log before it is made, or it is not made.
  if (x.audit && !Audit(x, kStageReceived, 0)) {
    x.status = grpc::Status(grpc::StatusCode::UNAVAILABLE, kAuditUnwritable);
    return Answer(x, res);
  }
  grpc::ClientContext ctx;
  PrepareClientContext(ctx, options_.backend_timeout, x.request_id);
  AttachPrincipal(ctx, *principal);
  x.status = backends_.Call(x.route->grpc_path, ctx, *request, response.get());
  if (x.status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
      x.status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    x.audit = true;
  }
  if (x.status.ok()) {
    absl::StatusOr<std::string> json = ResponseJson(*response);
    if (!json.ok()) {
      x.status = ToGrpcStatus(json.status());
    } else {
      x.body = *std::move(json);
      x.etag = EtagOf(*response);
    }
  }
  Answer(x, res);
}

void RestServer::ServeStream(Exchange& x, const httplib::Request& req,
                             std::unique_ptr<google::protobuf::Message> request,
                             std::unique_ptr<google::protobuf::Message> response, httplib::Response& res) {
  // An EventSource reconnecting says where it stopped.
  if (const std::string last = req.get_header_value("Last-Event-ID"); !last.empty()) {
    const google::protobuf::FieldDescriptor* f = request->GetDescriptor()->FindFieldByName(EventStreams::kResumeField);
    if (f != nullptr && f->type() == google::protobuf::FieldDescriptor::TYPE_STRING && !f->is_repeated()) {
      request->GetReflection()->SetString(request.get(), f, last);
    }
  }
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata(kRequestIdHeader, x.request_id);
  AttachPrincipal(*ctx, *x.principal);
  x.status = streams_.Open(x.route->grpc_path, std::move(ctx), std::move(request), std::move(response), x.request_id,
                           res);
  if (!x.status.ok()) return Answer(x, res);
  res.status = 200;
  res.set_header("X-Request-Id", x.request_id);
  Count(x, res);
}

void RestServer::Answer(Exchange& x, httplib::Response& res) {
  res.status = x.http_status != 0 ? x.http_status : HttpStatusOf(x.status.error_code());
  res.set_header("X-Request-Id", x.request_id);
  if (!x.retry_after.empty()) res.set_header("Retry-After", x.retry_after);
  if (!x.etag.empty()) res.set_header("ETag", absl::StrCat("\"", x.etag, "\""));
  if (x.status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    res.set_header("WWW-Authenticate", "Bearer realm=\"p06\"");
  }
  res.set_content(x.status.ok() ? x.body : ErrorBody(x.status, x.request_id, res.status), "application/json");

  if (x.audit) Audit(x, "", res.status);
  Count(x, res);
}

bool RestServer::Audit(Exchange& x, const std::string& stage, int http_status) {
  AuditRecord r;
  r.time = absl::Now();
  if (x.principal) {
    r.subject = x.principal->subject;
    r.unit = x.principal->unit;
    r.roles = absl::StrJoin(x.principal->roles, ",");
  }
  r.method = x.route != nullptr ? x.route->grpc_path : "";
  r.resource = x.resource;
  if (stage.empty()) r.code = CodeName(x.status.error_code());
  r.request_id = x.request_id;
  r.remote_address = x.remote;
  r.http_method = x.http_method;
  r.http_status = http_status;
  r.stage = stage;
  if (stage.empty()) r.received_seq = x.received_seq;
  absl::StatusOr<int64_t> seq = audit_.Append(std::move(r));
  if (!seq.ok()) {
    metrics_->audit_failures.Increment();
    log::Error("audit entry not written",
               {{"request_id", x.request_id}, {"error", std::string(seq.status().message())}});
    return false;
  }
  if (stage == kStageReceived) x.received_seq = *seq;
  return true;
}

void RestServer::Count(const Exchange& x, const httplib::Response& res) {
  const std::map<std::string, std::string> labels{
      {"route", x.route != nullptr ? x.route->path.text() : "none"},
      {"method", x.http_method},
      {"status", absl::StrCat(res.status)}};
  metrics_->requests.Add(labels).Increment();
  metrics_->latency.Add(labels, prometheus::Histogram::BucketBoundaries{0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                                        0.25, 0.5, 1, 2.5, 5, 10})
      .Observe(absl::ToDoubleSeconds(absl::Now() - x.start));
}

}  // namespace p06::gateway
