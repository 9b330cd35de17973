// What a request id may look like, wherever one arrives: in x-request-id metadata
// (common/grpc/request_id.h) or as a mutation's request_id (common/db/idempotency.h).
#pragma once

#include <cstddef>

#include "absl/strings/string_view.h"

namespace p06 {

inline constexpr size_t kMaxRequestIdLength = 128;

// 1..128 printable ASCII characters without spaces.
inline bool IsValidRequestId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

}  // namespace p06
