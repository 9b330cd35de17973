// Resource names (AIP-122): "units/vpb", "plans/910-qd-btp-2025/tasks/12".
#pragma once

#include "absl/strings/string_view.h"
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace p06 {

// True for 2..63 characters of [a-z0-9-] starting with a letter or digit.
bool IsValidResourceId(absl::string_view id);

// Parses `name` against `pattern` ("units/*", "units/*/contacts/*") and returns the
// ids matched by the stars. INVALID_ARGUMENT naming `field` when it does not match.
absl::StatusOr<std::vector<std::string>> ParseResourceName(absl::string_view name, absl::string_view pattern,
                                                           absl::string_view field);

// Shorthand for single-id patterns.
absl::StatusOr<std::string> ParseResourceId(absl::string_view name, absl::string_view pattern, absl::string_view field);

}  // namespace p06
