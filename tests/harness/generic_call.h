// One unary call of any method, whatever its message types, as a client of another
// language (or an attacker) would make it: the request's bytes as given, through
// grpc::GenericStub. Waits for the answer; the context (deadline, metadata) is the
// caller's.
#pragma once

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

namespace p06::testing {

inline grpc::Status GenericUnaryCall(const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext& ctx,
                                     const std::string& method, const std::string& request_bytes = "") {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::Slice slice(request_bytes.data(), request_bytes.size());
  grpc::ByteBuffer request(&slice, 1);
  auto call = stub.PrepareUnaryCall(&ctx, method, request, &cq);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag;
  bool ok;
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

}  // namespace p06::testing
