#include "services/task/event_waiter.h"

#include "services/task/storage/pg_events.h"

namespace p06::task {

EventWaiter::EventWaiter(std::string listen_conninfo, absl::Duration idle_wake)
    : listener_(std::move(listen_conninfo), pg::kEventsChannel, idle_wake, [this] { Wake(); }) {}

uint64_t EventWaiter::Generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

bool EventWaiter::WaitChanged(uint64_t seen, absl::Duration timeout) {
  std::unique_lock lock(mu_);
  changed_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return generation_ != seen || stopped_; });
  return generation_ != seen && !stopped_;
}

bool EventWaiter::WaitToReadAgain(uint64_t seen, bool held_back, const std::function<bool()>& give_up) {
  while (!WaitChanged(seen, held_back ? kHeldBackRetry : absl::Milliseconds(200))) {
    if (Stopped() || give_up()) return false;
    if (held_back) return true;
  }
  return true;
}

void EventWaiter::Stop() {
  std::lock_guard lock(mu_);
  stopped_ = true;
  changed_.notify_all();
}

bool EventWaiter::Stopped() const {
  std::lock_guard lock(mu_);
  return stopped_;
}

void EventWaiter::Wake() {
  std::lock_guard lock(mu_);
  ++generation_;
  changed_.notify_all();
}

}  // namespace p06::task
