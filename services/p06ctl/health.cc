#include "services/p06ctl/health.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <future>

namespace p06::ctl {

grpc::Status CheckHealth(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                         absl::Duration timeout) {
  // grpc.health.v1.HealthCheckRequest{service = 1}: field 1, wire type 2 (length-delimited).
  std::string request_bytes;
  if (!service.empty()) {
    if (service.size() > 127) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "service name too long");
    request_bytes.push_back(0x0a);
    request_bytes.push_back(static_cast<char>(service.size()));
    request_bytes += service;
  }
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  grpc::GenericStub stub(channel);
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return status;
  // HealthCheckResponse{status = 1}: 0x08 then the enum value; SERVING = 1.
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) return grpc::Status(grpc::StatusCode::INTERNAL, "unreadable health response");
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  if (bytes.size() == 2 && bytes[0] == 0x08 && bytes[1] == 0x01) return grpc::Status::OK;
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, "NOT_SERVING");
}

}  // namespace p06::ctl
