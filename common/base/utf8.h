// Text from outside (a receiver's answer, an error from a library) made safe to store
// in a PostgreSQL text column, which refuses invalid UTF-8: each invalid byte becomes
// U+FFFD, and the result is cut at `max_bytes` without splitting a character.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace p06 {

inline std::string ValidUtf8(absl::string_view in, size_t max_bytes = std::string::npos) {
  std::string out;
  out.reserve(std::min(in.size(), max_bytes));
  size_t i = 0;
  while (i < in.size()) {
    const auto c = static_cast<unsigned char>(in[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = n > 0 && i + n <= in.size() && c != 0;
    for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(in[i + k]) & 0xC0) == 0x80;
    if (ok && n == 2) ok = c >= 0xC2;  // No overlong forms.
    if (ok && n == 3) {
      const auto c1 = static_cast<unsigned char>(in[i + 1]);
      ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);  // Overlong; surrogates.
    }
    if (ok && n == 4) {
      const auto c1 = static_cast<unsigned char>(in[i + 1]);
      ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90) && c <= 0xF4;
    }
    const absl::string_view piece = ok ? in.substr(i, n) : absl::string_view("\xEF\xBF\xBD");
    if (out.size() + piece.size() > max_bytes) break;
    out.append(piece.data(), piece.size());
    i += ok ? n : 1;
  }
  return out;
}

// Whether `in` is valid UTF-8 without NUL bytes (ValidUtf8 would change nothing).
inline bool IsValidUtf8(absl::string_view in) { return ValidUtf8(in) == in; }

}  // namespace p06
