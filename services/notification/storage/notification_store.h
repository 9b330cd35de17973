// Storage of the notification service: its schedule (fed by the event consumer), its
// rules, notifications, the delivery outbox and webhook secrets. The interface the
// logic and the workers depend on; SQL lives only in pg_notification_store.cc. Every
// method is one transaction.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/events/event_sink.h"
#include "p06/notification/v1/notification.pb.h"
#include "services/notification/planning/notice_planner.h"
#include "services/notification/planning/occurrence_facts.h"

namespace p06::notification {

// A pending notice whose fire time has come, with what it is about.
struct DueNotice {
  std::string rule_id;
  pb::Rule::Kind kind = pb::Rule::KIND_UNSPECIFIED;
  int working_days = 0;
  absl::Time fire_time;
  OccurrenceFacts occurrence;
};

struct NewDelivery {
  pb::Channel channel = pb::CHANNEL_UNSPECIFIED;
  std::string address;  // "" for INBOX.
  bool digest = false;
  int budget = 8;       // Attempts before it is FAILED.
};

struct NewNotification {
  std::string id;  // Stable: NotificationId(rule, occurrence, unit).
  std::string unit, occurrence, task, rule_id;
  pb::Rule::Kind kind = pb::Rule::KIND_UNSPECIFIED;
  absl::CivilDay due;
  std::string subject, body, payload;
  bool in_inbox = false;
  std::vector<NewDelivery> deliveries;  // INBOX ones are recorded as delivered at once.
};

// What the firing of a batch of due notices comes to (decided outside the store:
// recipients come from the directory).
struct FireOutcome {
  std::vector<const DueNotice*> fired, superseded;
  std::vector<NewNotification> notifications;
};
// `rules` are read in the same transaction as the notices they fire.
using FireFn = std::function<absl::StatusOr<FireOutcome>(const std::vector<DueNotice>& due,
                                                         const std::vector<pb::Rule>& rules)>;

// A delivery claimed by a worker, leased until it records the outcome.
struct ClaimedDelivery {
  int64_t id = 0;
  int64_t claim_token = 0;  // Fences the outcome: a later claim of the same row has another.
  absl::Time lease_until;   // Not to be sent after this: another worker may have it by then.
  std::string notification_id;
  pb::Channel channel = pb::CHANNEL_UNSPECIFIED;
  std::string address;
  bool digest = false;
  int attempts = 0;  // Including this one.
  int budget = 0;
  absl::Time due_time;
  std::string subject, body, payload;
};

// How one attempt ended, as the worker decided.
struct AttemptOutcome {
  bool delivered = false;
  bool failed = false;             // Cannot succeed (a refused address): FAILED now, whatever the budget.
  bool released = false;           // Not sent (its endpoint is paused): the attempt is given back.
  bool count_endpoint = true;      // Counts for or against its endpoint (once per message sent).
  std::string error;
  absl::Time next_attempt_time;    // When not delivered and not failed.
  int pause_after_failures = 5;    // Consecutive failures that pause the endpoint…
  absl::Duration pause_for = absl::Minutes(5);  // …for this long.
};

struct DeliveryFilter {
  pb::Delivery::State state = pb::Delivery::STATE_UNSPECIFIED;
  pb::Channel channel = pb::CHANNEL_UNSPECIFIED;
  std::string notification_id;  // "" for all.
};

class NotificationStore : public events::EventSink {
 public:
  // EventSink: occurrences and their notices, planned again as events change them.

  // Plans every open occurrence again with the current rules (at start, after a
  // calendar or rule change); returns how many notices changed.
  virtual absl::StatusOr<int64_t> ReplanAll() = 0;

  // Rules. Create and Update plan every open occurrence again in their transaction.
  virtual absl::StatusOr<std::vector<pb::Rule>> ListRules(const std::string& after_id, int limit) = 0;
  virtual absl::StatusOr<pb::Rule> GetRule(const std::string& id) = 0;                       // NOT_FOUND.
  virtual absl::StatusOr<pb::Rule> CreateRule(const pb::CreateRuleRequest& request, const std::string& caller,
                                              absl::Time now) = 0;                               // ALREADY_EXISTS.
  // `apply` changes the stored rule (the masked fields); NOT_FOUND, ABORTED (etag).
  virtual absl::StatusOr<pb::Rule> UpdateRule(const pb::UpdateRuleRequest& request, const std::string& caller,
                                              absl::Time now,
                                              const std::function<absl::Status(pb::Rule&)>& apply) = 0;

  // Claims the due notices of up to `limit` occurrences (the occurrences' rows locked
  // FOR UPDATE SKIP LOCKED: replicas share the work, and each sees all due notices of
  // the occurrences it has), and stores what `fire` decides, in one transaction.
  // Returns how many notices it settled.
  virtual absl::StatusOr<int> FireDue(absl::Time now, int limit, const FireFn& fire) = 0;

  // Claims up to `limit` due deliveries whose endpoint is not paused, at most
  // `per_address` of one address (a digest's all) and none of `saturated` (addresses
  // with their share already queued in this process), counting the attempt and leasing
  // them until now + lease. Deliveries whose attempts ran out without an outcome
  // (their workers died) become FAILED here.
  virtual absl::StatusOr<std::vector<ClaimedDelivery>> ClaimDeliveries(absl::Time now, int limit, int per_address,
                                                                        const std::vector<std::string>& saturated,
                                                                        absl::Duration lease) = 0;
  // Records how the attempt went, unless the delivery was claimed again since (its
  // lease ran out): then nothing is written. Updates the endpoint's failure count.
  // Returns the state written (UNSPECIFIED when fenced out).
  virtual absl::StatusOr<pb::Delivery::State> RecordOutcome(const ClaimedDelivery& delivery,
                                                            const AttemptOutcome& outcome, absl::Time now) = 0;
  // Pending deliveries and the due time of the oldest, for the metrics.
  struct QueueStats {
    int64_t pending = 0;
    std::optional<absl::Time> oldest_due;
  };
  virtual absl::StatusOr<QueueStats> Queue(absl::Time now) = 0;

  virtual absl::StatusOr<std::vector<pb::Delivery>> ListDeliveries(const DeliveryFilter& filter, int64_t before_id,
                                                                   int limit) = 0;
  // A fresh budget, due now, endpoint un-paused; idempotent by request_id.
  // NOT_FOUND, FAILED_PRECONDITION (delivered).
  virtual absl::StatusOr<pb::Delivery> RetryDelivery(const pb::RetryDeliveryRequest& request, int64_t id,
                                                     const std::string& caller, int fresh_budget,
                                                     absl::Time now) = 0;

  // Newest first; after (create_time, id) of the key; "" from the newest.
  virtual absl::StatusOr<std::vector<pb::Notification>> ListInbox(const std::string& unit, bool unread_only,
                                                                  const std::string& after_key, int limit) = 0;
  virtual absl::StatusOr<pb::Notification> GetNotification(const std::string& id) = 0;  // NOT_FOUND.
  virtual absl::StatusOr<pb::Notification> MarkRead(const std::string& id, absl::Time now) = 0;

  // The secret `make_secret` makes becomes current; the previous one expires at
  // now + previous_valid. Idempotent by request_id.
  virtual absl::StatusOr<pb::WebhookSecret> RotateSecret(const pb::RotateWebhookSecretRequest& request,
                                                         const std::string& caller, absl::Time now,
                                                         absl::Duration previous_valid,
                                                         const std::function<std::string()>& make_secret) = 0;
  // Valid at `now`, newest first.
  virtual absl::StatusOr<std::vector<std::string>> SecretsFor(const std::string& url, absl::Time now) = 0;

  // Of a task ("plans/p/tasks/t") or an occurrence, by fire time; after the key.
  virtual absl::StatusOr<std::vector<pb::Notice>> ListNotices(const std::string& parent, const std::string& after_key,
                                                              int limit) = 0;
};

// "ntf-" + 32 hex digits of SHA-256 over rule, occurrence and unit: the same inputs
// give the same id in every process, replica and replay.
std::string NotificationId(const std::string& rule_id, const std::string& occurrence, const std::string& unit);

}  // namespace p06::notification
