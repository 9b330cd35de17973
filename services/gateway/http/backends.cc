#include "services/gateway/http/backends.h"

#include "absl/synchronization/notification.h"
#include "common/grpc/client.h"

namespace p06::gateway {

Backends::Backends(const std::map<std::string, std::string>& targets) {
  for (const auto& [service, target] : targets) stubs_[service] = std::make_unique<Stub>(MakeChannel(target));
}

grpc::Status Backends::Call(const std::string& service, const std::string& grpc_path, grpc::ClientContext& ctx,
                            const google::protobuf::Message& request, google::protobuf::Message* response) {
  auto it = stubs_.find(service);
  if (it == stubs_.end()) return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, service + " is not configured");
  absl::Notification done;
  grpc::Status status;
  it->second->UnaryCall(&ctx, grpc_path, grpc::StubOptions(), &request, response, [&](grpc::Status s) {
    status = std::move(s);
    done.Notify();
  });
  done.WaitForNotification();
  return status;
}

}  // namespace p06::gateway
