// Reading a whole file, the one way the suite does it (keys, JWKS, certificates,
// plans, data files).
#pragma once

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace p06 {

// The file's bytes; NOT_FOUND or PERMISSION_DENIED/UNAVAILABLE naming the path and the
// system's reason when it cannot be read.
inline absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int e = errno;
    const std::string why = absl::StrCat("cannot read ", path, ": ", std::strerror(e));
    if (e == ENOENT) return absl::NotFoundError(why);
    if (e == EACCES) return absl::PermissionDeniedError(why);
    return absl::UnavailableError(why);
  }
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return absl::UnavailableError(absl::StrCat("cannot read ", path, ": read error"));
  return bytes.str();
}

}  // namespace p06
