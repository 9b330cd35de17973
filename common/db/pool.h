// A bounded pool of PostgreSQL connections, and the one way to run a unit of work.
//
// Every connection is opened with explicit statement, lock and idle-in-transaction
// timeouts, TCP keepalives, a connect timeout and the owning service's search_path,
// because PostgreSQL leaves all of these off by default. Connections are opened
// lazily, dropped when they break, and reopened on demand, so a service survives a
// database restart without restarting itself.
//
// Thread-safety: Pool is thread-safe. A Lease (and its connection) belongs to one
// thread at a time.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <pqxx/connection>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace prometheus {
class Registry;
class Gauge;
}  // namespace prometheus

namespace p06::db {

struct PoolOptions {
  std::string url;     // libpq URI (postgresql://…) or key=value connection string.
  std::string schema;  // search_path of every connection; empty keeps the server's.
  std::string application_name = "p06";
  int size = 8;                                       // Most connections open at once.
  absl::Duration acquire_timeout = absl::Seconds(2);  // Longest wait for a free connection.
  absl::Duration connect_timeout = absl::Seconds(2);
  absl::Duration statement_timeout = absl::Seconds(10);
  absl::Duration lock_timeout = absl::Seconds(5);
  absl::Duration idle_in_transaction_timeout = absl::Seconds(30);
  absl::Duration keepalive_idle = absl::Seconds(30);
  absl::Duration keepalive_interval = absl::Seconds(10);
  int keepalive_count = 3;
  // How long sent data may stay unacknowledged before the connection is dropped (libpq
  // tcp_user_timeout); zero leaves the system's default, minutes long.
  absl::Duration tcp_user_timeout = absl::ZeroDuration();
};

// The connection string a pooled connection is opened with: `options.url` plus the
// timeouts, keepalives and search_path above. Works for URIs and key=value strings.
std::string BuildConnectionString(const PoolOptions& options);

// `url` with any password replaced by "***", for logs.
std::string RedactUrl(const std::string& url);

struct PoolStats {
  int in_use = 0;
  int idle = 0;
  int waiters = 0;
};

class Pool;

// A borrowed connection, returned to the pool on destruction. Call MarkBroken() after
// a connection-level failure so that the pool drops it instead of reusing it.
class Lease {
 public:
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&&) = delete;
  ~Lease();

  pqxx::connection& operator*() const { return *conn_; }
  pqxx::connection* operator->() const { return conn_.get(); }
  void MarkBroken() { broken_ = true; }

 private:
  friend class Pool;
  Lease(Pool* pool, std::unique_ptr<pqxx::connection> conn) : pool_(pool), conn_(std::move(conn)) {}
  Pool* pool_;
  std::unique_ptr<pqxx::connection> conn_;
  bool broken_ = false;
};

class Pool {
 public:
  // `registry` (optional) receives the pool gauges, labelled with `options.schema`.
  explicit Pool(PoolOptions options, prometheus::Registry* registry = nullptr);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Borrows a connection, opening one if none is idle and the pool is not full.
  // Errors: RESOURCE_EXHAUSTED when none frees up within acquire_timeout;
  // UNAVAILABLE when the database cannot be reached.
  absl::StatusOr<Lease> Acquire();

  // Drops every idle connection; the next Acquire() opens fresh ones. Called after a
  // connection turned out broken, since its idle siblings are then most likely dead too.
  void DropIdle();

  PoolStats Stats() const;
  const PoolOptions& options() const { return options_; }

 private:
  friend class Lease;
  void Return(std::unique_ptr<pqxx::connection> conn, bool broken);
  void UpdateGauges();  // Requires mu_.

  const PoolOptions options_;
  const std::string conninfo_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  int open_ = 0;  // Connections open or being opened, idle or leased.
  int waiters_ = 0;
  prometheus::Gauge* in_use_gauge_ = nullptr;
  prometheus::Gauge* idle_gauge_ = nullptr;
  prometheus::Gauge* waiters_gauge_ = nullptr;
};

}  // namespace p06::db
