// Page tokens for List methods (AIP-158): opaque to clients, bound to the query they
// came from, so a token reused with other filters is refused.
#pragma once

#include "absl/strings/string_view.h"
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace p06 {

struct PageRequest {
  int size = 0;           // Rows to return.
  std::string after_key;  // Resume after this sort key; empty for the first page.
};

struct PageLimits {
  int default_size = 50;
  int max_size = 500;
};

// `query_fingerprint` identifies the filters of the request (everything but the page
// fields). Errors: INVALID_ARGUMENT naming page_size (negative) or page_token
// (malformed, or from another query).
absl::StatusOr<PageRequest> ParsePageRequest(int page_size, absl::string_view page_token,
                                             absl::string_view query_fingerprint, PageLimits limits = {});

// The token that resumes after `last_key` under the same query.
std::string MakePageToken(absl::string_view last_key, absl::string_view query_fingerprint);

}  // namespace p06
