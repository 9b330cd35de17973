// Signs the principal of every outgoing call for the service it goes to.
//
// AttachPrincipal puts x-p06-subject, -unit and -roles on a call; this interceptor,
// on every channel MakeChannel makes, adds their x-p06-proof as the call leaves,
// with the audience read from the method the call is for (internal_proof.h). So no
// caller needs to know which process serves a method, and a proof always names the
// one it is sent to. A call that already carries a proof, or no subject, is left as
// it is; a process without internal keys adds none.
//
// The gateway's channels carry a second one, for the way back.
#pragma once

#include <grpcpp/support/client_interceptor.h>

namespace p06 {

class ProofInterceptorFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateClientInterceptor(grpc::experimental::ClientRpcInfo* info) override;
};

// On the gateway's channels to the services (MakeChannel's ProofRefusals::kAsUnavailable):
// a service's refusal of the proof the first one added becomes, as the answer comes
// back, the UNAVAILABLE that ProofRefusalAsUnavailable makes of it, for every kind of
// call (unary, streams, generic), so no code path of the gateway can forget it.
class ProofRefusalInterceptorFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateClientInterceptor(grpc::experimental::ClientRpcInfo* info) override;
};

}  // namespace p06
