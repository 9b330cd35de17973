#include "common/db/listener.h"

#include <pqxx/pqxx>

#include "absl/time/clock.h"
#include "common/log/log.h"

namespace p06::db {
namespace {

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& conn, const std::string& channel, bool* notified)
      : pqxx::notification_receiver(conn, channel), notified_(notified) {}
  void operator()(const std::string&, int) override { *notified_ = true; }

 private:
  bool* notified_;
};

}  // namespace

Listener::Listener(std::string conninfo, std::string channel, absl::Duration idle_wake, std::function<void()> on_wake)
    : conninfo_(std::move(conninfo)),
      channel_(std::move(channel)),
      idle_wake_(idle_wake),
      on_wake_(std::move(on_wake)) {}

Listener::~Listener() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void Listener::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Listener::Run() {
  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<Receiver> receiver;
  bool notified = false;
  absl::Time next_idle_wake = absl::Now() + idle_wake_;
  absl::Duration backoff = absl::Milliseconds(100);
  while (!stop_) {
    try {
      if (conn == nullptr) {
        conn = std::make_unique<pqxx::connection>(conninfo_);
        receiver = std::make_unique<Receiver>(*conn, channel_, &notified);
        notified = true;  // What was notified while we were away is lost: wake anyway.
        backoff = absl::Milliseconds(100);
      }
      conn->await_notification(0, 200000);  // At most 200 ms, to notice stop_.
      if (notified || absl::Now() >= next_idle_wake) {
        notified = false;
        next_idle_wake = absl::Now() + idle_wake_;
        on_wake_();
      }
    } catch (const std::exception& e) {
      log::Warning("listener disconnected", {{"channel", channel_}, {"error", e.what()}});
      receiver.reset();
      conn.reset();
      for (absl::Time until = absl::Now() + backoff; !stop_ && absl::Now() < until;)
        absl::SleepFor(absl::Milliseconds(50));
      backoff = std::min(backoff * 2, absl::Seconds(5));
    }
  }
  receiver.reset();
}

}  // namespace p06::db
