#include "services/p06ctl/gateway_commands.h"

#include <iostream>
#include <optional>

#include "common/base/file.h"
#include "p06/gateway/v1/gateway.grpc.pb.h"

namespace p06::ctl {
namespace {

// The PEM of --signing_key, or nothing with the reason on stderr.
std::optional<std::string> ReadSigningKey(const std::string& key_file) {
  absl::StatusOr<std::string> pem = ReadFileToString(key_file);
  if (!pem.ok()) {
    std::cerr << "the signing key (--signing_key): " << pem.status().message() << "\n";
    return std::nullopt;
  }
  return *std::move(pem);
}

}  // namespace

int MintToken(const std::string& key_file, const std::string& kid, const gateway::TokenClaims& claims) {
  std::optional<std::string> pem = ReadSigningKey(key_file);
  if (!pem) return 2;
  absl::StatusOr<std::string> token = gateway::MintJwt(*pem, kid, claims);
  if (!token.ok()) {
    std::cerr << token.status().message() << "\n";
    return 2;
  }
  std::cout << *token << "\n";
  return 0;
}

int PrintJwks(const std::string& key_file, const std::string& kid) {
  std::optional<std::string> pem = ReadSigningKey(key_file);
  if (!pem) return 2;
  absl::StatusOr<std::string> jwks = gateway::JwksOfPrivateKey(*pem, kid);
  if (!jwks.ok()) {
    std::cerr << jwks.status().message() << "\n";
    return 2;
  }
  std::cout << *jwks;
  return 0;
}

int VerifyAudit(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options,
                const std::string& known_head) {
  auto stub = gateway::v1::GatewayService::NewStub(channel);
  grpc::ClientContext ctx;
  Prepare(ctx, options, "");
  gateway::v1::VerifyAuditLogRequest request;
  if (!known_head.empty()) {
    const size_t colon = known_head.rfind(':');
    if (colon == std::string::npos) {
      std::cerr << "--known_head: auditEntries/{n}:{hash}, as a former check printed it\n";
      return 2;
    }
    request.set_known_head_entry(known_head.substr(0, colon));
    request.set_known_head_hash(known_head.substr(colon + 1));
  }
  gateway::v1::VerifyAuditLogResponse response;
  grpc::Status status = stub->VerifyAuditLog(&ctx, request, &response);
  if (!status.ok()) return Fail(status);
  if (response.intact()) {
    std::cout << "intact: " << response.entries_checked() << " entries\n";
    // Kept somewhere the database's owner cannot reach, the head lets the next check
    // find entries deleted from the end, which the chain alone cannot show.
    if (!response.head_entry().empty()) {
      std::cout << "head: " << response.head_entry() << ":" << response.head_hash()
                << " (keep it; check later with --known_head=" << response.head_entry() << ":"
                << response.head_hash() << ")\n";
    }
    return 0;
  }
  std::cout << "BROKEN at " << response.first_broken_entry() << ": " << response.problem() << " ("
            << response.entries_checked() << " entries checked)\n";
  return 1;
}

}  // namespace p06::ctl
