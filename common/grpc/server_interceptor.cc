#include "common/grpc/server_interceptor.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <shared_mutex>

#include "absl/container/flat_hash_map.h"
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
  std::array<std::atomic<prometheus::Counter*>, kNumCodes> handled{};
  std::map<std::string, std::string> labels;
};

class Families {
 public:
  explicit Families(prometheus::Registry& registry)
      : started_(prometheus::BuildCounter()
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
    std::unique_lock lock(mu_);
    auto& slot = methods_[std::string(key)];
    if (slot == nullptr) {
      slot = std::make_unique<MethodMetrics>();
      // "/p06.directory.v1.DirectoryService/GetUnit" → service, method.
      absl::string_view path = key;
      if (!path.empty() && path[0] == '/') path.remove_prefix(1);
      size_t slash = path.find('/');
      slot->service = std::string(path.substr(0, slash));
      slot->method = slash == absl::string_view::npos ? "" : std::string(path.substr(slash + 1));
      slot->labels = {{"grpc_type", TypeName(type)}, {"grpc_service", slot->service}, {"grpc_method", slot->method}};
      slot->started = &started_.Add(slot->labels);
      slot->seconds =
          &seconds_.Add(slot->labels, prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                                              0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
    }
    return slot.get();
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
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  std::shared_mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>> methods_;
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
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) && metrics_ != nullptr) {
      grpc::Status status = methods->GetSendStatus();
      Finish(status.error_code(), status.error_message());
    }
    methods->Proceed();
  }

 private:
  void AssignRequestId(std::multimap<grpc::string_ref, grpc::string_ref>* md) {
    auto it = md->find(kRequestIdHeader);
    if (it != md->end()) {
      absl::string_view given(it->second.data(), it->second.size());
      if (IsValidRequestId(given)) {
        request_id_ = std::string(given);
        return;
      }
      md->erase(it);
    }
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
  std::string request_id_;
};

class Factory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  Factory(prometheus::Registry& registry, std::atomic<int64_t>& in_flight)
      : families_(registry), in_flight_(in_flight) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(ServerRpcInfo* info) override {
    return new CallInterceptor(&families_, &in_flight_, info);
  }

 private:
  Families families_;
  std::atomic<int64_t>& in_flight_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewServerInterceptorFactory(
    prometheus::Registry& registry, std::atomic<int64_t>& in_flight) {
  return std::make_unique<Factory>(registry, in_flight);
}

}  // namespace p06
