// Validation and normalisation of units as clients send them. Pure functions.
#pragma once

#include "absl/strings/string_view.h"
#include <string>

#include "absl/status/status.h"
#include "p06/directory/v1/directory.pb.h"

namespace p06::directory {

inline constexpr size_t kMaxNameBytes = 300;
inline constexpr int kMaxAliases = 50;
inline constexpr int kMaxEndpoints = 20;

// NFC-normalises and checks the writable fields of `unit` (prefix names the field in
// errors, e.g. "unit"). INVALID_ARGUMENT naming the first bad field.
absl::Status NormalizeAndValidateUnit(v1::Unit& unit, absl::string_view prefix);

// The folded text ListUnits searches: code, display name and aliases.
std::string UnitSearchText(const v1::Unit& unit);

}  // namespace p06::directory
