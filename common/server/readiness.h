// Readiness follows the database: while PostgreSQL cannot be reached, grpc.health.v1
// says NOT_SERVING (so a load balancer or deploy/run.sh's health check sends calls
// elsewhere), and SERVING again once it answers. Liveness is the process itself.
//
// A thread of its own asks `SELECT 1` on a connection of its own every `period`
// (not from the pool: a pool busy under load is no outage); ProbeOptions() gives that
// connection short timeouts.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <pqxx/connection>

#include "absl/time/time.h"
#include "common/db/pool.h"

namespace p06 {

// `pool`'s options with the probe's short timeouts: a statement of 2 s, and 3 s for
// sent data to be acknowledged (keepalives do not notice a host that stopped answering
// while data is unacknowledged).
db::PoolOptions ProbeOptions(db::PoolOptions pool);

class ReadinessWatcher {
 public:
  // Calls `set_serving` with each change (and once with the first answer).
  ReadinessWatcher(std::string conninfo, std::function<void(bool)> set_serving,
                   absl::Duration period = absl::Seconds(1));
  ~ReadinessWatcher();  // Stops the thread.

 private:
  bool Reachable();
  void Run();

  const std::string conninfo_;
  const std::function<void(bool)> set_serving_;
  const absl::Duration period_;
  std::unique_ptr<pqxx::connection> conn_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace p06
