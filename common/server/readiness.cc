#include "common/server/readiness.h"

#include <optional>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace p06 {

db::PoolOptions ProbeOptions(db::PoolOptions pool) {
  pool.statement_timeout = absl::Seconds(2);
  pool.tcp_user_timeout = absl::Seconds(3);
  return pool;
}

ReadinessWatcher::ReadinessWatcher(std::string conninfo, std::function<void(bool)> set_serving,
                                   absl::Duration period)
    : conninfo_(std::move(conninfo)), set_serving_(std::move(set_serving)), period_(period), thread_([this] { Run(); }) {}

ReadinessWatcher::~ReadinessWatcher() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool ReadinessWatcher::Reachable() {
  try {
    if (conn_ == nullptr || !conn_->is_open()) {
      conn_ = std::make_unique<pqxx::connection>(conninfo_);
    }
    pqxx::nontransaction(*conn_).exec1("SELECT 1");
    return true;
  } catch (const std::exception&) {
    conn_.reset();  // Connect again next time.
    return false;
  }
}

void ReadinessWatcher::Run() {
  std::optional<bool> serving;
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    const bool reachable = Reachable();
    if (serving != reachable) {
      if (serving.has_value()) {
        log::Write(reachable ? log::Level::kInfo : log::Level::kWarning,
                   reachable ? "database reachable again: SERVING" : "database unreachable: NOT_SERVING");
      }
      serving = reachable;
      set_serving_(reachable);
    }
    lock.lock();
    wake_.wait_for(lock, absl::ToChronoMilliseconds(period_), [&] { return stop_; });
  }
}

}  // namespace p06
