// The services behind the gateway: one channel per service, shared by all requests,
// and every method of each service registered on its channel at start (gRPC then
// interns the path once, not per call). A call either blocks its caller's thread (a
// worker's, for mutations and streams) or completes on a gRPC thread (reads, so that
// no thread waits for them). Messages are built from descriptors, so nothing here is
// written per service. A service's refusal of the suite's own proof comes back from
// these channels as UNAVAILABLE (client.h, ProofRefusals): the gateway's callers are
// not the ones to blame for it.
#pragma once

#include <google/protobuf/message.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/impl/codegen/proto_utils.h>  // SerializationTraits of protobuf messages.
#include <grpcpp/impl/rpc_method.h>
#include <grpcpp/support/sync_stream.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace p06::gateway {

class Backends {
 public:
  // `targets`: full service name ("p06.task.v1.TaskService") → "host:port". The
  // services' descriptors come from the generated pool.
  explicit Backends(const std::map<std::string, std::string>& targets);

  // Whether a service is configured.
  bool Has(const std::string& service) const { return channels_.contains(service); }
  // The channel to a configured service (for typed stubs), or null.
  std::shared_ptr<grpc::Channel> ChannelOf(const std::string& service) const {
    auto it = channels_.find(service);
    return it == channels_.end() ? nullptr : it->second;
  }

  // A unary call of `grpc_path` ("/p06.task.v1.TaskService/GetTask"); blocks until it
  // ends or ctx's deadline. UNIMPLEMENTED for a method of no configured service.
  grpc::Status Call(const std::string& grpc_path, grpc::ClientContext& ctx, const google::protobuf::Message& request,
                    google::protobuf::Message* response);

  // The same call without waiting: `done` runs on a gRPC thread when it ends. ctx,
  // request and response must outlive it; `done` is called at once (UNIMPLEMENTED)
  // for a method of no configured service.
  void CallAsync(const std::string& grpc_path, grpc::ClientContext& ctx, const google::protobuf::Message& request,
                 google::protobuf::Message* response, std::function<void(grpc::Status)> done);

  // A server-streaming call of `grpc_path`: read it with Read(), end it with Finish().
  // Null for a method of no configured service.
  std::unique_ptr<grpc::ClientReader<google::protobuf::Message>> Stream(const std::string& grpc_path,
                                                                         grpc::ClientContext& ctx,
                                                                         const google::protobuf::Message& request);

 private:
  // Connections to each service, taken in turn by calls.
  static constexpr int kConnections = 4;
  struct Method;
  Method* Find(const std::string& grpc_path);
  struct Method {
    std::string path;  // Owned here: RpcMethod keeps a pointer to it.
    std::shared_ptr<grpc::Channel> channel[kConnections];
    std::unique_ptr<grpc::internal::RpcMethod> rpc[kConnections];
    std::atomic<unsigned> next{0};
  };
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
  std::map<std::string, std::unique_ptr<Method>, std::less<>> methods_;  // By gRPC path.
};

}  // namespace p06::gateway
