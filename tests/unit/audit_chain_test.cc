// The audit chain's hash: what it covers, and that rows written before a field was
// added keep the hash they were written with.
#include "services/gateway/audit/audit_chain.h"

#include <gtest/gtest.h>

namespace p06::gateway {
namespace {

AuditRecord Entry() {
  AuditRecord r;
  r.seq = 7;
  r.time = absl::FromUnixMicros(1764547200000000);
  r.subject = "lan";
  r.unit = "units/stp-ha-noi";
  r.roles = "unit_reporter";
  r.method = "/p06.task.v1.TaskService/ReportProgress";
  r.resource = "plans/910-qd-btp-2025/tasks/7";
  r.code = "OK";
  r.request_id = "r-1";
  r.remote_address = "127.0.0.1:5000";
  r.http_method = "POST";
  r.http_status = 200;
  r.prev_hash = kGenesisHash;
  return r;
}

TEST(AuditHashTest, ARowFromBeforeStagesAndCertificatesKeepsItsHash) {
  // Written with the first schema (001_audit.sql): no certificate, no stage. The
  // value is SHA-256 of "len:field;" over prev_hash, seq, time, the text fields and
  // the status, computed apart (Python's hashlib). Should it change, every row
  // already in a database would stop verifying.
  EXPECT_EQ(AuditHash(Entry()), "059c0d52191a4bbfa867119b77c65ef362c530fbbe858e4732ec3ea0f7136f98");
}

TEST(AuditHashTest, ARowOfEachLaterSchemaKeepsItsHash) {
  // 002: with a certificate; 003: a RECEIVED row (certificate field, empty, then the
  // stage). Computed apart as above.
  AuditRecord certificate = Entry();
  certificate.client_certificate = "CN=a";
  EXPECT_EQ(AuditHash(certificate), "e55b59343efe58fd2ad58c1b7d3f04c21df1b153b9db23b06447481a02104c0a");
  AuditRecord received = Entry();
  received.stage = kStageReceived;
  EXPECT_EQ(AuditHash(received), "3b087a89b98a5f80fd7a1b4bfc5ad592ac278a7eeb89324ebfe78f44e59492eb");
}

TEST(AuditHashTest, EveryFieldCounts) {
  const std::string base = AuditHash(Entry());
  for (auto change : std::vector<void (*)(AuditRecord&)>{
           [](AuditRecord& r) { r.code = "PERMISSION_DENIED"; },
           [](AuditRecord& r) { r.resource = "plans/910-qd-btp-2025/tasks/8"; },
           [](AuditRecord& r) { r.seq = 8; },
           [](AuditRecord& r) { r.time += absl::Microseconds(1); },
           [](AuditRecord& r) { r.http_status = 403; },
           [](AuditRecord& r) { r.prev_hash[0] = '1'; },
           [](AuditRecord& r) { r.client_certificate = "CN=x"; },
           [](AuditRecord& r) { r.stage = kStageReceived; },
           [](AuditRecord& r) { r.received_seq = 6; },
       }) {
    AuditRecord r = Entry();
    change(r);
    EXPECT_NE(AuditHash(r), base);
  }
}

TEST(AuditHashTest, NoFieldPassesForAnother) {
  // Bytes moved between neighbouring fields.
  AuditRecord a = Entry(), b = Entry();
  a.subject = "lan";
  a.unit = "units/x";
  b.subject = "lanunits/x";
  b.unit = "";
  EXPECT_NE(AuditHash(a), AuditHash(b));
  // A certificate that reads like a stage, and a stage without a certificate.
  AuditRecord cert = Entry(), stage = Entry();
  cert.client_certificate = kStageReceived;
  stage.stage = kStageReceived;
  EXPECT_NE(AuditHash(cert), AuditHash(stage));
  AuditRecord both = Entry();
  both.client_certificate = "CN=a";
  both.stage = kStageReceived;
  AuditRecord packed = Entry();
  packed.client_certificate = "CN=a;8:received";
  EXPECT_NE(AuditHash(both), AuditHash(packed));
  // A received entry's number is not a stage's text.
  AuditRecord numbered = Entry(), staged = Entry();
  numbered.received_seq = 6;
  staged.stage = "6";
  EXPECT_NE(AuditHash(numbered), AuditHash(staged));
}

}  // namespace
}  // namespace p06::gateway
