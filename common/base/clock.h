// An injectable clock, so that deadline and overdue logic is testable without sleeping.
#pragma once


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
  // A process-wide instance for production wiring; tests inject tests/harness/fake_clock.h instead.
  static const Clock& Get() {
    static const SystemClock kClock;
    return kClock;
  }
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
