// The one way to run a unit of work against PostgreSQL.
//
//   absl::StatusOr<Unit> unit = db::RunInTransaction(pool, "GetUnit",
//       [&](pqxx::work& tx) -> absl::StatusOr<Unit> { ... });
//
// `fn` receives a transaction and returns absl::Status or absl::StatusOr<T>. When it
// returns OK the transaction is committed before RunInTransaction returns, so an OK
// result is durable; otherwise it is rolled back. Exceptions from libpqxx are
// translated by TranslateException(). A connection found dead when the transaction
// begins (a pooled connection that outlived a database restart) is replaced and the
// work started again once: nothing had been sent yet, so this is always safe.
// A failure during COMMIT is never retried here: it is UNAVAILABLE, to be settled by
// the caller's retry with the same request_id.
#pragma once

#include <optional>
#include <pqxx/nontransaction>
#include <pqxx/transaction>
#include <string_view>
#include <type_traits>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/db/pg_errors.h"
#include "common/db/pool.h"

namespace p06::db {

// kCommitsInFn: `fn` commits itself (one writing statement outside a transaction
// block), so a connection lost while it runs leaves the outcome unknown.
template <typename Tx = pqxx::work, bool kCommitsInFn = false, typename Fn>
auto RunInTransaction(Pool& pool, absl::string_view what, Fn&& fn) -> std::invoke_result_t<Fn&, Tx&> {
  using Result = std::invoke_result_t<Fn&, Tx&>;
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<Lease> lease = pool.Acquire();
    if (!lease.ok()) return Result(lease.status());
    std::optional<Tx> tx;
    try {
      tx.emplace(**lease);
    } catch (const std::exception& e) {
      lease->MarkBroken();
      if (IsConnectionFailure(e) && attempt == 0) {
        pool.DropIdle();
        continue;
      }
      return Result(TranslateException(e, what));
    }
    try {
      Result result = fn(*tx);
      if (result.ok()) tx->commit();
      return result;
    } catch (const std::exception& e) {
      if (IsConnectionFailure(e)) {
        lease->MarkBroken();
        pool.DropIdle();
        if (kCommitsInFn) return Result(CommitInDoubt(e, what));
      }
      return Result(TranslateException(e, what));
    }
  }
}

// Read-only work: same contract, in a READ ONLY transaction.
template <typename Fn>
auto RunReadOnly(Pool& pool, absl::string_view what, Fn&& fn) {
  return RunInTransaction<pqxx::read_transaction>(pool, what, std::forward<Fn>(fn));
}

// Work that is one SQL statement, which PostgreSQL runs atomically on its own: no
// BEGIN/COMMIT around it, one round trip instead of three. `fn` takes a
// pqxx::nontransaction and must run exactly one statement.
template <typename Fn>
auto RunSingleStatement(Pool& pool, absl::string_view what, Fn&& fn) {
  return RunInTransaction<pqxx::nontransaction>(pool, what, std::forward<Fn>(fn));
}

// The same for one statement that writes: it commits as it ends, so a connection lost
// while it runs is a commit in doubt (UNAVAILABLE: retry with the same request_id).
template <typename Fn>
auto RunSingleWrite(Pool& pool, absl::string_view what, Fn&& fn) {
  return RunInTransaction<pqxx::nontransaction, /*kCommitsInFn=*/true>(pool, what, std::forward<Fn>(fn));
}

}  // namespace p06::db
