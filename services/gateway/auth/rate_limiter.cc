#include "services/gateway/auth/rate_limiter.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace p06::gateway {

absl::Duration RateLimiter::Acquire(const std::string& key, absl::Time now) {
  if (rate_ <= 0) return absl::ZeroDuration();
  absl::MutexLock lock(&mu_);
  if (buckets_.size() >= kMaxKeys && !buckets_.contains(key)) {
    // Many principals at once (or forged subjects, which never get here: only verified
    // tokens are counted). Forget those that have refilled.
    absl::erase_if(buckets_, [&](const auto& kv) {
      return kv.second.tokens + absl::ToDoubleSeconds(now - kv.second.refilled) * rate_ >= burst_;
    });
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  b.tokens = std::min(burst_, b.tokens + std::max(0.0, absl::ToDoubleSeconds(now - b.refilled)) * rate_);
  b.refilled = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return absl::ZeroDuration();
  }
  return absl::Seconds((1 - b.tokens) / rate_);
}

std::string RateLimiter::RetryAfterSeconds(absl::Duration wait) {
  return absl::StrCat(std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1)))));
}

}  // namespace p06::gateway
