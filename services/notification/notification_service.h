// The notification service's logic, apart from the gRPC wiring: rules (validated,
// stored, every pending notice planned again), the calendar, the inbox, the delivery
// log and its retries, webhook secrets, and the planned notices.
//
// Thread-safe. Codes as documented in proto/p06/notification/v1/notification.proto.
#pragma once

#include "absl/status/statusor.h"
#include "common/base/clock.h"
#include "common/calendar/working_calendar.h"
#include "common/grpc/principal.h"
#include "services/notification/channels/address_policy.h"
#include "services/notification/storage/notification_store.h"

namespace p06::notification {

class NotificationService {
 public:
  NotificationService(NotificationStore& store, const calendar::WorkingCalendar& calendar,
                      const AddressPolicy& policy, const Clock& clock, int budget)
      : store_(store), calendar_(calendar), policy_(policy), clock_(clock), budget_(budget) {}

  absl::StatusOr<pb::ListRulesResponse> ListRules(const pb::ListRulesRequest& request);
  absl::StatusOr<pb::Rule> GetRule(const pb::GetRuleRequest& request);
  absl::StatusOr<pb::Rule> CreateRule(const pb::CreateRuleRequest& request, const Principal& caller);
  absl::StatusOr<pb::Rule> UpdateRule(const pb::UpdateRuleRequest& request, const Principal& caller);
  absl::StatusOr<pb::Calendar> GetCalendar(const pb::GetCalendarRequest& request);
  absl::StatusOr<pb::ListInboxResponse> ListInbox(const pb::ListInboxRequest& request, const Principal& caller);
  absl::StatusOr<pb::Notification> MarkRead(const pb::MarkReadRequest& request, const Principal& caller);
  absl::StatusOr<pb::ListDeliveriesResponse> ListDeliveries(const pb::ListDeliveriesRequest& request,
                                                             const Principal& caller);
  absl::StatusOr<pb::Delivery> RetryDelivery(const pb::RetryDeliveryRequest& request, const Principal& caller);
  absl::StatusOr<pb::WebhookSecret> RotateWebhookSecret(const pb::RotateWebhookSecretRequest& request,
                                                        const Principal& caller);
  absl::StatusOr<pb::ListNoticesResponse> ListNotices(const pb::ListNoticesRequest& request);

 private:
  NotificationStore& store_;
  const calendar::WorkingCalendar& calendar_;
  const AddressPolicy& policy_;
  const Clock& clock_;
  const int budget_;
};

// INVALID_ARGUMENT naming the first bad field of `rule` (prefix "rule.").
absl::Status ValidateRule(const pb::Rule& rule);

}  // namespace p06::notification
