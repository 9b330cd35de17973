// The gateway's own RPCs (proto/p06/gateway/v1/gateway.proto): who the caller is, and
// the audit log. Served on the gateway's gRPC port and, like every other RPC, through
// its REST routes.
#pragma once

#include "p06/gateway/v1/gateway.grpc.pb.h"
#include "services/gateway/audit/audit_store.h"
#include "services/gateway/auth/own_callers.h"

namespace p06::gateway {

namespace pb = ::p06::gateway::v1;

class GatewayGrpc final : public pb::GatewayService::Service {
 public:
  GatewayGrpc(AuditStore& audit, const OwnCallers& callers) : audit_(audit), callers_(callers) {}

  grpc::Status GetPrincipal(grpc::ServerContext* ctx, const pb::GetPrincipalRequest* request,
                            pb::Principal* response) override;
  grpc::Status ListAuditEntries(grpc::ServerContext* ctx, const pb::ListAuditEntriesRequest* request,
                                pb::ListAuditEntriesResponse* response) override;
  grpc::Status VerifyAuditLog(grpc::ServerContext* ctx, const pb::VerifyAuditLogRequest* request,
                              pb::VerifyAuditLogResponse* response) override;

 private:
  AuditStore& audit_;
  const OwnCallers& callers_;
};

}  // namespace p06::gateway
