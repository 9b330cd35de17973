// The outbox half of PgNotificationStore: deliveries claimed and settled by the
// workers, the inbox, and webhook secrets.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/status_macros.h"
#include "common/base/utf8.h"
#include "common/db/arrays.h"
#include "common/db/idempotency.h"
#include "common/db/transaction.h"
#include "services/notification/storage/pg_notification_store.h"
#include "services/notification/storage/pg_sql.h"

namespace p06::notification {
namespace {

using pg::Micros;
using pg::Ts;
using pg::Us;

// Due, not leased (or the lease ran out: its worker died), attempts left, endpoint
// not paused, not among the addresses $6 that already have their share queued; at
// most $4 of one address (a digest's rows all), so that one slow receiver cannot take
// every sender; fairness is decided among the first $5 due. The
// attempt is counted here, before the send, so a worker killed mid-send still uses
// one up: repeats stay bounded by the budget.
const std::string kClaim = absl::StrCat(R"sql(
WITH due AS (
  SELECT d.id, d.digest, row_number() OVER (PARTITION BY d.address ORDER BY d.next_attempt_time, d.id) AS rank
  FROM (SELECT id, address, digest, next_attempt_time FROM deliveries
        WHERE state = delivery_pending() AND next_attempt_time <= )sql", Ts(1), R"sql( AND attempts < budget
          AND NOT (address = ANY($6::text[]))
          AND (lease_until IS NULL OR lease_until <= )sql", Ts(1), R"sql()
          AND NOT EXISTS (SELECT 1 FROM endpoints e WHERE e.address = deliveries.address
                          AND e.paused_until > )sql", Ts(1), R"sql()
        ORDER BY next_attempt_time, id LIMIT $5) d
), picked AS (
  SELECT d.id FROM deliveries d JOIN due ON due.id = d.id
  WHERE (due.rank <= $4 OR due.digest)
    -- Again on the row itself: a row another claim just took is re-read under its
    -- lock, and must then no longer qualify.
    AND d.state = delivery_pending() AND d.attempts < d.budget AND (d.lease_until IS NULL OR d.lease_until <= )sql", Ts(1), R"sql()
    AND NOT (d.address = ANY($6::text[]))
  ORDER BY d.next_attempt_time, d.id LIMIT $2 FOR UPDATE OF d SKIP LOCKED)
UPDATE deliveries d SET attempts = d.attempts + 1, lease_until = )sql", Ts(1), R"sql( + make_interval(secs => $3),
  claim_token = nextval('delivery_claims')
FROM picked p, notifications n WHERE d.id = p.id AND n.id = d.notification_id
RETURNING d.id, d.notification_id, d.channel, d.address, d.digest, d.attempts, d.budget, )sql", Us("d.due_time"),
                                        R"sql(, n.subject, n.body, n.payload, d.claim_token, )sql",
                                        Us("d.lease_until"), R"sql(
)sql");

// Attempts all used, the last one's outcome never recorded (its worker died each
// time, or could not write): given up, for an operator to see and retry.
const std::string kGiveUp = absl::StrCat(R"sql(
UPDATE deliveries SET state = delivery_failed(), lease_until = NULL,
  last_error = 'out of attempts; the outcome of the last one was never recorded'
WHERE state = delivery_pending() AND attempts >= budget AND (lease_until IS NULL OR lease_until <= )sql", Ts(1), R"sql()
)sql");

const std::string kDeliveryColumns = absl::StrCat(
    "id, notification_id, channel, address, state, attempts, last_error, ", Us("next_attempt_time"), ", ",
    Us("deliver_time"), ", ", Us("due_time"), ", digest");

pb::Delivery DeliveryFromRow(const pqxx::row& r) {
  pb::Delivery d;
  d.set_name(absl::StrCat("deliveries/", r[0].c_str()));
  d.set_notification(absl::StrCat("notifications/", r[1].c_str()));
  d.set_channel(static_cast<pb::Channel>(r[2].as<int>()));
  d.set_address(r[3].c_str());
  d.set_state(static_cast<pb::Delivery::State>(r[4].as<int>()));
  d.set_attempts(r[5].as<int>());
  d.set_last_error(r[6].c_str());
  if (d.state() == pb::Delivery::STATE_PENDING) pg::SetTimestamp(r[7], d.mutable_next_attempt_time());
  pg::SetTimestamp(r[8], d.mutable_deliver_time());
  pg::SetTimestamp(r[9], d.mutable_due_time());
  d.set_digest(r[10].as<bool>());
  return d;
}

const std::string kNotificationColumns = absl::StrCat(
    "id, unit, occurrence, rule_id, subject, body, ", Us("create_time"), ", ", Us("read_time"),
    ", kind, to_char(due_date, 'YYYY-MM-DD'), task");

pb::Notification NotificationFromRow(const pqxx::row& r) {
  pb::Notification n;
  n.set_name(absl::StrCat("notifications/", r[0].c_str()));
  n.set_unit(r[1].c_str());
  n.set_occurrence(r[2].c_str());
  n.set_rule(absl::StrCat("rules/", r[3].c_str()));
  n.set_subject(r[4].c_str());
  n.set_body(r[5].c_str());
  pg::SetTimestamp(r[6], n.mutable_create_time());
  pg::SetTimestamp(r[7], n.mutable_read_time());
  n.set_kind(static_cast<pb::Rule::Kind>(r[8].as<int>()));
  absl::CivilDay due;
  if (absl::ParseCivilTime(r[9].c_str(), &due)) *n.mutable_due_date() = ToProtoDate(due);
  n.set_task(r[10].c_str());
  return n;
}

// Inbox order is newest first: the key sorts as (create time, id).
const std::string kInboxKey = absl::StrCat("(lpad(", Us("create_time"), "::text, 20, '0') || '/' || id)");

}  // namespace

absl::StatusOr<std::vector<ClaimedDelivery>> PgNotificationStore::ClaimDeliveries(
    absl::Time now, int limit, int per_address, const std::vector<std::string>& saturated, absl::Duration lease) {
  return db::RunInTransaction(pool_, "ClaimDeliveries", [&](pqxx::work& tx) -> absl::StatusOr<std::vector<ClaimedDelivery>> {
    tx.exec_params(kGiveUp, Micros(now));
    std::vector<ClaimedDelivery> claimed;
    for (const pqxx::row& r :
         tx.exec_params(kClaim, Micros(now), limit, absl::ToDoubleSeconds(lease), per_address, limit * 20,
                        db::ArrayLiteral(saturated))) {
      claimed.push_back({.id = r[0].as<int64_t>(),
                         .notification_id = r[1].c_str(),
                         .channel = static_cast<pb::Channel>(r[2].as<int>()),
                         .address = r[3].c_str(),
                         .digest = r[4].as<bool>(),
                         .attempts = r[5].as<int>(),
                         .budget = r[6].as<int>(),
                         .due_time = absl::FromUnixMicros(r[7].as<int64_t>()),
                         .subject = r[8].c_str(),
                         .body = r[9].c_str(),
                         .payload = r[10].c_str()});
      claimed.back().claim_token = r[11].as<int64_t>();
      claimed.back().lease_until = absl::FromUnixMicros(r[12].as<int64_t>());
    }
    return claimed;
  });
}

absl::StatusOr<pb::Delivery::State> PgNotificationStore::RecordOutcome(const ClaimedDelivery& delivery,
                                                                       const AttemptOutcome& outcome, absl::Time now) {
  return db::RunInTransaction(pool_, "RecordOutcome", [&](pqxx::work& tx) -> absl::StatusOr<pb::Delivery::State> {
    if (outcome.released) {
      tx.exec_params(absl::StrCat("UPDATE deliveries SET attempts = attempts - 1, lease_until = NULL, "
                                  "claim_token = NULL, next_attempt_time = ", Ts(3),
                                  " WHERE id = $1 AND claim_token = $2 AND state = delivery_pending()"),
                     delivery.id, delivery.claim_token, Micros(outcome.next_attempt_time));
      return pb::Delivery::STATE_PENDING;
    }
    // Fenced by the claim's token: a worker whose lease ran out and whose delivery was
    // claimed again writes nothing. Out of budget is judged on the row's budget, which
    // RetryDelivery may have raised while the send was on its way. The error may quote
    // a receiver's answer in any encoding: made valid UTF-8, or PostgreSQL would
    // refuse the whole outcome.
    pqxx::result updated = tx.exec_params(
        absl::StrCat("UPDATE deliveries SET state = CASE WHEN $3 THEN delivery_delivered() "
                     "WHEN $7 OR attempts >= budget THEN delivery_failed() ELSE delivery_pending() END, "
                     "last_error = $4, lease_until = NULL, claim_token = NULL, "
                     "next_attempt_time = CASE WHEN $3 OR $7 OR attempts >= budget THEN ", Ts(6), " ELSE ", Ts(5),
                     " END, deliver_time = CASE WHEN $3 THEN ", Ts(6), " END "
                     "WHERE id = $1 AND claim_token = $2 AND state = delivery_pending() RETURNING state"),
        delivery.id, delivery.claim_token, outcome.delivered, ValidUtf8(outcome.error, 1000),
        Micros(outcome.next_attempt_time), Micros(now), outcome.failed);
    if (updated.empty()) return pb::Delivery::STATE_UNSPECIFIED;
    const auto state = static_cast<pb::Delivery::State>(updated[0][0].as<int>());
    if (!outcome.count_endpoint) return state;
    if (outcome.delivered) {
      tx.exec_params("UPDATE endpoints SET consecutive_failures = 0, paused_until = NULL "
                     "WHERE address = $1 AND consecutive_failures > 0",
                     delivery.address);
    } else {
      tx.exec_params(absl::StrCat("INSERT INTO endpoints (address, consecutive_failures) VALUES ($1, 1) "
                                  "ON CONFLICT (address) DO UPDATE SET consecutive_failures = "
                                  "endpoints.consecutive_failures + 1, paused_until = CASE WHEN "
                                  "endpoints.consecutive_failures + 1 >= $2 THEN ", Ts(3),
                                  " ELSE endpoints.paused_until END"),
                     delivery.address, outcome.pause_after_failures, Micros(now + outcome.pause_for));
    }
    return state;
  });
}

absl::StatusOr<NotificationStore::QueueStats> PgNotificationStore::Queue(absl::Time now) {
  return db::RunSingleStatement(pool_, "DeliveryQueue", [&](pqxx::nontransaction& tx) -> absl::StatusOr<QueueStats> {
    const pqxx::row r = tx.exec_params1(
        absl::StrCat("SELECT count(*), ", Us("min(due_time)"), " FROM deliveries WHERE state = delivery_pending() AND due_time <= ",
                     Ts(1)),
        Micros(now));
    return QueueStats{.pending = r[0].as<int64_t>(), .oldest_due = pg::TimeField(r[1])};
  });
}

absl::StatusOr<std::vector<pb::Delivery>> PgNotificationStore::ListDeliveries(const DeliveryFilter& filter,
                                                                               int64_t before_id, int limit) {
  return db::RunSingleStatement(pool_, "ListDeliveries",
                                [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::vector<pb::Delivery>> {
    std::vector<pb::Delivery> out;
    for (const pqxx::row& r : tx.exec_params(
             absl::StrCat("SELECT ", kDeliveryColumns, " FROM deliveries WHERE ($1 = 0 OR state = $1) "
                          "AND ($2 = 0 OR channel = $2) AND ($3 = '' OR notification_id = $3) "
                          "AND ($4 = 0 OR id < $4) ORDER BY id DESC LIMIT $5"),
             static_cast<int>(filter.state), static_cast<int>(filter.channel), filter.notification_id, before_id,
             limit)) {
      out.push_back(DeliveryFromRow(r));
    }
    return out;
  });
}

absl::StatusOr<pb::Delivery> PgNotificationStore::RetryDelivery(const pb::RetryDeliveryRequest& request, int64_t id,
                                                                 const std::string& caller, int fresh_budget,
                                                                 absl::Time now) {
  return db::RunInTransaction(pool_, "RetryDelivery", [&](pqxx::work& tx) -> absl::StatusOr<pb::Delivery> {
    return db::Idempotent<pb::Delivery>(tx, caller, request.request_id(), "RetryDelivery", request,
                                        [&]() -> absl::StatusOr<pb::Delivery> {
      pqxx::result found =
          tx.exec_params(absl::StrCat("SELECT ", kDeliveryColumns, " FROM deliveries WHERE id = $1 FOR UPDATE"), id);
      if (found.empty()) return absl::NotFoundError(absl::StrCat("name: deliveries/", id, " does not exist"));
      const pb::Delivery current = DeliveryFromRow(found[0]);
      if (current.state() == pb::Delivery::STATE_DELIVERED) {
        return absl::FailedPreconditionError(absl::StrCat("deliveries/", id, " was delivered already"));
      }
      // A lease held stays: a worker sending it now records its outcome, and the
      // next attempt waits for that, never runs beside it.
      tx.exec_params(absl::StrCat("UPDATE deliveries SET state = delivery_pending(), budget = attempts + $2, "
                                  "next_attempt_time = ", Ts(3), " WHERE id = $1"),
                     id, fresh_budget, Micros(now));
      tx.exec_params("UPDATE endpoints SET consecutive_failures = 0, paused_until = NULL WHERE address = $1",
                     current.address());
      return DeliveryFromRow(
          tx.exec_params1(absl::StrCat("SELECT ", kDeliveryColumns, " FROM deliveries WHERE id = $1"), id));
    });
  });
}

absl::StatusOr<std::vector<pb::Notification>> PgNotificationStore::ListInbox(const std::string& unit,
                                                                               bool unread_only,
                                                                               const std::string& after_key,
                                                                               int limit) {
  return db::RunSingleStatement(pool_, "ListInbox",
                                [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::vector<pb::Notification>> {
    std::vector<pb::Notification> out;
    for (const pqxx::row& r : tx.exec_params(
             absl::StrCat("SELECT ", kNotificationColumns, " FROM notifications WHERE in_inbox AND unit = $1 "
                          "AND (NOT $2 OR read_time IS NULL) AND ($3 = '' OR ", kInboxKey, " < $3) "
                          "ORDER BY create_time DESC, id DESC LIMIT $4"),
             unit, unread_only, after_key, limit)) {
      out.push_back(NotificationFromRow(r));
    }
    return out;
  });
}

absl::StatusOr<pb::Notification> PgNotificationStore::GetNotification(const std::string& id) {
  return db::RunSingleStatement(pool_, "GetNotification",
                                [&](pqxx::nontransaction& tx) -> absl::StatusOr<pb::Notification> {
    pqxx::result r = tx.exec_params(absl::StrCat("SELECT ", kNotificationColumns, " FROM notifications WHERE id = $1"), id);
    if (r.empty()) return absl::NotFoundError(absl::StrCat("name: notifications/", id, " does not exist"));
    return NotificationFromRow(r[0]);
  });
}

absl::StatusOr<pb::Notification> PgNotificationStore::MarkRead(const std::string& id, absl::Time now) {
  return db::RunInTransaction(pool_, "MarkRead", [&](pqxx::work& tx) -> absl::StatusOr<pb::Notification> {
    pqxx::result r = tx.exec_params(
        absl::StrCat("UPDATE notifications SET read_time = coalesce(read_time, ", Ts(2), ") WHERE id = $1 RETURNING ",
                     kNotificationColumns),
        id, Micros(now));
    if (r.empty()) return absl::NotFoundError(absl::StrCat("name: notifications/", id, " does not exist"));
    return NotificationFromRow(r[0]);
  });
}

absl::StatusOr<pb::WebhookSecret> PgNotificationStore::RotateSecret(const pb::RotateWebhookSecretRequest& request,
                                                                    const std::string& caller, absl::Time now,
                                                                    absl::Duration previous_valid,
                                                                    const std::function<std::string()>& make_secret) {
  return db::RunInTransaction(pool_, "RotateWebhookSecret", [&](pqxx::work& tx) -> absl::StatusOr<pb::WebhookSecret> {
    return db::Idempotent<pb::WebhookSecret>(tx, caller, request.request_id(), "RotateWebhookSecret", request,
                                             [&]() -> absl::StatusOr<pb::WebhookSecret> {
      tx.exec_params("SELECT pg_advisory_xact_lock(hashtextextended('webhook_secrets ' || $1, 0))", request.url());
      // At most two valid at once: older previous ones end now, the current one
      // becomes the previous.
      tx.exec_params(absl::StrCat("UPDATE webhook_secrets SET expire_time = ", Ts(2),
                                  " WHERE url = $1 AND expire_time > ", Ts(2)),
                     request.url(), Micros(now));
      pqxx::result previous = tx.exec_params(
          absl::StrCat("UPDATE webhook_secrets SET expire_time = ", Ts(2), " WHERE url = $1 AND expire_time IS NULL "
                       "RETURNING 1"),
          request.url(), Micros(now + previous_valid));
      pb::WebhookSecret out;
      out.set_url(request.url());
      out.set_secret(make_secret());
      tx.exec_params(absl::StrCat("INSERT INTO webhook_secrets (url, secret, create_time) VALUES ($1, $2, ", Ts(3), ")"),
                     request.url(), out.secret(), Micros(now));
      if (!previous.empty()) *out.mutable_previous_expire_time() = MicrosToProtoTimestamp(Micros(now + previous_valid));
      return out;
    });
  });
}

absl::StatusOr<std::vector<std::string>> PgNotificationStore::SecretsFor(const std::string& url, absl::Time now) {
  return db::RunSingleStatement(pool_, "SecretsFor",
                                [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::vector<std::string>> {
    std::vector<std::string> secrets;
    for (const pqxx::row& r : tx.exec_params(
             absl::StrCat("SELECT secret FROM webhook_secrets WHERE url = $1 AND (expire_time IS NULL OR expire_time > ",
                          Ts(2), ") ORDER BY expire_time IS NULL DESC, create_time DESC"),
             url, Micros(now))) {
      secrets.push_back(r[0].c_str());
    }
    return secrets;
  });
}

}  // namespace p06::notification
