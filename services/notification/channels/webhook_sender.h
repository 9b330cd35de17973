// Sends a notification as a signed JSON POST with libcurl: the webhook-* headers of
// webhook_signature.h, Content-Type application/json, a connect and total timeout,
// no redirects followed, the target checked by AddressPolicy::CheckUrlTarget first.
// A 2xx answer is delivered; anything else (an HTTP error, a timeout, a closed
// connection) is an error to retry, with the status and the first 200 bytes of the
// answer in the message; a refused target is permanent.
#pragma once

#include <functional>

#include "absl/status/statusor.h"
#include "common/base/clock.h"
#include "services/notification/channels/address_policy.h"
#include "services/notification/channels/channel.h"

namespace p06::notification {

// The secrets valid now for a URL, newest first; an empty list fails the attempt
// (FAILED_PRECONDITION: nothing to sign with).
using SecretsFor = std::function<absl::StatusOr<std::vector<std::string>>(const std::string& url)>;

class WebhookSender final : public Sender {
 public:
  WebhookSender(const AddressPolicy& policy, SecretsFor secrets, const Clock& clock,
                absl::Duration timeout = absl::Seconds(10));
  SendResult Send(const OutgoingMessage& message) override;

 private:
  const AddressPolicy& policy_;
  SecretsFor secrets_;
  const Clock& clock_;
  absl::Duration timeout_;
};

}  // namespace p06::notification
