// Validation and normalisation of what clients send. Pure functions; every error is
// INVALID_ARGUMENT naming the field with the given prefix ("unit.code").
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "p06/directory/v1/directory.pb.h"

namespace p06::directory {

inline constexpr size_t kMaxNameBytes = 300;
inline constexpr int kMaxAliases = 50;
inline constexpr int kMaxEndpoints = 20;
inline constexpr int kMaxMembers = 500;

// NFC-normalises a name in place; refuses empty, over-long, letterless, non-UTF-8.
absl::Status NormalizeName(std::string* text, const std::string& field);

// Checks the writable fields of `unit`, normalising its texts.
absl::Status NormalizeAndValidateUnit(v1::Unit& unit, absl::string_view prefix);

absl::Status NormalizeAndValidateAliases(google::protobuf::RepeatedPtrField<v1::Alias>* aliases,
                                         const std::string& field);

absl::Status NormalizeAndValidateGroup(v1::Group& group, absl::string_view prefix);

absl::Status NormalizeAndValidateContact(v1::Contact& contact, absl::string_view prefix);

// The folded text ListUnits searches: code, display name and aliases.
std::string UnitSearchText(const v1::Unit& unit);

}  // namespace p06::directory
