// NotificationStore on PostgreSQL (schema "notification", see ../schema/).
#pragma once

#include <pqxx/pqxx>

#include "common/calendar/working_calendar.h"
#include "common/db/pool.h"
#include "services/notification/planning/delivery_window.h"
#include "services/notification/storage/notification_store.h"

namespace p06::notification {

class PgNotificationStore final : public NotificationStore {
 public:
  PgNotificationStore(db::Pool& pool, const calendar::WorkingCalendar& calendar, DeliveryWindow window)
      : pool_(pool), calendar_(calendar), window_(window) {}

  absl::StatusOr<events::ConsumerState> State() override;
  absl::Status Apply(const std::string& expected_cursor, const std::vector<tpb::Event>& events, bool caught_up,
                     absl::Time now) override;
  absl::Status Skip(const std::string& expected_cursor, const tpb::Event& event, const std::string& error,
                    absl::Time now) override;
  absl::Status Rebuild(const std::string& expected_cursor, const std::vector<tpb::Event>& current) override;
  absl::StatusOr<int64_t> ReplanAll() override;

  absl::StatusOr<std::vector<pb::Rule>> ListRules(const std::string& after_id, int limit) override;
  absl::StatusOr<pb::Rule> GetRule(const std::string& id) override;
  absl::StatusOr<pb::Rule> CreateRule(const pb::CreateRuleRequest& request, const std::string& caller,
                                      absl::Time now) override;
  absl::StatusOr<pb::Rule> UpdateRule(const pb::UpdateRuleRequest& request, const std::string& caller, absl::Time now,
                                      const std::function<absl::Status(pb::Rule&)>& apply) override;

  absl::StatusOr<int> FireDue(absl::Time now, int limit, const FireFn& fire) override;
  absl::StatusOr<std::vector<ClaimedDelivery>> ClaimDeliveries(absl::Time now, int limit, int per_address,
                                                                const std::vector<std::string>& saturated,
                                                                absl::Duration lease) override;
  absl::StatusOr<pb::Delivery::State> RecordOutcome(const ClaimedDelivery& delivery, const AttemptOutcome& outcome,
                                                    absl::Time now) override;
  absl::StatusOr<QueueStats> Queue(absl::Time now) override;
  absl::StatusOr<std::vector<pb::Delivery>> ListDeliveries(const DeliveryFilter& filter, int64_t before_id,
                                                           int limit) override;
  absl::StatusOr<pb::Delivery> RetryDelivery(const pb::RetryDeliveryRequest& request, int64_t id,
                                             const std::string& caller, int fresh_budget, absl::Time now) override;

  absl::StatusOr<std::vector<pb::Notification>> ListInbox(const std::string& unit, bool unread_only,
                                                          const std::string& after_key, int limit) override;
  absl::StatusOr<pb::Notification> GetNotification(const std::string& id) override;
  absl::StatusOr<pb::Notification> MarkRead(const std::string& id, absl::Time now) override;

  absl::StatusOr<pb::WebhookSecret> RotateSecret(const pb::RotateWebhookSecretRequest& request,
                                                 const std::string& caller, absl::Time now,
                                                 absl::Duration previous_valid,
                                                 const std::function<std::string()>& make_secret) override;
  absl::StatusOr<std::vector<std::string>> SecretsFor(const std::string& url, absl::Time now) override;
  absl::StatusOr<std::vector<pb::Notice>> ListNotices(const std::string& parent, const std::string& after_key,
                                                      int limit) override;

 private:
  // Plans the occurrences of `tasks` again, in `tx`; returns the notices written.
  int64_t Replan(pqxx::work& tx, const std::vector<std::string>& tasks);
  // Replan of every task with an open occurrence (a rule changed, or at start).
  int64_t ReplanEveryTask(pqxx::work& tx);

  db::Pool& pool_;
  const calendar::WorkingCalendar& calendar_;
  const DeliveryWindow window_;
};

}  // namespace p06::notification
