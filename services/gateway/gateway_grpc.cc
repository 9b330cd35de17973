#include "services/gateway/gateway_grpc.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/grpc/pagination.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/serve.h"
#include "common/base/status_macros.h"

namespace p06::gateway {
namespace {

absl::Status NeedAuditor(const Principal& p) {
  if (p.HasRole(kRoleAuditor)) return absl::OkStatus();
  return absl::PermissionDeniedError("the audit log is read by the auditor role only");
}

pb::AuditEntry EntryOf(const AuditRecord& r) {
  pb::AuditEntry e;
  e.set_name(absl::StrCat("auditEntries/", r.seq));
  e.mutable_principal()->set_subject(r.subject);
  e.mutable_principal()->set_unit(r.unit);
  for (absl::string_view role : absl::StrSplit(r.roles, ',', absl::SkipEmpty())) {
    e.mutable_principal()->add_roles(std::string(role));
  }
  e.set_method(r.method);
  e.set_resource(r.resource);
  e.set_code(r.code);
  e.set_request_id(r.request_id);
  *e.mutable_time() = ToProtoTimestamp(r.time);
  e.set_remote_address(r.remote_address);
  e.set_http_method(r.http_method);
  e.set_http_status(r.http_status);
  e.set_hash(r.hash);
  e.set_client_certificate(r.client_certificate);
  e.set_stage(r.stage == kStageReceived ? pb::AuditEntry::STAGE_RECEIVED : pb::AuditEntry::STAGE_ANSWERED);
  if (r.received_seq != 0) e.set_received_entry(absl::StrCat("auditEntries/", r.received_seq));
  return e;
}

absl::StatusOr<pb::ListAuditEntriesResponse> List(AuditStore& audit, const pb::ListAuditEntriesRequest& request) {
  ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(request.page_size(), request.page_token(), QueryFingerprint(request),
                                                      {.default_size = 100, .max_size = 1000}));
  AuditStore::Filter filter{.subject = request.subject(), .method = request.method(), .resource = request.resource(),
                            .limit = page.size + 1};
  if (request.has_start_time()) filter.start = absl::FromUnixMicros(ProtoTimestampToMicros(request.start_time()));
  if (request.has_end_time()) filter.end = absl::FromUnixMicros(ProtoTimestampToMicros(request.end_time()));
  if (!page.after_key.empty() && !absl::SimpleAtoi(page.after_key, &filter.before_seq)) {
    return InvalidField("page_token", "malformed");
  }
  ASSIGN_OR_RETURN(std::vector<AuditRecord> records, audit.List(filter));
  std::vector<pb::AuditEntry> entries;
  for (const AuditRecord& r : records) entries.push_back(EntryOf(r));
  pb::ListAuditEntriesResponse response;
  response.set_next_page_token(TakePage(
      std::move(entries), page, response.mutable_entries(),
      [](const pb::AuditEntry& e) { return std::string(absl::StripPrefix(e.name(), "auditEntries/")); },
      QueryFingerprint(request)));
  return response;
}

// "auditEntries/{seq}" → seq.
absl::StatusOr<int64_t> ParseAuditEntryName(absl::string_view name, absl::string_view field) {
  int64_t seq = 0;
  if (!absl::ConsumePrefix(&name, "auditEntries/") || !absl::SimpleAtoi(name, &seq) || seq <= 0) {
    return InvalidField(field, "must be auditEntries/{a positive number}");
  }
  return seq;
}

}  // namespace

grpc::Status GatewayGrpc::GetPrincipal(grpc::ServerContext* ctx, const pb::GetPrincipalRequest*,
                                       pb::Principal* response) {
  return ServeOwn(callers_, *ctx, "/p06.gateway.v1.GatewayService/GetPrincipal", Access::kRead, response,
                  [&](const Principal& caller) -> absl::StatusOr<pb::Principal> {
    pb::Principal p;
    p.set_subject(caller.subject);
    p.set_unit(caller.unit);
    for (const std::string& r : caller.roles) p.add_roles(r);
    return p;
  });
}

grpc::Status GatewayGrpc::ListAuditEntries(grpc::ServerContext* ctx, const pb::ListAuditEntriesRequest* request,
                                           pb::ListAuditEntriesResponse* response) {
  return ServeOwn(callers_, *ctx, "/p06.gateway.v1.GatewayService/ListAuditEntries", Access::kRead, response,
                 [&](const Principal& caller) -> absl::StatusOr<pb::ListAuditEntriesResponse> {
                   RETURN_IF_ERROR(NeedAuditor(caller));
                   return List(audit_, *request);
                 });
}

grpc::Status GatewayGrpc::VerifyAuditLog(grpc::ServerContext* ctx, const pb::VerifyAuditLogRequest* request,
                                         pb::VerifyAuditLogResponse* response) {
  return ServeOwn(callers_, *ctx, "/p06.gateway.v1.GatewayService/VerifyAuditLog", Access::kRead, response,
                 [&](const Principal& caller) -> absl::StatusOr<pb::VerifyAuditLogResponse> {
                   RETURN_IF_ERROR(NeedAuditor(caller));
                   AuditStore::KnownHead known;
                   if (!request->known_head_entry().empty() || !request->known_head_hash().empty()) {
                     ASSIGN_OR_RETURN(known.seq, ParseAuditEntryName(request->known_head_entry(), "known_head_entry"));
                     if (request->known_head_hash().size() != 64) {
                       return InvalidField("known_head_hash", "the 64 hex digits a former check printed");
                     }
                     known.hash = request->known_head_hash();
                   }
                   ASSIGN_OR_RETURN(AuditStore::Verification v, audit_.Verify(known));
                   pb::VerifyAuditLogResponse r;
                   r.set_entries_checked(v.checked);
                   r.set_intact(v.intact);
                   if (!v.intact) r.set_first_broken_entry(absl::StrCat("auditEntries/", v.first_broken));
                   r.set_problem(v.problem);
                   if (v.head_seq > 0) {
                     r.set_head_entry(absl::StrCat("auditEntries/", v.head_seq));
                     r.set_head_hash(v.head_hash);
                   }
                   return r;
                 });
}

}  // namespace p06::gateway
