#include "common/grpc/proof_interceptor.h"

#include <string>

#include "common/grpc/internal_proof.h"
#include "common/grpc/principal.h"

namespace p06 {
namespace {

using grpc::experimental::InterceptionHookPoints;

class ProofInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit ProofInterceptor(std::string audience) : audience_(std::move(audience)) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::multimap<std::string, std::string>* metadata = methods->GetSendInitialMetadata();
      auto subject = metadata->find(kSubjectHeader);
      if (subject != metadata->end() && metadata->count(kProofHeader) == 0) {
        auto value = [&](const char* name) {
          auto it = metadata->find(name);
          return it == metadata->end() ? std::string() : it->second;
        };
        std::string proof = SignPrincipal(audience_, subject->second, value(kUnitHeader), value(kRolesHeader));
        if (!proof.empty()) metadata->emplace(kProofHeader, std::move(proof));
      }
    }
    methods->Proceed();
  }

 private:
  const std::string audience_;
};

class ProofRefusalInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit ProofRefusalInterceptor(std::string method) : method_(std::move(method)) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_STATUS)) {
      grpc::Status* status = methods->GetRecvStatus();
      *status = ProofRefusalAsUnavailable(std::move(*status), method_);
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
};

}  // namespace

grpc::experimental::Interceptor* ProofRefusalInterceptorFactory::CreateClientInterceptor(
    grpc::experimental::ClientRpcInfo* info) {
  return new ProofRefusalInterceptor(info->method() == nullptr ? "" : info->method());
}

grpc::experimental::Interceptor* ProofInterceptorFactory::CreateClientInterceptor(
    grpc::experimental::ClientRpcInfo* info) {
  const std::string audience = AudienceOfMethod(info->method() == nullptr ? "" : info->method());
  // Outside the suite's packages (health, reflection) no principal is believed: none signed.
  if (audience.empty() || !HasInternalKeys()) return nullptr;
  return new ProofInterceptor(audience);
}

}  // namespace p06
