// The services behind the gateway, called through gRPC's generic stub with messages
// built from the descriptors: one channel per service, shared by all requests.
#pragma once

#include <google/protobuf/message.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/proto_utils.h>  // SerializationTraits of protobuf messages.

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace p06::gateway {

class Backends {
 public:
  // `targets`: full service name ("p06.task.v1.TaskService") → "host:port".
  explicit Backends(const std::map<std::string, std::string>& targets);

  // Whether a service is configured.
  bool Has(const std::string& service) const { return stubs_.contains(service); }

  // A unary call of `grpc_path` on `service`; blocks until it ends or ctx's deadline.
  grpc::Status Call(const std::string& service, const std::string& grpc_path, grpc::ClientContext& ctx,
                    const google::protobuf::Message& request, google::protobuf::Message* response);

 private:
  using Stub = grpc::TemplatedGenericStub<google::protobuf::Message, google::protobuf::Message>;
  std::map<std::string, std::unique_ptr<Stub>> stubs_;
};

}  // namespace p06::gateway
