#include "services/gateway/audit/audit_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/db/transaction.h"

namespace p06::gateway {
namespace {

// pg_advisory_xact_lock key of the chain's tail: "p06-audit".
constexpr int64_t kChainLock = 0x7030362d61756469;

constexpr char kColumns[] =
    "seq, time_us, subject, unit, roles, method, resource, code, request_id, remote_address, http_method, "
    "http_status, prev_hash, hash, client_certificate, stage, received_seq";

AuditRecord RecordOf(const pqxx::row& row) {
  AuditRecord r;
  r.seq = row[0].as<int64_t>();
  r.time = absl::FromUnixMicros(row[1].as<int64_t>());
  r.subject = row[2].c_str();
  r.unit = row[3].c_str();
  r.roles = row[4].c_str();
  r.method = row[5].c_str();
  r.resource = row[6].c_str();
  r.code = row[7].c_str();
  r.request_id = row[8].c_str();
  r.remote_address = row[9].c_str();
  r.http_method = row[10].c_str();
  r.http_status = row[11].as<int>();
  r.prev_hash = row[12].c_str();
  r.hash = row[13].c_str();
  r.client_certificate = row[14].c_str();
  r.stage = row[15].c_str();
  r.received_seq = row[16].as<int64_t>();
  return r;
}

}  // namespace

absl::StatusOr<int64_t> AuditStore::Append(AuditRecord r) {
  return db::RunInTransaction(pool_, "AppendAudit", [&](pqxx::work& tx) -> absl::StatusOr<int64_t> {
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kChainLock);
    pqxx::result last = tx.exec("SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1");
    r.seq = last.empty() ? 1 : last[0][0].as<int64_t>() + 1;
    r.prev_hash = last.empty() ? kGenesisHash : last[0][1].c_str();
    r.time = absl::FromUnixMicros(absl::ToUnixMicros(r.time));
    r.hash = AuditHash(r);
    tx.exec_params(absl::StrCat("INSERT INTO audit_entries (", kColumns,
                                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"),
                   r.seq, absl::ToUnixMicros(r.time), r.subject, r.unit, r.roles, r.method, r.resource, r.code,
                   r.request_id, r.remote_address, r.http_method, r.http_status, r.prev_hash, r.hash,
                   r.client_certificate, r.stage, r.received_seq);
    return r.seq;
  });
}

absl::StatusOr<std::vector<AuditRecord>> AuditStore::List(const Filter& f) {
  return db::RunInTransaction<pqxx::read_transaction>(
      pool_, "ListAudit", [&](pqxx::read_transaction& tx) -> absl::StatusOr<std::vector<AuditRecord>> {
        pqxx::result rows = tx.exec_params(
            absl::StrCat("SELECT ", kColumns, " FROM audit_entries WHERE ($1 = '' OR subject = $1) "
                         "AND ($2 = '' OR method = $2) AND ($3 = '' OR resource = $3) "
                         "AND ($4::bigint IS NULL OR time_us >= $4) AND ($5::bigint IS NULL OR time_us < $5) "
                         "AND ($6 = 0 OR seq < $6) ORDER BY seq DESC LIMIT $7"),
            f.subject, f.method, f.resource,
            f.start ? std::optional<int64_t>(absl::ToUnixMicros(*f.start)) : std::nullopt,
            f.end ? std::optional<int64_t>(absl::ToUnixMicros(*f.end)) : std::nullopt, f.before_seq, f.limit);
        std::vector<AuditRecord> out;
        for (const auto& row : rows) out.push_back(RecordOf(row));
        return out;
      });
}

absl::StatusOr<AuditStore::Verification> AuditStore::Verify(const KnownHead& known) {
  Verification v;
  std::string prev = kGenesisHash;
  int64_t expected_seq = 1;
  constexpr int kPage = 5000;
  for (;;) {
    absl::StatusOr<std::vector<AuditRecord>> page = db::RunInTransaction<pqxx::read_transaction>(
        pool_, "VerifyAudit", [&](pqxx::read_transaction& tx) -> absl::StatusOr<std::vector<AuditRecord>> {
          pqxx::result rows = tx.exec_params(
              absl::StrCat("SELECT ", kColumns, " FROM audit_entries WHERE seq >= $1 ORDER BY seq LIMIT $2"),
              expected_seq, kPage);
          std::vector<AuditRecord> out;
          for (const auto& row : rows) out.push_back(RecordOf(row));
          return out;
        });
    if (!page.ok()) return page.status();
    for (const AuditRecord& r : *page) {
      ++v.checked;
      auto broken = [&](std::string problem) {
        v.intact = false;
        v.first_broken = r.seq;
        v.problem = std::move(problem);
      };
      if (r.seq != expected_seq) {
        broken(absl::StrCat("entries ", expected_seq, "..", r.seq - 1, " are missing"));
      } else if (r.prev_hash != prev) {
        broken("prev_hash is not the previous entry's hash");
      } else if (AuditHash(r) != r.hash) {
        broken("its fields do not match its hash (changed after it was written)");
      }
      if (!v.intact) return v;
      if (r.seq == known.seq && r.hash != known.hash) {
        broken("its hash is not the one a former check saw (the known head)");
        return v;
      }
      prev = r.hash;
      ++expected_seq;
      v.head_seq = r.seq;
      v.head_hash = r.hash;
    }
    if (static_cast<int>(page->size()) < kPage) break;
  }
  if (known.seq > v.head_seq) {
    // The chain is whole, but ends before an entry seen earlier: its end was cut off.
    v.intact = false;
    v.first_broken = v.head_seq + 1;
    v.problem = absl::StrCat("entries ", v.head_seq + 1, "..", known.seq,
                             " are missing: the known head was there, and the log now ends before it");
  }
  return v;
}

}  // namespace p06::gateway
