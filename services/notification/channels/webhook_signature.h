// Standard Webhooks signatures (https://www.standardwebhooks.com/): the headers
// webhook-id, webhook-timestamp (Unix seconds) and webhook-signature, which is
// "v1,<base64 HMAC-SHA256 of '<id>.<timestamp>.<body>'>" for each valid secret,
// separated by spaces. A secret is "whsec_" + base64 of its key bytes.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace p06::notification {

// "v1,<base64>" for one secret; INVALID_ARGUMENT for a secret that is not
// "whsec_" + base64.
absl::StatusOr<std::string> SignWebhook(absl::string_view secret, absl::string_view id, int64_t timestamp,
                                        absl::string_view body);
// The webhook-signature header for every secret, space-separated.
absl::StatusOr<std::string> SignatureHeader(const std::vector<std::string>& secrets, absl::string_view id,
                                            int64_t timestamp, absl::string_view body);
// A new secret: "whsec_" + base64 of 32 bytes from OpenSSL's RAND_bytes.
std::string NewWebhookSecret();

}  // namespace p06::notification
