#include "common/grpc/request_id.h"

#include "absl/random/random.h"
#include "absl/strings/str_format.h"

namespace p06 {

std::string NewRequestId() {
  thread_local absl::BitGen gen;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(gen), absl::Uniform<uint64_t>(gen));
}

bool IsValidRequestId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

std::string RequestIdOf(const grpc::ServerContextBase& ctx) {
  auto it = ctx.client_metadata().find(kRequestIdHeader);
  if (it == ctx.client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace p06
