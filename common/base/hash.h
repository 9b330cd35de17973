// A stable 64-bit hash (FNV-1a): the same bytes hash the same in every process and
// version, unlike absl::Hash or std::hash. For fingerprints stored in the database.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace p06 {

inline uint64_t StableHash64(absl::string_view bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

inline std::string StableHashHex(absl::string_view bytes) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(StableHash64(bytes)));
  return buf;
}

}  // namespace p06
