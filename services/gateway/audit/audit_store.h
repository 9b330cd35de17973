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
    int64_t head_seq = 0;  // The newest entry (0: none) and its hash.
    std::string head_hash;
  };
  // An entry seen by an earlier check, which must still be there as it was.
  struct KnownHead {
    int64_t seq = 0;  // 0: none.
    std::string hash;
  };
  // Walks the chain from the first entry, then checks `known` against it.
  absl::StatusOr<Verification> Verify(const KnownHead& known);

 private:
  db::Pool& pool_;
};

}  // namespace p06::gateway
