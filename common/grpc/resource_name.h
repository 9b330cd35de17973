// Resource names (AIP-122): "units/vpb", "plans/910-qd-btp-2025/tasks/12".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace p06 {

// True for 2..63 characters of [a-z0-9-] starting with a letter or digit.
bool IsValidResourceId(absl::string_view id);

// Parses `name` against `pattern` ("units/*", "plans/*/tasks/#") and returns the
// segments matched by `*` (an id) and `#` (a positive number, as digits), in order.
// INVALID_ARGUMENT naming `field` when it does not match.
absl::StatusOr<std::vector<std::string>> ParseResourceName(absl::string_view name, absl::string_view pattern,
                                                           absl::string_view field);

// A positive decimal number of at most 18 digits, as in "tasks/12".
bool IsValidResourceNumber(absl::string_view segment);

// The last segment of a resource name: "units/vpb" → "vpb",
// "units/vpb/contacts/12" → "12"; a name without "/" is returned whole.
std::string LastSegment(absl::string_view name);

// Shorthand for single-id patterns.
absl::StatusOr<std::string> ParseResourceId(absl::string_view name, absl::string_view pattern, absl::string_view field);

}  // namespace p06
