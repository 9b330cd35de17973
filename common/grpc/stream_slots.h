// Bounds the long-lived streams (WatchEvents) a synchronous gRPC server holds: each
// holds one of the server's threads for as long as its client stays, so without a
// bound 200 idle watchers cost 200 threads. A stream past the bound is refused with
// RESOURCE_EXHAUSTED at once, and counted.
//
// Thread-safe.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>

#include <atomic>

#include "absl/status/statusor.h"

namespace p06 {

class StreamSlots {
 public:
  // `open` follows the streams held; `refused` counts the streams turned away.
  StreamSlots(int max_streams, prometheus::Gauge& open, prometheus::Counter& refused)
      : max_(max_streams), open_(open), refused_(refused) {}

  // A held slot, given back when it is destroyed.
  class Slot {
   public:
    Slot(Slot&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (owner_ != nullptr) owner_->Release();
    }

   private:
    friend class StreamSlots;
    explicit Slot(StreamSlots* owner) : owner_(owner) {}
    StreamSlots* owner_;
  };

  // RESOURCE_EXHAUSTED when every slot is taken.
  absl::StatusOr<Slot> Take();

 private:
  void Release();

  const int max_;
  std::atomic<int> held_{0};
  prometheus::Gauge& open_;
  prometheus::Counter& refused_;
};

}  // namespace p06
