// Decides what a batch of due notices sends (the FireFn of NotificationStore::FireDue):
//
// - Per occurrence and kind, only the latest step fires: of reminders the one
//   closest to the due date, of escalations the highest; the others are superseded
//   (the service was down, or the plan came in late: one notice, not a burst).
// - A reminder whose due date has already passed is superseded: escalations speak now.
// - Recipients come from the directory at this moment: the rule's units (groups
//   expanded, units switched off for the rule left out), their endpoints for the
//   rule's channels, and for focal-point and head steps their contacts' e-mail.
// - One notification per (rule, occurrence, unit), its id stable (NotificationId).
#pragma once

#include <map>

#include "absl/time/time.h"
#include "p06/notification/v1/notification.pb.h"
#include "services/notification/delivery/recipients.h"
#include "services/notification/storage/notification_store.h"

namespace p06::notification {

struct FireOptions {
  int budget = 8;  // Attempts per delivery before FAILED.
};

absl::StatusOr<FireOutcome> DecideFiring(const std::vector<DueNotice>& due, const std::map<std::string, pb::Rule>& rules,
                                         RecipientDirectory& directory, absl::Time now, const FireOptions& options);

}  // namespace p06::notification
