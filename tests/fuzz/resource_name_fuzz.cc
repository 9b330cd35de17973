// Fuzz target: resource names (common/grpc/resource_name.h).
//
// The input is a name as a client sends it, parsed against every pattern the services
// use. Invariants:
//   - IsValidResourceId is exactly "2..63 of [a-z0-9-], not starting with '-'" and
//     IsValidResourceNumber exactly "1..18 digits, not starting with '0'";
//   - ParseResourceName answers OK or INVALID_ARGUMENT; on OK there is one segment per
//     wildcard, each valid for its wildcard, and putting them back into the pattern
//     gives the name again; ParseResourceId and LastSegment agree with the last one;
//   - LastSegment is the text after the last '/', or the whole name.
// When the input has a line end, the part before it is also tried as a pattern (OK or
// INVALID_ARGUMENT, one segment per wildcard); ParseResourceId is not called for such
// patterns, because it requires one with a wildcard.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/grpc/resource_name.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

// Every pattern the services parse names with (grep ParseResourceName/Id).
constexpr const char* kPatterns[] = {"units/*", "groups/*", "plans/*", "plans/*/tasks/#", "units/*/contacts/#"};

bool IsIdBySpec(absl::string_view s) {
  if (s.size() < 2 || s.size() > 63 || s[0] == '-') return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool IsNumberBySpec(absl::string_view s) {
  if (s.empty() || s.size() > 18 || s[0] == '0') return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Parses `name` against `pattern`; returns the segments when it matched.
absl::StatusOr<std::vector<std::string>> CheckParse(absl::string_view name, absl::string_view pattern) {
  absl::StatusOr<std::vector<std::string>> ids = p06::ParseResourceName(name, pattern, "name");
  FUZZ_CHECK(ids.ok() || ids.status().code() == absl::StatusCode::kInvalidArgument);
  if (!ids.ok()) return ids;
  std::vector<std::string> rebuilt;
  size_t next = 0;
  for (absl::string_view want : absl::StrSplit(pattern, '/')) {
    if (want == "*" || want == "#") {
      FUZZ_CHECK(next < ids->size());
      const std::string& id = (*ids)[next++];
      FUZZ_CHECK(want == "*" ? p06::IsValidResourceId(id) : p06::IsValidResourceNumber(id));
      rebuilt.push_back(id);
    } else {
      rebuilt.emplace_back(want);
    }
  }
  FUZZ_CHECK(next == ids->size());
  FUZZ_CHECK(absl::StrJoin(rebuilt, "/") == name);
  return ids;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view in(reinterpret_cast<const char*>(data), size);

  FUZZ_CHECK(p06::IsValidResourceId(in) == IsIdBySpec(in));
  FUZZ_CHECK(p06::IsValidResourceNumber(in) == IsNumberBySpec(in));

  const std::string last = p06::LastSegment(in);
  FUZZ_CHECK(last.find('/') == std::string::npos);
  FUZZ_CHECK(absl::EndsWith(in, last));
  if (in.find('/') != absl::string_view::npos) {
    FUZZ_CHECK(in[in.size() - last.size() - 1] == '/');
  } else {
    FUZZ_CHECK(last == in);
  }

  for (const char* pattern : kPatterns) {
    absl::StatusOr<std::vector<std::string>> ids = CheckParse(in, pattern);
    absl::StatusOr<std::string> id = p06::ParseResourceId(in, pattern, "name");
    FUZZ_CHECK(id.ok() == ids.ok());
    if (!ids.ok()) {
      FUZZ_CHECK(id.status().code() == absl::StatusCode::kInvalidArgument);
      continue;
    }
    FUZZ_CHECK(*id == ids->back() && last == ids->back());
  }

  const size_t newline = in.find('\n');
  if (newline != absl::string_view::npos) CheckParse(in.substr(newline + 1), in.substr(0, newline)).IgnoreError();
  return 0;
}
