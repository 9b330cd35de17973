// Signs the principal of every outgoing call for the service it goes to.
//
// AttachPrincipal puts x-p06-subject, -unit and -roles on a call; this interceptor,
// on every channel MakeChannel makes, adds their x-p06-proof as the call leaves,
// with the audience read from the method the call is for (internal_proof.h). So no
// caller needs to know which process serves a method, and a proof always names the
// one it is sent to. A call that already carries a proof, or no subject, is left as
// it is; a process without internal keys adds none.
#pragma once

#include <grpcpp/support/client_interceptor.h>

namespace p06 {

class ProofInterceptorFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateClientInterceptor(grpc::experimental::ClientRpcInfo* info) override;
};

}  // namespace p06
