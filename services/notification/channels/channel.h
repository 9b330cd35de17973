// The channels that carry a notification out of the service: a webhook (signed JSON
// over HTTP, Standard Webhooks), e-mail (SMTP) and the in-app inbox (stored, not
// sent: it has no sender). A sender makes one attempt; the delivery worker
// (delivery/delivery_worker.h) decides on retries, back-off and pausing.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace p06::notification {

// One message to one address.
struct OutgoingMessage {
  std::string id;       // Stable: the receiver's de-duplication key ("ntf-…" or "dgst-…").
  std::string address;  // The URL or e-mail address.
  std::string subject;  // UTF-8, Vietnamese.
  std::string text;     // Plain-text body (UTF-8), for e-mail.
  std::string json;     // JSON body, for webhooks.
};

// The outcome of one attempt. Any error is retried by the worker (a receiver that
// answers 4xx may be fixed by its owner); `permanent` marks one that cannot succeed
// as addressed (a refused address), which fails the delivery at once.
struct SendResult {
  absl::Status status;
  bool permanent = false;
};

class Sender {
 public:
  virtual ~Sender() = default;
  // Thread-safe; never throws; returns within the sender's timeout.
  virtual SendResult Send(const OutgoingMessage& message) = 0;
};

}  // namespace p06::notification
