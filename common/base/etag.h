// Optimistic concurrency, one rule for every resource with an etag: a write that
// names an etag applies only to the version it was read at. Checked by the store,
// inside the write's transaction, against the row it locked.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace p06 {

// OK when `given` is empty (the caller does not care) or is `current`; ABORTED naming
// `field` and `resource` otherwise: read it again and redo the change.
inline absl::Status CheckEtag(absl::string_view given, absl::string_view current, absl::string_view resource,
                              absl::string_view field) {
  if (given.empty() || given == current) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat(field, ": ", resource, " changed since it was read; read it again"));
}

}  // namespace p06
