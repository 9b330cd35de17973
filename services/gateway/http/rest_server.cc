#include "services/gateway/http/rest_server.h"

#include <google/protobuf/message.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <map>
#include <tuple>

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_map.h"
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
#include "services/gateway/http/http_server.h"
#include "services/gateway/routing/transcoder.h"

namespace p06::gateway {
namespace {

// What lets a page on an allowed origin read an answer (CORS), and the headers of it
// that the page's script may see.
void AllowOrigin(const std::string& origin, HttpResponse& res) {
  if (origin.empty()) return;
  res.SetHeader("Access-Control-Allow-Origin", origin);
  res.SetHeader("Vary", "Origin");
  res.SetHeader("Access-Control-Expose-Headers", "ETag, Retry-After, X-Request-Id");
}

// The caller's X-Request-Id when it is a valid one, else a new id.
std::string HttpRequestId(const HttpRequest& req) {
  std::string sent = req.Header("X-Request-Id");
  return IsValidRequestId(sent) ? sent : NewRequestId();
}

std::string BearerToken(const HttpRequest& req) {
  std::string header = req.Header("Authorization");
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

  // The children of one (route, method, status), made on its first answer and then
  // reused, so that an answer takes a reader lock, not the family's mutex, and builds
  // no label map.
  struct Children {
    prometheus::Counter* requests = nullptr;
    prometheus::Histogram* latency = nullptr;
  };
  Children ChildrenFor(const Route* route, absl::string_view method, int http_status) {
    // The method label is one of a fixed few: a method a client made up must not
    // mint a series of its own.
    static constexpr const char* kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    const char* label = "other";
    for (const char* m : kMethods) {
      if (method == m) {
        label = m;
        break;
      }
    }
    const Key key{route, label, http_status};
    {
      absl::ReaderMutexLock lock(&mu);
      if (auto it = children.find(key); it != children.end()) return it->second;
    }
    const std::map<std::string, std::string> labels{
        {"route", route != nullptr ? route->path.text() : "none"}, {"method", label}, {"status", absl::StrCat(http_status)}};
    Children made{&requests.Add(labels),
                  &latency.Add(labels, prometheus::Histogram::BucketBoundaries{0.001, 0.002, 0.005, 0.01, 0.025, 0.05,
                                                                               0.1, 0.25, 0.5, 1, 2.5, 5, 10})};
    absl::MutexLock lock(&mu);
    return children.try_emplace(key, made).first->second;  // Family::Add gave both racers the same children.
  }

 private:
  using Key = std::tuple<const Route*, const char*, int>;  // The method: an entry of kMethods, or "other".
  absl::Mutex mu;
  absl::flat_hash_map<Key, Children> children ABSL_GUARDED_BY(mu);
};

// One request's way through the gateway, for the answer and the audit entry.
struct RestServer::Exchange {
  std::shared_ptr<HttpExchange> http;
  absl::Time start = absl::Now();
  std::string request_id;
  std::string remote;
  std::string origin;  // An allowed Origin of the request, or "".
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
  // The backend call.
  std::unique_ptr<google::protobuf::Message> request, response;
  grpc::ClientContext ctx;
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
      streams_(backends, options_.max_streams, options_.max_streams_per_principal, options_.stream_max_duration,
               options_.stream_heartbeat) {}

RestServer::~RestServer() { Stop(); }

absl::Status RestServer::Start() {
  HttpServerOptions o;
  o.host = options_.host;
  o.port = options_.port;
  o.io_threads = options_.io_threads;
  o.worker_threads = options_.threads;
  o.max_body_bytes = options_.max_body_bytes;
  o.io_timeout = options_.io_timeout;
  o.keep_alive_timeout = options_.keep_alive_timeout;
  o.max_connections = options_.max_connections;
  o.default_headers = {{"X-Content-Type-Options", "nosniff"},
                       {"X-Frame-Options", "DENY"},
                       {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
                       {"Referrer-Policy", "no-referrer"},
                       {"Cache-Control", "no-store"}};
  // The HTTP server's own refusals get the error body too.
  o.refusal = [](int http_status) {
    HttpResponse res;
    res.status = http_status;
    // No request was read whole: the answer still has an id to quote in a complaint.
    const std::string request_id = NewRequestId();
    res.SetHeader("X-Request-Id", request_id);
    grpc::Status status(grpc::StatusCode::INVALID_ARGUMENT, "malformed HTTP request");
    if (http_status == 413) {
      status = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "body: larger than the gateway accepts");
    } else if (http_status == 431) {
      status = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "headers: larger than the gateway accepts");
    } else if (http_status == 503) {
      status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "too many connections, or shutting down: retry");
      res.SetHeader("Retry-After", "1");
    }
    res.content_type = "application/json";
    res.body = ErrorBody(status, request_id, http_status);
    return res;
  };
  http_ = std::make_unique<HttpServer>(std::move(o), [this](HttpRequest req, std::shared_ptr<HttpExchange> http) {
    Handle(std::move(req), std::move(http));
  });
  return http_->Start();
}

int RestServer::port() const { return http_ != nullptr ? http_->port() : 0; }

void RestServer::Stop() {
  if (http_ == nullptr) return;
  streams_.CancelAll();
  http_->StopAccepting();
  {
    // Calls under way end by their deadline. Their completions use this object, and
    // an audited one hands its answer to a worker, so the workers must outlive them.
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    mu_.Await(absl::Condition(
        +[](int* calls) { return *calls == 0; }, &calls_without_waiting_));
  }
  http_->Stop();
}

std::string RestServer::AllowedOrigin(const HttpRequest& req) const {
  std::string origin = req.Header("Origin");
  if (origin.empty()) return "";
  const bool allowed =
      std::find(options_.cors_origins.begin(), options_.cors_origins.end(), origin) != options_.cors_origins.end();
  return allowed ? origin : "";
}

HttpResponse RestServer::Preflight(const HttpRequest& req) const {
  // CORS preflight: answered for configured origins only.
  HttpResponse res;
  const std::string origin = AllowedOrigin(req);
  if (origin.empty()) {
    res.status = 403;
    res.content_type = "application/json";
    res.body = ErrorBody(grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "origin not allowed"), "");
    return res;
  }
  res.status = 204;
  AllowOrigin(origin, res);
  res.SetHeader("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE");
  res.SetHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match, Idempotency-Key, X-Request-Id");
  res.SetHeader("Access-Control-Max-Age", "600");
  return res;
}

void RestServer::Handle(HttpRequest req, std::shared_ptr<HttpExchange> http) {
  if (req.method == "OPTIONS") {
    HttpResponse res = Preflight(req);
    res.SetHeader("X-Request-Id", HttpRequestId(req));
    return http->Reply(std::move(res));
  }
  if (req.method == "GET" && (req.path == "/healthz" || req.path == "/v1/openapi.json")) {
    HttpResponse res;
    res.SetHeader("X-Request-Id", HttpRequestId(req));
    const bool health = req.path == "/healthz";
    res.content_type = health ? "text/plain" : "application/json";
    res.body = health ? "ok\n" : openapi_json_;
    AllowOrigin(AllowedOrigin(req), res);
    return http->Reply(std::move(res));
  }
  auto x = std::make_shared<Exchange>();
  x->http = std::move(http);
  x->origin = AllowedOrigin(req);
  if (!Prepare(req, *x)) return Finish(std::move(x), /*on_worker=*/false);
  if (x->route->method->server_streaming()) {
    return http_->Blocking([this, x, last = req.Header("Last-Event-ID")] { ServeStream(*x, last); });
  }
  if (x->audit) return http_->Blocking([this, x] { CallAudited(x); });
  CallWithoutWaiting(std::move(x));
}

bool RestServer::Prepare(const HttpRequest& req, Exchange& x) {
  x.http_method = req.method;
  x.remote = absl::StrCat(req.remote_addr, ":", req.remote_port);
  x.request_id = HttpRequestId(req);

  absl::StatusOr<RequestPath> path = SplitRequestPath(req.path);
  if (!path.ok()) {
    x.status = ToGrpcStatus(path.status());
    return false;
  }
  RouteTable::Match match = routes_.Find(req.method, *path);
  if (match.route == nullptr) {
    x.status = grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat("no route ", req.method, " ", req.path));
    if (match.other_method_matches) {
      x.status = grpc::Status(grpc::StatusCode::UNIMPLEMENTED, absl::StrCat(req.method, " is not allowed on ", req.path));
      x.http_status = 405;
    }
    return false;
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
      x.retry_after = RateLimiter::RetryAfterSeconds(wait);
      return false;
    }
    x.status = ToGrpcStatus(principal.status());
    x.audit = true;
    return false;
  }
  x.principal = *principal;
  if (absl::Duration wait = limiter_.Acquire(principal->subject); wait > absl::ZeroDuration()) {
    x.status = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "rate limit: slow down");
    x.retry_after = RateLimiter::RetryAfterSeconds(wait);
    return false;
  }
  if (absl::Status access = CheckRouteAccess(*x.route, *principal); !access.ok()) {
    x.status = ToGrpcStatus(access);
    x.audit = true;
    return false;
  }
  x.audit = !x.route->is_read();

  const google::protobuf::MethodDescriptor* method = x.route->method;
  if (method->client_streaming()) {
    x.status = grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                            absl::StrCat(x.route->grpc_path, " streams from the client: call it over gRPC"));
    return false;
  }
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  x.request.reset(factory->GetPrototype(method->input_type())->New());
  x.response.reset(factory->GetPrototype(method->output_type())->New());
  // A body is JSON, and nothing else is taken for one.
  if (!req.body.empty() && !absl::StartsWith(req.Header("Content-Type"), "application/json")) {
    x.status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "Content-Type: a body must be application/json");
    x.http_status = 415;
    return false;
  }
  parts.query = req.query;
  parts.body = req.body;
  parts.if_match = req.Header("If-Match");
  const auto if_match_lines = std::count_if(req.headers.begin(), req.headers.end(),
                                            [](const auto& h) { return h.first == "if-match"; });
  if (if_match_lines > 1) {
    // A list spread over lines: which one would the service compare?
    x.status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "If-Match: one etag, on one line");
    return false;
  }
  parts.idempotency_key = req.Header("Idempotency-Key");
  if (absl::Status built = BuildRequest(parts, x.request.get()); !built.ok()) {
    x.status = ToGrpcStatus(built);
    return false;
  }
  return true;
}

void RestServer::CallWithoutWaiting(ExchangePtr x) {
  PrepareClientContext(x->ctx, options_.backend_timeout, x->request_id);
  AttachPrincipal(x->ctx, *x->principal);
  bool stopping = false;
  {
    absl::MutexLock lock(&mu_);
    stopping = stopping_;
    if (!stopping) ++calls_without_waiting_;
  }
  if (stopping) {
    x->status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "the gateway is shutting down: retry");
    x->retry_after = "1";
    return Answer(*x);
  }
  Exchange& call = *x;
  backends_.CallAsync(call.route->grpc_path, call.ctx, *call.request, call.response.get(),
                      [this, x = std::move(x)](grpc::Status status) mutable {
                        absl::Cleanup counted_out = [this] {
                          absl::MutexLock lock(&mu_);
                          --calls_without_waiting_;
                        };
                        x->status = std::move(status);
                        Complete(std::move(x), /*on_worker=*/false);
                      });
}

void RestServer::CallAudited(ExchangePtr x) {
  // A mutation is in the audit log before it is made, or it is not made.
  if (!Audit(*x, kStageReceived, 0)) {
    x->status = grpc::Status(grpc::StatusCode::UNAVAILABLE, kAuditUnwritable);
    return Answer(*x);
  }
  PrepareClientContext(x->ctx, options_.backend_timeout, x->request_id);
  AttachPrincipal(x->ctx, *x->principal);
  x->status = backends_.Call(x->route->grpc_path, x->ctx, *x->request, x->response.get());
  Complete(std::move(x), /*on_worker=*/true);
}

void RestServer::Complete(ExchangePtr x, bool on_worker) {
  if (x->status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
      x->status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    x->audit = true;
  }
  if (x->status.ok()) {
    absl::StatusOr<std::string> json = ResponseJson(*x->response);
    if (!json.ok()) {
      x->status = ToGrpcStatus(json.status());
    } else {
      x->body = *std::move(json);
      x->etag = EtagOf(*x->response);
    }
  }
  Finish(std::move(x), on_worker);
}

void RestServer::Finish(ExchangePtr x, bool on_worker) {
  if (x->audit && !on_worker) return http_->Blocking([this, x = std::move(x)] { Answer(*x); });
  Answer(*x);
}

void RestServer::ServeStream(Exchange& x, const std::string& last_event_id) {
  // An EventSource reconnecting says where it stopped.
  if (!last_event_id.empty()) {
    const google::protobuf::FieldDescriptor* f = x.request->GetDescriptor()->FindFieldByName(EventStreams::kResumeField);
    if (f != nullptr && f->type() == google::protobuf::FieldDescriptor::TYPE_STRING && !f->is_repeated()) {
      x.request->GetReflection()->SetString(x.request.get(), f, last_event_id);
    }
  }
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata(kRequestIdHeader, x.request_id);
  AttachPrincipal(*ctx, *x.principal);
  HttpResponse head;
  head.SetHeader("X-Request-Id", x.request_id);
  AllowOrigin(x.origin, head);
  x.status = streams_.Serve(x.principal->subject, x.route->grpc_path, std::move(ctx), std::move(x.request),
                            std::move(x.response), x.request_id, std::move(head), *x.http);
  if (!x.status.ok()) {
    if (x.status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
        x.status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      x.retry_after = "5";  // A slot comes back when a stream ends: not at once.
    }
    return Answer(x);
  }
  Count(x, 200);
}

void RestServer::Answer(Exchange& x) {
  HttpResponse res;
  res.status = x.http_status != 0 ? x.http_status : HttpStatusOf(x.status.error_code());
  res.SetHeader("X-Request-Id", x.request_id);
  if (!x.retry_after.empty()) res.SetHeader("Retry-After", x.retry_after);
  if (!x.etag.empty()) res.SetHeader("ETag", absl::StrCat("\"", x.etag, "\""));
  if (x.status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    res.SetHeader("WWW-Authenticate", "Bearer realm=\"p06\"");
  }
  AllowOrigin(x.origin, res);
  res.content_type = "application/json";
  res.body = x.status.ok() ? std::move(x.body) : ErrorBody(x.status, x.request_id, res.status);

  if (x.audit) Audit(x, "", res.status);
  Count(x, res.status);
  x.http->Reply(std::move(res));
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

void RestServer::Count(const Exchange& x, int http_status) {
  Metrics::Children c = metrics_->ChildrenFor(x.route, x.http_method, http_status);
  c.requests->Increment();
  c.latency->Observe(absl::ToDoubleSeconds(absl::Now() - x.start));
}

}  // namespace p06::gateway
