// The one shape of a bad-input error, used at every layer: INVALID_ARGUMENT whose
// message starts with the offending field ("report.percent_complete: must be 0..100"),
// so a client (and the gateway's error body) can point at it.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace p06 {

inline absl::Status InvalidField(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

}  // namespace p06
