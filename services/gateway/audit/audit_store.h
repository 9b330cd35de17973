// The audit log in PostgreSQL (schema/001_audit.sql).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/pool.h"
#include "services/gateway/audit/audit_chain.h"

namespace p06::gateway {

// Why a mutation is refused (UNAVAILABLE) when its RECEIVED entry cannot be written.
inline constexpr char kAuditUnwritable[] = "the audit log cannot be written: nothing was changed";

class AuditStore {
 public:
  explicit AuditStore(db::Pool& pool) : pool_(pool) {}

  // Appends `record` after the last entry: its seq, prev_hash and hash are set here,
  // under a lock that orders every appender (one chain, no forks). Durable when OK;
  // returns the entry's seq.
  absl::StatusOr<int64_t> Append(AuditRecord record);

  struct Filter {
    std::string subject, method, resource;
    std::optional<absl::Time> start, end;
    int64_t before_seq = 0;  // Paging: entries older than this; 0 from the newest.
    int limit = 100;
  };
  // Newest first.
  absl::StatusOr<std::vector<AuditRecord>> List(const Filter& filter);

  struct Verification {
    int64_t checked = 0;
    bool intact = true;
    int64_t first_broken = 0;
    std::string problem;
  };
  // Walks the chain from the first entry.
  absl::StatusOr<Verification> Verify();

 private:
  db::Pool& pool_;
};

}  // namespace p06::gateway
