#include "services/gateway/http/backends.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/impl/client_unary_call.h>
#include <grpcpp/support/client_callback.h>

#include "absl/strings/str_cat.h"
#include "common/grpc/client.h"

namespace p06::gateway {

using grpc::internal::RpcMethod;

Backends::Backends(const std::map<std::string, std::string>& targets) {
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const auto& [service, target] : targets) {
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    for (int c = 0; c < kConnections; ++c) channels.push_back(MakeChannel(target, c, ProofRefusals::kAsUnavailable));
    channels_[service] = channels[0];
    const google::protobuf::ServiceDescriptor* descriptor = pool->FindServiceByName(service);
    if (descriptor == nullptr) continue;
    for (int i = 0; i < descriptor->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* m = descriptor->method(i);
      auto method = std::make_unique<Method>();
      method->path = absl::StrCat("/", service, "/", m->name());

      const RpcMethod::RpcType type = m->server_streaming()   ? (m->client_streaming() ? RpcMethod::BIDI_STREAMING
                                                                                        : RpcMethod::SERVER_STREAMING)
                                      : m->client_streaming() ? RpcMethod::CLIENT_STREAMING
                                                              : RpcMethod::NORMAL_RPC;
      for (int c = 0; c < kConnections; ++c) {
        method->channel[c] = channels[c];
        method->rpc[c] = std::make_unique<RpcMethod>(method->path.c_str(), type, channels[c]);
      }
      methods_[method->path] = std::move(method);
    }
  }
}

Backends::Method* Backends::Find(const std::string& grpc_path) {
  auto it = methods_.find(grpc_path);
  return it == methods_.end() ? nullptr : it->second.get();
}

grpc::Status Backends::Call(const std::string& grpc_path, grpc::ClientContext& ctx,
                            const google::protobuf::Message& request, google::protobuf::Message* response) {
  Method* m = Find(grpc_path);
  if (m == nullptr) return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, grpc_path + ": no backend");
  const unsigned c = m->next.fetch_add(1, std::memory_order_relaxed) % kConnections;
  return grpc::internal::BlockingUnaryCall<google::protobuf::Message, google::protobuf::Message>(
      m->channel[c].get(), *m->rpc[c], &ctx, request, response);
}

void Backends::CallAsync(const std::string& grpc_path, grpc::ClientContext& ctx,
                         const google::protobuf::Message& request, google::protobuf::Message* response,
                         std::function<void(grpc::Status)> done) {
  Method* m = Find(grpc_path);
  if (m == nullptr) return done(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, grpc_path + ": no backend"));
  const unsigned c = m->next.fetch_add(1, std::memory_order_relaxed) % kConnections;
  grpc::internal::CallbackUnaryCall<google::protobuf::Message, google::protobuf::Message>(
      m->channel[c].get(), *m->rpc[c], &ctx, &request, response, std::move(done));
}

std::unique_ptr<grpc::ClientReader<google::protobuf::Message>> Backends::Stream(
    const std::string& grpc_path, grpc::ClientContext& ctx, const google::protobuf::Message& request) {
  Method* m = Find(grpc_path);
  if (m == nullptr) return nullptr;
  return std::unique_ptr<grpc::ClientReader<google::protobuf::Message>>(
      grpc::internal::ClientReaderFactory<google::protobuf::Message>::Create(m->channel[0].get(), *m->rpc[0], &ctx,
                                                                             request));
}

}  // namespace p06::gateway
