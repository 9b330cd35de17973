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

// Where the ministry works: Asia/Ho_Chi_Minh (UTC+7, no DST, also without tzdata).
inline absl::TimeZone VietnamTimeZone() {
  static const absl::TimeZone kVietnam = [] {
    absl::TimeZone tz;
    return absl::LoadTimeZone("Asia/Ho_Chi_Minh", &tz) ? tz : absl::FixedTimeZone(7 * 3600);
  }();
  return kVietnam;
}

// Today's calendar date there: what due dates and "overdue" are measured against.
inline absl::CivilDay TodayInVietnam(const Clock& clock) { return absl::ToCivilDay(clock.Now(), VietnamTimeZone()); }

}  // namespace p06
