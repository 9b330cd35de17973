#include "common/grpc/client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <algorithm>

#include "common/grpc/proof_interceptor.h"
#include "common/grpc/request_id.h"

namespace p06 {

namespace {
constexpr char kServiceConfig[] = R"json({
  "methodConfig": [{
    "name": [{}],
    "retryPolicy": {
      "maxAttempts": 3,
      "initialBackoff": "0.1s",
      "maxBackoff": "1s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }]
})json";
}  // namespace

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target, int connection, ProofRefusals refusals) {
  grpc::ChannelArguments args;
  if (connection != 0) args.SetInt("p06.connection", connection);  // Unknown to gRPC: only keeps channels apart.
  args.SetServiceConfigJSON(kServiceConfig);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  args.SetMaxReceiveMessageSize(64 << 20);
  // Inside the cluster traffic is plain HTTP/2; the gateway terminates TLS at the edge.
  // Principals are proven per call instead (proof_interceptor.h).
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<ProofInterceptorFactory>());
  if (refusals == ProofRefusals::kAsUnavailable) interceptors.push_back(std::make_unique<ProofRefusalInterceptorFactory>());
  return grpc::experimental::CreateCustomChannelWithInterceptors(target, grpc::InsecureChannelCredentials(), args,
                                                                 std::move(interceptors));
}

void PrepareClientContext(grpc::ClientContext& ctx, absl::Duration timeout, const std::string& request_id) {
  PrepareClientContext(ctx, timeout, IncomingCall{.request_id = request_id});
}

IncomingCall IncomingCallOf(const grpc::ServerContextBase& ctx) {
  const auto deadline = ctx.deadline();  // The largest time point when the caller set none.
  return IncomingCall{.request_id = RequestIdOf(ctx),
                      .deadline = deadline == std::chrono::system_clock::time_point::max()
                                      ? absl::InfiniteFuture()
                                      : absl::FromChrono(deadline)};
}

void PrepareClientContext(grpc::ClientContext& ctx, absl::Duration timeout, const IncomingCall& incoming) {
  ctx.set_deadline(absl::ToChronoTime(std::min(absl::Now() + timeout, incoming.deadline)));
  ctx.AddMetadata(kRequestIdHeader, incoming.request_id.empty() ? NewRequestId() : incoming.request_id);
}

}  // namespace p06
