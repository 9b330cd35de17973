#include "common/grpc/field_mask.h"

#include <google/protobuf/util/field_mask_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/grpc/status_mapping.h"

namespace p06 {

absl::Status ValidateUpdateMask(const google::protobuf::FieldMask& mask, const std::set<std::string>& writable) {
  if (mask.paths().empty()) {
    return InvalidField("update_mask", absl::StrCat("required; writable fields: ", absl::StrJoin(writable, ", ")));
  }
  for (const std::string& path : mask.paths()) {
    if (!writable.contains(path)) {
      return InvalidField("update_mask",
                          absl::StrCat("\"", path.substr(0, 100),
                                       "\" is not a writable field; writable: ", absl::StrJoin(writable, ", ")));
    }
  }
  return absl::OkStatus();
}

void ApplyUpdateMask(const google::protobuf::Message& from, const google::protobuf::FieldMask& mask,
                     google::protobuf::Message* to) {
  google::protobuf::util::FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(from, mask, options, to);
}

}  // namespace p06
