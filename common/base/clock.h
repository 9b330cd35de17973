// An injectable clock, so that deadline and overdue logic is testable without sleeping.
#pragma once

#include <mutex>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace p06 {

// Thread-safe source of the current time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The real wall clock.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  // A process-wide instance for production wiring; tests inject a FakeClock instead.
  static const Clock& Get() {
    static const SystemClock kClock;
    return kClock;
  }
};

// A clock that only moves when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  void Set(absl::Time t) {
    std::lock_guard lock(mu_);
    now_ = t;
  }
  void Advance(absl::Duration d) {
    std::lock_guard lock(mu_);
    now_ += d;
  }

 private:
  mutable std::mutex mu_;
  absl::Time now_;
};

// Today's calendar date where the ministry works (Asia/Ho_Chi_Minh, UTC+7, no DST):
// what due dates and "overdue" are measured against.
inline absl::CivilDay TodayInVietnam(const Clock& clock) {
  static const absl::TimeZone kVietnam = [] {
    absl::TimeZone tz;
    return absl::LoadTimeZone("Asia/Ho_Chi_Minh", &tz) ? tz : absl::FixedTimeZone(7 * 3600);
  }();
  return absl::ToCivilDay(clock.Now(), kVietnam);
}

}  // namespace p06
