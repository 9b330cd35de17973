// Outgoing calls to other services are set up here and nowhere else.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>

#include <memory>
#include <string>

#include "absl/time/time.h"

namespace p06 {

// A channel to `target` ("host:port") that proves the principal of each call
// (proof_interceptor.h), with keepalive and a retry policy in the service config: up to 3 attempts on UNAVAILABLE only, with backoff. Mutations are safe to
// retry because they carry a request_id; no other code is retried.
// `connection`: channels to the same target with different numbers have connections
// of their own (one HTTP/2 connection serialises its calls' work; a busy client
// spreads over a few).
// `refusals`: who sees a service's refusal of the suite's own proof (the caller's
// keys not believed, the forged-proof limit, no keys). Between the suite's processes
// it is what the service said; for the gateway's callers, whom the gateway has
// authenticated, it is UNAVAILABLE (ProofRefusalAsUnavailable), turned so as the
// answer comes back, whatever the call.
enum class ProofRefusals { kAsSaid, kAsUnavailable };
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target, int connection = 0,
                                           ProofRefusals refusals = ProofRefusals::kAsSaid);

// Prepares `ctx` for a call made outside any incoming call (p06ctl, background
// work): sets the deadline (every outgoing call has one) and the request id.
void PrepareClientContext(grpc::ClientContext& ctx, absl::Duration timeout, const std::string& request_id);

// What a downstream call inherits from the call being served: its request id, and its
// deadline, so that no downstream call outlives the caller's patience.
struct IncomingCall {
  std::string request_id;
  absl::Time deadline = absl::InfiniteFuture();
};
IncomingCall IncomingCallOf(const grpc::ServerContextBase& ctx);

// As above for a call made while serving `incoming`: the deadline is the earlier of
// now + `timeout` and the incoming deadline.
void PrepareClientContext(grpc::ClientContext& ctx, absl::Duration timeout, const IncomingCall& incoming);

}  // namespace p06
