#include "common/grpc/request_id.h"

#include "absl/random/random.h"
#include "absl/strings/str_format.h"

namespace p06 {

std::string NewRequestId() {
  thread_local absl::BitGen gen;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(gen), absl::Uniform<uint64_t>(gen));
}

std::string RequestIdOf(const grpc::ServerContextBase& ctx) {
  auto it = ctx.client_metadata().find(kRequestIdHeader);
  if (it == ctx.client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace p06
