// Wakes WatchEvents streams when events may have committed: on NOTIFY task_events,
// after the listener reconnects, and every `idle_wake` as a safety net. Streams then
// read the outbox; a wake-up carries no data, so a lost one costs only latency.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "absl/time/time.h"
#include "common/db/listener.h"

namespace p06::task {

// How soon a reader whose events were held back looks again.
inline constexpr absl::Duration kHeldBackRetry = absl::Milliseconds(5);

class EventWaiter {
 public:
  EventWaiter(std::string listen_conninfo, absl::Duration idle_wake = absl::Seconds(5));
  void Start() { listener_.Start(); }

  // A counter that moves on every wake-up; read it before reading the outbox.
  uint64_t Generation() const;
  // True once the counter has moved past `seen`, false after `timeout` or when stopped.
  bool WaitChanged(uint64_t seen, absl::Duration timeout);
  // After a read of the outbox that found nothing to deliver: true when it is time to
  // read again, i.e. the counter moved past `seen`, or `held_back` (the read met
  // events waiting for an older open transaction, which may end without any
  // notification) and kHeldBackRetry passed. False when stopped or `give_up()`,
  // which is asked every 200 ms.
  bool WaitToReadAgain(uint64_t seen, bool held_back, const std::function<bool()>& give_up);
  // Ends every wait for good: the server is draining.
  void Stop();
  bool Stopped() const;

 private:
  void Wake();

  mutable std::mutex mu_;
  std::condition_variable changed_;
  uint64_t generation_ = 0;
  bool stopped_ = false;
  db::Listener listener_;  // Last: stops first.
};

}  // namespace p06::task
