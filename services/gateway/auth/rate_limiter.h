// A token bucket per principal: `rate` requests a second on average, bursts of
// `burst`. The answer to a refused request says when to come back (Retry-After).
#pragma once

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace p06::gateway {

class RateLimiter {
 public:
  // rate <= 0 disables the limit.
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}

  // Zero when `key` may go on now, else how long it should wait.
  absl::Duration Acquire(const std::string& key, absl::Time now = absl::Now());

  // A wait as the value of a Retry-After header (REST) or retry-after trailer (gRPC):
  // whole seconds, at least 1.
  static std::string RetryAfterSeconds(absl::Duration wait);

 private:
  struct Bucket {
    double tokens;
    absl::Time refilled;
  };
  static constexpr size_t kMaxKeys = 100000;  // Beyond, full buckets are forgotten.
  const double rate_;
  const double burst_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace p06::gateway
