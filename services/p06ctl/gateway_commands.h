// p06ctl's commands for the gateway: development tokens and their JWKS, and the audit
// log's check.
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "services/gateway/auth/jwt.h"
#include "services/p06ctl/call.h"

namespace p06::ctl {

// Prints a bearer token for `claims` signed with the PEM key in `key_file`.
int MintToken(const std::string& key_file, const std::string& kid, const gateway::TokenClaims& claims);
// Prints the JWKS of the PEM key in `key_file` (what the gateway's --jwks_file holds).
int PrintJwks(const std::string& key_file, const std::string& kid);
// Recomputes the audit log's hash chain on the gateway at `channel`; exits 1 when broken.
// `known_head`: "auditEntries/{n}:{hash}" from a former check's output, or "".
int VerifyAudit(const std::shared_ptr<grpc::Channel>& channel, const CallOptions& options,
                const std::string& known_head);

}  // namespace p06::ctl
