// The words of a notification, in Vietnamese, and its webhook body. Pure.
#pragma once

#include <string>

#include "p06/notification/v1/notification.pb.h"
#include "services/notification/planning/occurrence_facts.h"

namespace p06::notification {

namespace pb = ::p06::notification::v1;

struct MessageText {
  std::string subject, body;
};

// `unit_display_name` is whom it is addressed to; `working_days` the rule's.
MessageText ComposeText(pb::Rule::Kind kind, int working_days, const OccurrenceFacts& occurrence,
                        const std::string& unit_display_name, const std::string& notification_id);
// {"type": "p06.notification.reminder" | "p06.notification.escalation",
//  "timestamp": RFC 3339, "data": the Notification as proto JSON}: the Standard
// Webhooks payload shape.
std::string WebhookPayload(const pb::Notification& notification);
// One message listing several notifications for one address (a daily digest).
MessageText ComposeDigest(const std::vector<MessageText>& items, const std::string& digest_id);

}  // namespace p06::notification
