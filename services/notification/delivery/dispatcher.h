// Turns due notices into notifications and delivers them: one loop fires what is
// due and claims due deliveries from the outbox; a pool of sender threads sends them
// (at most `per_endpoint` at once to one address, so a slow or hanging receiver
// holds up only its own deliveries) and records each outcome. Nothing happens
// outside the delivery window. Replicas share the work through the store's
// FOR UPDATE SKIP LOCKED claims.
//
// Failures retry with exponential back-off and jitter, each retry moved into the
// next window, up to the delivery's budget; then FAILED. An endpoint that failed
// `pause_after_failures` times in a row is paused for `pause_for`.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "common/base/clock.h"
#include "common/calendar/working_calendar.h"
#include "services/notification/channels/channel.h"
#include "services/notification/delivery/notice_firer.h"
#include "services/notification/delivery/recipients.h"
#include "services/notification/notification_metrics.h"
#include "services/notification/planning/delivery_window.h"
#include "services/notification/storage/notification_store.h"

namespace p06::notification {

struct DispatcherOptions {
  absl::Duration tick = absl::Seconds(1);  // Between polls when idle (wall time).
  int fire_batch = 200;  // Occurrences per firing transaction.
  int senders = 8;
  int per_endpoint = 4;
  absl::Duration lease = absl::Minutes(5);  // Longer than any send's timeout.
  int budget = 8;
  absl::Duration min_backoff = absl::Seconds(30);
  absl::Duration max_backoff = absl::Hours(1);
  int pause_after_failures = 5;
  absl::Duration pause_for = absl::Minutes(5);
  DeliveryWindow window;
};

class Dispatcher {
 public:
  Dispatcher(NotificationStore& store, RecipientDirectory& directory, Sender& webhook, Sender& email,
             const calendar::WorkingCalendar& calendar, const Clock& clock, NotificationMetrics& metrics,
             DispatcherOptions options);
  ~Dispatcher();

  void Start();
  void Stop();

  // For tests on an injected clock (Start not called): fires everything due and
  // sends every claimable delivery, until nothing more is due now.
  absl::Status Drain();

 private:
  struct Job {
    std::vector<ClaimedDelivery> deliveries;  // One, or a digest's several (same address).
  };
  void Loop();
  void SenderLoop();
  absl::StatusOr<int> FireOnce(absl::Time now);
  // Claims up to `limit` deliveries as jobs (digest deliveries of one address: one
  // job), none to the `saturated` addresses.
  absl::StatusOr<std::vector<Job>> Claim(absl::Time now, int limit, const std::vector<std::string>& saturated);
  void Send(const Job& job);
  // Whether `address` is paused now (the job is then released, not sent).
  bool Paused(const std::string& address, absl::Time now);
  void CountResult(const std::string& address, bool ok, absl::Time now);
  AttemptOutcome OutcomeOf(const ClaimedDelivery& d, const SendResult& result, absl::Time now);
  void UpdateQueueMetrics(absl::Time now);

  NotificationStore& store_;
  RecipientDirectory& directory_;
  Sender& webhook_;
  Sender& email_;
  const calendar::WorkingCalendar& calendar_;
  const Clock& clock_;
  NotificationMetrics& metrics_;
  const DispatcherOptions options_;

  std::mutex mu_;
  std::condition_variable wake_;    // The loop: stopping, or a sender finished.
  std::condition_variable work_;    // The senders: a job, or stopping.
  bool stopping_ = false;           // Guarded by mu_.
  std::deque<Job> queue_;           // Guarded by mu_.
  std::map<std::string, int> busy_;  // In-flight sends per address; guarded by mu_.
  // Consecutive failures and pauses per address as this process saw them, so that a
  // batch already claimed stops hitting an endpoint that the store has just paused.
  std::map<std::string, int> streak_;           // Guarded by mu_.
  std::map<std::string, absl::Time> paused_;    // Guarded by mu_.
  int in_flight_ = 0;               // Guarded by mu_.
  std::thread loop_;
  std::vector<std::thread> senders_;
};

}  // namespace p06::notification
