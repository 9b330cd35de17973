// LISTEN on a PostgreSQL channel from a thread of its own, as a wake-up signal only.
//
// `on_wake` runs (on the listener's thread) when a NOTIFY arrives, after every
// connect and reconnect (a notification sent while disconnected is lost, so the
// caller must re-check then), and after `idle_wake` with neither, as a last safety
// net. Reconnects with backoff after the server drops the connection.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "absl/time/time.h"

namespace p06::db {

class Listener {
 public:
  Listener(std::string conninfo, std::string channel, absl::Duration idle_wake, std::function<void()> on_wake);
  ~Listener();  // Stops and joins the thread.
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  void Start();

 private:
  void Run();

  const std::string conninfo_;
  const std::string channel_;
  const absl::Duration idle_wake_;
  const std::function<void()> on_wake_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace p06::db
