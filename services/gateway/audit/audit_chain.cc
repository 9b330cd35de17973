#include "services/gateway/audit/audit_chain.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace p06::gateway {
namespace {

void Put(std::string* out, absl::string_view field) { absl::StrAppend(out, field.size(), ":", field, ";"); }

}  // namespace

std::string AuditHash(const AuditRecord& r) {
  std::string text;
  Put(&text, r.prev_hash);
  Put(&text, absl::StrCat(r.seq));
  Put(&text, absl::StrCat(absl::ToUnixMicros(r.time)));
  for (const std::string* f : {&r.subject, &r.unit, &r.roles, &r.method, &r.resource, &r.code, &r.request_id,
                               &r.remote_address, &r.http_method}) {
    Put(&text, *f);
  }
  Put(&text, absl::StrCat(r.http_status));
  // Added later, each left out when empty, so that rows keep the hash they were written
  // with. A later field brings the earlier ones along (empty or not), so that no field
  // can pass for another: one field hashed is a certificate, two add the stage, three
  // the received entry.
  const bool received = r.received_seq != 0;
  const bool staged = !r.stage.empty() || received;
  if (!r.client_certificate.empty() || staged) Put(&text, r.client_certificate);
  if (staged) Put(&text, r.stage);
  if (received) Put(&text, absl::StrCat(r.received_seq));
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace p06::gateway
