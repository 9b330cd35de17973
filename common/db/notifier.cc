#include "common/db/notifier.h"

#include <memory>
#include <pqxx/pqxx>

#include "absl/time/clock.h"
#include "common/log/log.h"

namespace p06::db {

Notifier::Notifier(std::string conninfo, std::string channel, absl::Duration min_interval)
    : conninfo_(std::move(conninfo)),
      channel_(std::move(channel)),
      min_interval_(min_interval),
      thread_([this] { Run(); }) {}

Notifier::~Notifier() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Notifier::Notify() {
  {
    std::lock_guard lock(mu_);
    if (pending_) return;
    pending_ = true;
  }
  wake_.notify_one();
}

void Notifier::Run() {
  std::unique_ptr<pqxx::connection> conn;
  absl::Duration backoff = absl::Milliseconds(50);
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return pending_ || stop_; });
    // Gather the commits of the next moment into this notification (not when stopping).
    wake_.wait_for(lock, absl::ToChronoNanoseconds(min_interval_), [&] { return stop_; });
    if (!pending_) return;  // Stopping with nothing to send.
    pending_ = false;       // Commits from now on ask again: nothing is missed.
    lock.unlock();
    bool sent = false;
    try {
      if (conn == nullptr) {
        conn = std::make_unique<pqxx::connection>(conninfo_);
        // A wake-up need not survive a crash; waiting for its WAL flush would delay
        // the flushes of the writers it announces.
        pqxx::nontransaction(*conn).exec0("SET synchronous_commit TO off");
      }
      pqxx::nontransaction tx(*conn);
      tx.exec_params("SELECT pg_notify($1, '')", channel_);
      sent = true;
      backoff = absl::Milliseconds(50);
    } catch (const std::exception& e) {
      log::Warning("notifier cannot notify", {{"channel", channel_}, {"error", e.what()}});
      conn.reset();
    }
    lock.lock();
    if (!sent) {
      if (stop_) return;
      pending_ = true;  // Try again after the backoff (or sooner when stopping).
      wake_.wait_for(lock, absl::ToChronoNanoseconds(backoff), [&] { return stop_; });
      backoff = std::min(backoff * 2, absl::Seconds(2));
    }
  }
}

}  // namespace p06::db
