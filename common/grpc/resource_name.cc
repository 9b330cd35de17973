#include "common/grpc/resource_name.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/grpc/status_mapping.h"

namespace p06 {

bool IsValidResourceId(absl::string_view id) {
  if (id.size() < 2 || id.size() > 63) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0);
    if (!ok) return false;
  }
  return true;
}

bool IsValidResourceNumber(absl::string_view segment) {
  if (segment.empty() || segment.size() > 18 || segment[0] == '0') return false;
  for (char c : segment) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

absl::StatusOr<std::vector<std::string>> ParseResourceName(absl::string_view name, absl::string_view pattern,
                                                           absl::string_view field) {
  if (name.empty()) return InvalidField(field, absl::StrCat("required, of the form ", pattern));
  std::vector<absl::string_view> got = absl::StrSplit(name, '/');
  std::vector<absl::string_view> want = absl::StrSplit(pattern, '/');
  std::vector<std::string> ids;
  bool ok = got.size() == want.size();
  for (size_t i = 0; ok && i < want.size(); ++i) {
    if (want[i] == "*" || want[i] == "#") {
      ok = want[i] == "*" ? IsValidResourceId(got[i]) : IsValidResourceNumber(got[i]);
      ids.emplace_back(got[i]);
    } else {
      ok = got[i] == want[i];
    }
  }
  if (!ok) {
    return InvalidField(field, absl::StrCat("\"", name.substr(0, 200), "\" is not of the form ", pattern,
                                            " (ids: 2..63 of a-z, 0-9, -; numbers: 1 and up)"));
  }
  return ids;
}

std::string LastSegment(absl::string_view name) {
  size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

absl::StatusOr<std::string> ParseResourceId(absl::string_view name, absl::string_view pattern,
                                            absl::string_view field) {
  absl::StatusOr<std::vector<std::string>> ids = ParseResourceName(name, pattern, field);
  if (!ids.ok()) return ids.status();
  return ids->back();
}

}  // namespace p06
