#include "common/grpc/server_interceptor.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <shared_mutex>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/stubs/logging.h>

#include <mutex>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc/request_id.h"
#include "common/log/log.h"

namespace p06 {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

constexpr int kNumCodes = 17;
constexpr const char* kCodeNames[kNumCodes] = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};

const char* TypeName(ServerRpcInfo::Type type) {
  switch (type) {
    case ServerRpcInfo::Type::UNARY:
      return "unary";
    case ServerRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case ServerRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unknown";
}

// The metric children of one method, created on its first call and then reused, so
// the hot path takes no registry lock.
struct MethodMetrics {
  std::string service;
  std::string method;
  prometheus::Counter* started = nullptr;
  prometheus::Histogram* seconds = nullptr;
  std::string request_type;  // "p06.task.v1.GetTaskRequest".
  std::array<std::atomic<prometheus::Counter*>, kNumCodes> handled{};
  std::map<std::string, std::string> labels;
};

// Method paths ("/p06.task.v1.TaskService/GetTask") of the registered services, with
// the request type of each, and of health and reflection.
struct KnownMethod {
  std::string service, method, request_type;
};
absl::flat_hash_map<std::string, KnownMethod> KnownMethods(const std::vector<std::string>& services) {
  absl::flat_hash_map<std::string, KnownMethod> known;
  std::vector<std::string> names = services;
  names.push_back("grpc.reflection.v1alpha.ServerReflection");
  for (const std::string& name : names) {
    const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    for (int i = 0; service != nullptr && i < service->method_count(); ++i) {
      const auto* m = service->method(i);
      known[absl::StrCat("/", name, "/", m->name())] = {name, m->name(), m->input_type()->full_name()};
    }
  }
  // gRPC's health service is not built from generated protobuf code.
  for (const char* m : {"Check", "Watch"}) {
    known[absl::StrCat("/grpc.health.v1.Health/", m)] = {"grpc.health.v1.Health", m,
                                                         "grpc.health.v1.HealthCheckRequest"};
  }
  return known;
}

// protobuf names a string field that is not UTF-8 only in a log line, written on the
// thread that parses, which in the sync server is the thread whose interceptor then
// sees POST_RECV_MESSAGE. The handler below keeps that name for the interceptor, and
// passes every other protobuf message on to the service's log.
thread_local std::string t_unparsed_field;

void ProtobufLogHandler(google::protobuf::LogLevel level, const char* file, int line, const std::string& message) {
  static const std::string kPrefix = "String field '";
  if (size_t at = message.find(kPrefix); at != std::string::npos && message.find("UTF-8") != std::string::npos &&
                                           message.find("when parsing") != std::string::npos) {
    const size_t start = at + kPrefix.size();
    t_unparsed_field = message.substr(start, message.find('\'', start) - start);
    return;
  }
  log::Write(level >= google::protobuf::LOGLEVEL_ERROR ? log::Level::kError : log::Level::kWarning, "protobuf",
             {{"file", file}, {"line", line}, {"error", message}});
}

class Families {
 public:
  Families(prometheus::Registry& registry, const std::vector<std::string>& services)
      : known_(KnownMethods(services)),
        started_(prometheus::BuildCounter()
                     .Name("grpc_server_started_total")
                     .Help("Total number of RPCs started on the server.")
                     .Register(registry)),
        handled_(prometheus::BuildCounter()
                     .Name("grpc_server_handled_total")
                     .Help("Total number of RPCs completed on the server, regardless of success or failure.")
                     .Register(registry)),
        seconds_(prometheus::BuildHistogram()
                     .Name("grpc_server_handling_seconds")
                     .Help("Histogram of response latency (seconds) of gRPC that had been application-level handled by "
                           "the server.")
                     .Register(registry)) {}

  MethodMetrics* For(const char* full_method, ServerRpcInfo::Type type) {
    // Looked up by view: no allocation on the hot path once the method is known.
    const absl::string_view key = full_method == nullptr ? "" : full_method;
    {
      std::shared_lock lock(mu_);
      auto it = methods_.find(key);
      if (it != methods_.end()) return it->second.get();
    }
    auto known = known_.find(key);
    std::unique_lock lock(mu_);
    if (known == known_.end()) return Unknown(type);  // Nothing is stored per unknown path.
    auto& slot = methods_[std::string(key)];
    if (slot == nullptr) {
      slot = std::make_unique<MethodMetrics>();
      slot->service = known->second.service;
      slot->method = known->second.method;
      slot->request_type = known->second.request_type;
      slot->labels = {{"grpc_type", TypeName(type)}, {"grpc_service", slot->service}, {"grpc_method", slot->method}};
      slot->started = &started_.Add(slot->labels);
      slot->seconds = &seconds_.Add(slot->labels, Buckets());
    }
    return slot.get();
  }

  // Every method path the server does not serve shares these children.
  MethodMetrics* Unknown(ServerRpcInfo::Type type) {
    if (unknown_ == nullptr) {
      unknown_ = std::make_unique<MethodMetrics>();
      unknown_->service = unknown_->method = "unknown";
      unknown_->labels = {{"grpc_type", TypeName(type)}, {"grpc_service", "unknown"}, {"grpc_method", "unknown"}};
      unknown_->started = &started_.Add(unknown_->labels);
      unknown_->seconds = &seconds_.Add(unknown_->labels, Buckets());
    }
    return unknown_.get();
  }

  static prometheus::Histogram::BucketBoundaries Buckets() {
    return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  }

  prometheus::Counter* Handled(MethodMetrics* m, int code) {
    if (code < 0 || code >= kNumCodes) code = 2;  // UNKNOWN
    prometheus::Counter* c = m->handled[code].load(std::memory_order_acquire);
    if (c != nullptr) return c;
    auto labels = m->labels;
    labels["grpc_code"] = kCodeNames[code];
    c = &handled_.Add(labels);  // Family::Add is idempotent and thread-safe.
    m->handled[code].store(c, std::memory_order_release);
    return c;
  }

 private:
  const absl::flat_hash_map<std::string, KnownMethod> known_;
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  std::shared_mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>> methods_;
  std::unique_ptr<MethodMetrics> unknown_;  // Guarded by mu_ (taken exclusively).
};

class CallInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallInterceptor(Families* families, std::atomic<int64_t>* in_flight, ServerRpcInfo* info)
      : families_(families), in_flight_(in_flight), info_(info), start_(absl::Now()) {
    in_flight_->fetch_add(1, std::memory_order_relaxed);
  }

  ~CallInterceptor() override {
    // A call cancelled before its status was sent still counts as handled.
    if (metrics_ != nullptr && !finished_) Finish(grpc::StatusCode::CANCELLED, "cancelled");
    in_flight_->fetch_sub(1, std::memory_order_release);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      metrics_ = families_->For(info_->method(), info_->type());
      metrics_->started->Increment();
      AssignRequestId(methods->GetRecvInitialMetadata());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdHeader, request_id_);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      // The server hands no message when parsing failed.
      unparsed_request_ = methods->GetRecvMessage() == nullptr;
      unparsed_field_ = std::exchange(t_unparsed_field, "");
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) && metrics_ != nullptr) {
      grpc::Status status = methods->GetSendStatus();
      // What gRPC answers a request it could not parse: INTERNAL from a sync method,
      // UNIMPLEMENTED with no message from a callback one.
      const bool parse_failure =
          unparsed_request_ && (status.error_code() == grpc::StatusCode::INTERNAL ||
                                (status.error_code() == grpc::StatusCode::UNIMPLEMENTED && status.error_message().empty()));
      if (parse_failure && info_->server_context()->IsCancelled()) {
        // No message because the client went away before sending it (a load generator
        // stopping mid-call): that is a cancellation, not bad input.
        status = grpc::Status(grpc::StatusCode::CANCELLED, "the client cancelled before its request arrived");
        methods->ModifySendStatus(status);
      } else if (parse_failure) {
        status = grpc::Status(
            grpc::StatusCode::INVALID_ARGUMENT,
            unparsed_field_.empty()
                ? absl::StrCat("request: not a valid ", metrics_->request_type,
                               ": malformed protobuf, or a string field that is not UTF-8")
                : absl::StrCat(unparsed_field_, ": not valid UTF-8 (request ", metrics_->request_type, ")"));
        methods->ModifySendStatus(status);
      }
      Finish(status.error_code(), status.error_message());
    }
    methods->Proceed();
  }

 private:
  void AssignRequestId(std::multimap<grpc::string_ref, grpc::string_ref>* md) {
    // One valid id is kept; several, or an invalid one, are replaced by a new one.
    auto [first, last] = md->equal_range(kRequestIdHeader);
    if (first != last && std::next(first) == last) {
      absl::string_view given(first->second.data(), first->second.size());
      if (IsValidRequestId(given)) {
        request_id_ = std::string(given);
        return;
      }
    }
    md->erase(first, last);
    // The map holds references: request_id_ lives as long as the call.
    request_id_ = NewRequestId();
    md->emplace(grpc::string_ref(kRequestIdHeader), grpc::string_ref(request_id_));
  }

  void Finish(grpc::StatusCode code, const std::string& message) {
    finished_ = true;
    double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
    families_->Handled(metrics_, static_cast<int>(code))->Increment();
    metrics_->seconds->Observe(seconds);
    const bool server_fault = code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNKNOWN ||
                              code == grpc::StatusCode::DATA_LOSS || code == grpc::StatusCode::UNAVAILABLE;
    log::Write(server_fault ? log::Level::kWarning : log::Level::kDebug, "rpc",
               {{"request_id", request_id_},
                {"grpc_method", metrics_->method},
                {"grpc_service", metrics_->service},
                {"code", kCodeNames[static_cast<int>(code) < kNumCodes ? static_cast<int>(code) : 2]},
                {"error", message},
                {"seconds", seconds}});
  }

  Families* families_;
  std::atomic<int64_t>* in_flight_;
  ServerRpcInfo* info_;
  absl::Time start_;
  MethodMetrics* metrics_ = nullptr;
  bool finished_ = false;
  bool unparsed_request_ = false;
  std::string unparsed_field_;  // "p06.task.v1.ProgressReport.summary", when protobuf named it.
  std::string request_id_;
};

class Factory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  Factory(prometheus::Registry& registry, std::atomic<int64_t>& in_flight, const std::vector<std::string>& services)
      : families_(registry, services), in_flight_(in_flight) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(ServerRpcInfo* info) override {
    return new CallInterceptor(&families_, &in_flight_, info);
  }

 private:
  Families families_;
  std::atomic<int64_t>& in_flight_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewServerInterceptorFactory(
    prometheus::Registry& registry, std::atomic<int64_t>& in_flight, const std::vector<std::string>& services) {
  static std::once_flag installed;
  std::call_once(installed, [] { google::protobuf::SetLogHandler(&ProtobufLogHandler); });
  return std::make_unique<Factory>(registry, in_flight, services);
}

}  // namespace p06
