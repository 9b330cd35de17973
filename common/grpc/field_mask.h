// Partial updates (AIP-134): validate an update_mask against the writable fields,
// then copy those fields from the request's resource onto the stored one.
#pragma once

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/message.h>

#include <set>
#include <string>

#include "absl/status/status.h"

namespace p06 {

// INVALID_ARGUMENT naming update_mask when it is empty or names a path outside
// `writable` (top-level field names).
absl::Status ValidateUpdateMask(const google::protobuf::FieldMask& mask, const std::set<std::string>& writable);

// Copies the masked fields of `from` into `to`; repeated and message fields are
// replaced, not appended or merged.
void ApplyUpdateMask(const google::protobuf::Message& from, const google::protobuf::FieldMask& mask,
                     google::protobuf::Message* to);

}  // namespace p06
