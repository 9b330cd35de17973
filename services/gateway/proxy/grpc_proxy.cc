#include "services/gateway/proxy/grpc_proxy.h"

#include <grpc/grpc_security_constants.h>
#include <grpcpp/impl/codegen/proto_utils.h>  // SerializationTraits of protobuf messages.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/grpc/client.h"
#include "common/grpc/principal.h"
#include "common/grpc/request_id.h"
#include "common/grpc/status_mapping.h"
#include "common/log/log.h"
#include "services/gateway/audit/audit_store.h"
#include "services/gateway/auth/rate_limiter.h"
#include "services/gateway/auth/route_access.h"
#include "services/gateway/http/backends.h"
#include "services/gateway/http/error_body.h"
#include "services/gateway/routing/route_table.h"
#include "services/gateway/routing/transcoder.h"

namespace p06::gateway {
namespace {

// The resource a request names: its first path variable's field ("name", "parent",
// "task.name"), read from the request's bytes; "" when it does not parse.
std::string ResourceOf(const Route& route, const grpc::ByteBuffer& request) {
  const std::vector<std::string> paths = route.path.FieldPaths();
  if (paths.empty()) return "";
  std::unique_ptr<google::protobuf::Message> m(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(route.method->input_type())->New());
  grpc::ByteBuffer copy(request);  // Deserialising consumes the buffer; a copy shares its slices.
  if (!grpc::SerializationTraits<google::protobuf::Message>::Deserialize(&copy, m.get()).ok()) return "";
  return StringAt(*m, paths.front());
}

// The verified client certificate's subject, or "" without one (the plain port).
std::string CertificateSubject(const grpc::ServerContextBase& ctx) {
  std::shared_ptr<const grpc::AuthContext> auth = ctx.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return "";
  std::vector<grpc::string_ref> values = auth->FindPropertyValues(GRPC_X509_SUBJECT_PROPERTY_NAME);
  return values.empty() ? "" : std::string(values.front().data(), values.front().size());
}

}  // namespace

GrpcProxy::GrpcProxy(const RouteTable& routes, const Backends& backends, ClientPrincipals principals,
                     AuditStore& audit, RateLimiter& limiter, absl::Duration backend_timeout, absl::Duration stream_max_duration,
                     int max_streams, prometheus::Registry& metrics)
    : principals_(std::move(principals)),
      audit_(audit),
      limiter_(limiter),
      backend_timeout_(backend_timeout),
      stream_max_duration_(stream_max_duration),
      streams_(max_streams,
               prometheus::BuildGauge()
                   .Name("p06_gateway_proxied_streams_open")
                   .Help("Server streams forwarded on the mutual-TLS port, open now.")
                   .Register(metrics)
                   .Add({}),
               prometheus::BuildCounter()
                   .Name("p06_gateway_proxied_streams_refused_total")
                   .Help("Server streams refused on the mutual-TLS port because the limit was reached.")
                   .Register(metrics)
                   .Add({})),
      sweeper_([this] { SweepStuckStreams(); }) {
  for (const Route& route : routes.routes()) {
    const std::string service = route.method->service()->full_name();
    std::shared_ptr<grpc::Channel> channel = backends.ChannelOf(service);
    if (channel == nullptr) continue;
    auto& stub = stubs_[service];
    if (stub == nullptr) stub = std::make_unique<grpc::GenericStub>(channel);
    targets_[route.grpc_path] = {&route, stub.get()};
  }
}

class ProxyCall;

// The backend half of a forwarded server stream: the one request written (and the
// sending side closed), then each message read handed to the caller's half, the next
// read started only once the caller has taken it, so a slow caller slows the backend
// (flow control) instead of filling the gateway's memory. A hold keeps the backend
// call from ending while the caller's half may still ask for the next message.
class BackendStream final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit BackendStream(ProxyCall& call) : call_(call) {}
  void Start(grpc::GenericStub& stub, grpc::ClientContext& ctx, const std::string& method,
             const grpc::ByteBuffer& request) {
    request_ = request;
    stub.PrepareBidiStreamingCall(&ctx, method, grpc::StubOptions(), this);
    StartWriteLast(&request_, grpc::WriteOptions());
    StartRead(&message_);
    AddHold();
    StartCall();
  }
  void ReadNext() { StartRead(&message_); }
  // No more reads: the call ends (OnDone) once the backend's status is in.
  void Stop() { RemoveHold(); }
  grpc::ByteBuffer& message() { return message_; }

  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  ProxyCall& call_;
  grpc::ByteBuffer request_, message_;
};

// One proxied call: admitted (certificate, scopes, roles), its one request read, the
// backend called, its answer (or, for a server stream, each of its messages) written.
class ProxyCall final : public grpc::ServerGenericBidiReactor {
 public:
  ProxyCall(GrpcProxy& proxy, grpc::GenericCallbackServerContext* ctx) : proxy_(proxy), ctx_(ctx) {
    request_id_ = RequestIdOf(*ctx);
    grpc::Status admitted = Admit();
    if (!admitted.ok()) {
      // A call without a certificate came by the plain, in-cluster port: refused, but
      // not written to the audit log, which anyone on that port could flood. (The
      // audit write blocks a gRPC callback thread: it is kept to callers that hold a
      // certificate of the configured CA.)
      if (!admission_.subject.empty() && !admission_.rate_limited) Audit(admitted);
      Finish(admitted);
      return;
    }
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "request: no message before the end of the call"));
      return;
    }
    const IncomingCall incoming = IncomingCallOf(*ctx_);
    if (admission_.target->route->method->server_streaming()) return StartStream(incoming);
    // A mutation is in the audit log before it is made, or it is not made. (Before
    // the deadline is set: the audit's time is not the backend's.)
    if (!admission_.target->route->is_read() && !Audit(grpc::Status::OK, kStageReceived)) {
      grpc::Status refused(grpc::StatusCode::UNAVAILABLE, kAuditUnwritable);
      Audit(refused);
      Finish(refused);
      return;
    }
    PrepareClientContext(backend_ctx_, proxy_.backend_timeout_, incoming);
    AttachPrincipal(backend_ctx_, admission_.caller->principal);
    admission_.target->stub->UnaryCall(&backend_ctx_, ctx_->method(), grpc::StubOptions(), &request_,
                                       &response_,
                             [this](grpc::Status status) { OnBackendDone(std::move(status)); });
  }

  // A stream lives until the caller's deadline, at most stream_max_duration: then it
  // ends OK and the caller resumes after its last event, as over the REST door.
  void StartStream(const IncomingCall& incoming) {
    absl::StatusOr<StreamSlots::Slot> slot = proxy_.streams_.Take();
    if (!slot.ok()) return Finish(ToGrpcStatus(slot.status()));
    slot_.emplace(*std::move(slot));
    capped_ = incoming.deadline > absl::Now() + proxy_.stream_max_duration_;
    ends_at_ = std::min(incoming.deadline, absl::Now() + proxy_.stream_max_duration_);
    PrepareClientContext(backend_ctx_, proxy_.stream_max_duration_, incoming);
    AttachPrincipal(backend_ctx_, admission_.caller->principal);
    if (!proxy_.Track(this)) {
      return Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the gateway is stopping: call again"));
    }
    holds_.fetch_add(1);  // Released by the backend half's OnDone.
    backend_stream_.emplace(*this);
    backend_stream_->Start(*admission_.target->stub, backend_ctx_, ctx_->method(), request_);
  }
  // From GrpcProxy (under its lock, so the call is still tracked: not finished, its
  // context alive). The gateway is stopping: the stream ends, and a write the caller
  // is not taking is cancelled too, or the backend half, waiting for it, never would.
  void CancelForShutdown() {
    stopping_ = true;
    backend_ctx_.TryCancel();
    if (writing_) ctx_->TryCancel();
  }
  // From GrpcProxy's sweep: a caller that stopped reading holds its write open past
  // the stream's end, and with it a slot; it is cut off.
  void CancelIfStuck(absl::Time now) {
    if (writing_ && now > ends_at_ + kStuckGrace) ctx_->TryCancel();
  }

  // The backend half's message, written to the caller; the next read waits for it.
  void ForwardMessage() {
    writing_ = true;
    StartWrite(&backend_stream_->message());
  }
  void OnWriteDone(bool ok) override {
    writing_ = false;
    if (ok) {
      backend_stream_->ReadNext();
    } else {
      backend_ctx_.TryCancel();  // The caller is gone: so is the stream.
      backend_stream_->Stop();
    }
  }
  // The backend half ended (every message forwarded, or cancelled).
  void StreamDone(grpc::Status status) {
    proxy_.Untrack(this);
    slot_.reset();
    if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
        status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
      Audit(status);
    }
    if (stopping_) {
      Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the gateway is restarting: resume after your last cursor"));
    } else if (capped_ && status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED &&
               absl::Now() >= ends_at_ - absl::Seconds(1)) {
      Finish(grpc::Status::OK);  // The gateway's cap, not the caller's deadline.
    } else {
      Finish(status);
    }
    Release();
  }

  void OnDone() override { Release(); }
  void OnCancel() override { backend_ctx_.TryCancel(); }

 private:
  grpc::Status Admit() {
    return proxy_.Admit(*ctx_, ctx_->method(), admission_);
  }

  void OnBackendDone(grpc::Status status) {
    if (!admission_.target->route->is_read() || status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
        status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
      Audit(status);
    }
    if (status.ok()) {
      StartWriteAndFinish(&response_, grpc::WriteOptions(), status);
    } else {
      Finish(status);
    }
  }

  // Appends the call's audit entry: its outcome `status` (stage ""), or kStageReceived
  // before a mutation is forwarded. False (logged) when it could not be written.
  bool Audit(const grpc::Status& status, const std::string& stage = "") {
    AuditRecord r;
    r.method = ctx_->method().substr(0, 200);
    if (admission_.target != nullptr) r.resource = ResourceOf(*admission_.target->route, request_);
    if (stage.empty()) r.code = CodeName(status.error_code());
    r.stage = stage;
    if (stage.empty()) r.received_seq = received_seq_;
    r.request_id = request_id_;
    r.remote_address = ctx_->peer();
    absl::StatusOr<int64_t> seq = proxy_.AppendAudit(admission_, std::move(r));
    if (!seq.ok()) return false;
    if (stage == kStageReceived) received_seq_ = *seq;
    return true;
  }

  // The call is deleted when both halves are done: the caller's (OnDone) and, for a
  // stream, the backend's, whichever comes last.
  void Release() {
    if (holds_.fetch_sub(1) == 1) delete this;
  }

  GrpcProxy& proxy_;
  grpc::GenericCallbackServerContext* ctx_;
  std::atomic<int> holds_{1};
  std::string request_id_;
  GrpcProxy::Admission admission_;  // Who calls, and which method of which backend.
  grpc::ByteBuffer request_, response_;
  grpc::ClientContext backend_ctx_;
  std::optional<BackendStream> backend_stream_;
  std::optional<StreamSlots::Slot> slot_;
  int64_t received_seq_ = 0;  // The entry written before forwarding a mutation.
  // Past its end, how long a write the caller does not take may hold the stream.
  static constexpr absl::Duration kStuckGrace = absl::Seconds(10);
  bool capped_ = false;                // The stream ends at stream_max_duration, before the caller's deadline.
  absl::Time ends_at_;                 // When the backend half's deadline ends the stream.
  std::atomic<bool> writing_{false};   // A message to the caller is in flight.
  std::atomic<bool> stopping_{false};  // Cancelled by CancelStreams.
};

grpc::Status GrpcProxy::Admit(grpc::ServerContextBase& ctx, const std::string& method, Admission& a) {
  a.subject = CertificateSubject(ctx);
  if (a.subject.empty()) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "call through the gateway's TLS port with a client certificate");
  }
  a.caller = principals_.Find(a.subject);
  if (a.caller == nullptr) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        absl::StrCat("certificate subject \"", a.subject.substr(0, 200), "\" is not a known system"));
  }
  if (absl::Duration wait = limiter_.Acquire(a.caller->principal.subject); wait > absl::ZeroDuration()) {
    a.rate_limited = true;
    ctx.AddTrailingMetadata("retry-after", RateLimiter::RetryAfterSeconds(wait));
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "rate limit: slow down (see the retry-after trailer)");
  }
  auto it = targets_.find(method);
  if (it == targets_.end()) {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, absl::StrCat(method.substr(0, 200), ": no such method"));
  }
  a.target = &it->second;
  const google::protobuf::MethodDescriptor* m = a.target->route->method;
  if (m->client_streaming()) {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "streams from the client are not forwarded");
  }
  if (!a.caller->Allows(method, a.target->route->is_read())) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        absl::StrCat(method, " is outside the scopes of ", a.caller->principal.subject));
  }
  if (absl::Status access = CheckRouteAccess(*a.target->route, a.caller->principal); !access.ok()) {
    return ToGrpcStatus(access);
  }
  return grpc::Status::OK;
}

absl::StatusOr<int64_t> GrpcProxy::AppendAudit(const Admission& a, AuditRecord r) {
  r.time = absl::Now();
  if (a.caller != nullptr) {
    r.subject = a.caller->principal.subject;
    r.unit = a.caller->principal.unit;
    r.roles = absl::StrJoin(a.caller->principal.roles, ",");
  }
  r.client_certificate = a.subject;
  r.http_method = "GRPC";
  const std::string request_id = r.request_id;
  absl::StatusOr<int64_t> seq = audit_.Append(std::move(r));
  if (!seq.ok()) {
    log::Error("audit entry not written", {{"request_id", request_id}, {"error", std::string(seq.status().message())}});
  }
  return seq;
}

bool GrpcProxy::HasClientCertificate(const grpc::ServerContextBase& ctx) { return !CertificateSubject(ctx).empty(); }

absl::StatusOr<Principal> GrpcProxy::AdmitOwnCall(grpc::ServerContextBase& ctx, const std::string& method) {
  Admission a;
  const grpc::Status admitted = Admit(ctx, method, a);
  if (admitted.ok()) return a.caller->principal;
  if (!a.rate_limited) AuditOwn(a, ctx, method, admitted.error_code());
  return FromGrpcStatus(admitted);
}

void GrpcProxy::AuditOwnRefusal(const grpc::ServerContextBase& ctx, const std::string& method, grpc::StatusCode code) {
  Admission a;
  a.subject = CertificateSubject(ctx);
  a.caller = principals_.Find(a.subject);
  AuditOwn(a, ctx, method, code);
}

void GrpcProxy::AuditOwn(const Admission& a, const grpc::ServerContextBase& ctx, const std::string& method,
                         grpc::StatusCode code) {
  AuditRecord r;
  r.method = method;
  r.code = CodeName(code);
  r.request_id = RequestIdOf(ctx);
  r.remote_address = ctx.peer();
  AppendAudit(a, std::move(r)).IgnoreError();  // Logged there.
}

void GrpcProxy::SweepStuckStreams() {
  absl::MutexLock lock(&mu_);
  while (!stopping_ && !mu_.AwaitWithTimeout(absl::Condition(&stopping_), kSweepEvery)) {
    const absl::Time now = absl::Now();
    for (ProxyCall* call : live_) call->CancelIfStuck(now);
  }
}

GrpcProxy::~GrpcProxy() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  sweeper_.join();
}

bool GrpcProxy::Track(ProxyCall* call) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  live_.insert(call);
  return true;
}

void GrpcProxy::Untrack(ProxyCall* call) {
  absl::MutexLock lock(&mu_);
  live_.erase(call);
}

void GrpcProxy::CancelStreams() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  for (ProxyCall* call : live_) call->CancelForShutdown();
}

void BackendStream::OnReadDone(bool ok) {
  // At the end of the stream there is nothing to forward: OnDone brings the status.
  if (ok) {
    call_.ForwardMessage();
  } else {
    Stop();
  }
}

void BackendStream::OnDone(const grpc::Status& status) { call_.StreamDone(status); }

grpc::ServerGenericBidiReactor* GrpcProxy::CreateReactor(grpc::GenericCallbackServerContext* ctx) {
  return new ProxyCall(*this, ctx);
}

}  // namespace p06::gateway
