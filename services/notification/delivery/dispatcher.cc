#include "services/notification/delivery/dispatcher.h"

#include <algorithm>
#include <cmath>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/hash.h"
#include "common/base/status_macros.h"
#include "common/log/log.h"
#include "services/notification/delivery/message_text.h"

namespace p06::notification {

Dispatcher::Dispatcher(NotificationStore& store, RecipientDirectory& directory, Sender& webhook, Sender& email,
                       const calendar::WorkingCalendar& calendar, const Clock& clock, NotificationMetrics& metrics,
                       DispatcherOptions options)
    : store_(store),
      directory_(directory),
      webhook_(webhook),
      email_(email),
      calendar_(calendar),
      clock_(clock),
      metrics_(metrics),
      options_(options) {}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Start() {
  loop_ = std::thread([this] { Loop(); });
  for (int i = 0; i < options_.senders; ++i) senders_.emplace_back([this] { SenderLoop(); });
}

void Dispatcher::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  work_.notify_all();
  if (loop_.joinable()) loop_.join();
  for (std::thread& t : senders_) {
    if (t.joinable()) t.join();
  }
  senders_.clear();
  // Claimed but not sent: given back, due now, so another replica (or the next
  // start) sends them without waiting for their leases or using up an attempt.
  std::deque<Job> left;
  {
    std::lock_guard lock(mu_);
    left.swap(queue_);
  }
  const absl::Time now = clock_.Now();
  for (const Job& job : left) {
    for (const ClaimedDelivery& d : job.deliveries) {
      (void)store_.RecordOutcome(d, {.released = true, .next_attempt_time = now}, now);
    }
  }
}

absl::StatusOr<int> Dispatcher::FireOnce(absl::Time now) {
  size_t fired = 0, superseded = 0, created = 0;
  absl::StatusOr<int> settled = store_.FireDue(now, options_.fire_batch, [&](const std::vector<DueNotice>& due,
                                                                             const std::vector<pb::Rule>& list) {
    std::map<std::string, pb::Rule> rules;
    for (const pb::Rule& r : list) rules.emplace(RuleId(r), r);
    absl::StatusOr<FireOutcome> outcome = DecideFiring(due, rules, directory_, now, {.budget = options_.budget});
    if (outcome.ok()) {
      fired = outcome->fired.size();
      superseded = outcome->superseded.size();
      created = outcome->notifications.size();
    }
    return outcome;
  });
  if (settled.ok()) {  // Counted once the transaction committed.
    metrics_.notices.Add({{"outcome", "fired"}}).Increment(static_cast<double>(fired));
    metrics_.notices.Add({{"outcome", "superseded"}}).Increment(static_cast<double>(superseded));
    metrics_.notifications_created.Increment(static_cast<double>(created));
  }
  return settled;
}

absl::StatusOr<std::vector<Dispatcher::Job>> Dispatcher::Claim(absl::Time now, int limit,
                                                              const std::vector<std::string>& saturated) {
  ASSIGN_OR_RETURN(std::vector<ClaimedDelivery> claimed,
                   store_.ClaimDeliveries(now, limit, 2 * options_.per_endpoint, saturated, options_.lease));
  std::vector<Job> jobs;
  std::map<std::pair<int, std::string>, size_t> digest_job;
  for (ClaimedDelivery& d : claimed) {
    if (d.digest) {
      auto [it, inserted] = digest_job.try_emplace({d.channel, d.address}, jobs.size());
      if (inserted) jobs.emplace_back();
      jobs[it->second].deliveries.push_back(std::move(d));
    } else {
      jobs.push_back({{std::move(d)}});
    }
  }
  return jobs;
}

AttemptOutcome Dispatcher::OutcomeOf(const ClaimedDelivery& d, const SendResult& result, absl::Time now) {
  AttemptOutcome out{.pause_after_failures = options_.pause_after_failures, .pause_for = options_.pause_for};
  if (result.status.ok()) {
    out.delivered = true;
    return out;
  }
  out.error = result.status.ToString();
  out.failed = result.permanent;  // Out of budget: the store judges, on the row's current budget.
  static thread_local absl::BitGen random;
  const double factor = std::pow(2.0, std::min(d.attempts - 1, 20));
  const absl::Duration backoff = std::min(options_.max_backoff, options_.min_backoff * factor);
  const absl::Time next = now + backoff * absl::Uniform(random, 0.5, 1.0);  // Jitter: not every retry at once.
  absl::StatusOr<absl::Time> open = options_.window.NextOpen(next, calendar_);
  out.next_attempt_time = open.ok() ? *open : next;
  return out;
}

bool Dispatcher::Paused(const std::string& address, absl::Time now) {
  std::lock_guard lock(mu_);
  auto it = paused_.find(address);
  return it != paused_.end() && now < it->second;
}

void Dispatcher::CountResult(const std::string& address, bool ok, absl::Time now) {
  std::lock_guard lock(mu_);
  if (ok) {
    streak_.erase(address);
    paused_.erase(address);
  } else if (++streak_[address] >= options_.pause_after_failures) {
    paused_[address] = now + options_.pause_for;
  }
}

void Dispatcher::Send(const Job& job) {
  const ClaimedDelivery& first = job.deliveries.front();
  // Waited in the queue past its lease: another worker may have claimed it since.
  // Not sent; if nobody has, the next claim takes it (the attempt stays counted).
  if (clock_.Now() >= first.lease_until) return;
  if (const absl::Time now = clock_.Now(); Paused(first.address, now)) {
    for (const ClaimedDelivery& d : job.deliveries) {
      AttemptOutcome released{.released = true, .next_attempt_time = now + options_.pause_for};
      (void)store_.RecordOutcome(d, released, now);  // If lost, the lease runs out: the same in the end.
    }
    return;
  }
  OutgoingMessage message{.address = first.address};
  if (job.deliveries.size() == 1 && !first.digest) {
    message.id = first.notification_id;
    message.subject = first.subject;
    message.text = first.body;
    message.json = first.payload;
  } else {
    // A digest: its id stands for exactly this set of notifications, so a retry of
    // the same set carries the same id.
    std::vector<std::string> ids;
    std::vector<MessageText> items;
    std::vector<std::string> payloads;
    for (const ClaimedDelivery& d : job.deliveries) {
      ids.push_back(d.notification_id);
      items.push_back({d.subject, d.body});
      payloads.push_back(d.payload);
    }
    std::sort(ids.begin(), ids.end());
    message.id = absl::StrCat("dgst-", StableHashHex(absl::StrCat(first.address, "\n", absl::StrJoin(ids, ","))));
    const MessageText digest = ComposeDigest(items, message.id);
    message.subject = digest.subject;
    message.text = digest.body;
    message.json = absl::StrCat("{\"type\":\"p06.notification.digest\",\"data\":{\"notifications\":[",
                                absl::StrJoin(payloads, ","), "]}}");
  }
  Sender& sender = first.channel == pb::CHANNEL_WEBHOOK ? webhook_ : email_;
  const SendResult result = sender.Send(message);
  const absl::Time now = clock_.Now();
  CountResult(first.address, result.status.ok(), now);
  // One message: one retry time for all it carried (a digest keeps its set, and so
  // its id), one success or failure for its endpoint.
  const AttemptOutcome base = OutcomeOf(first, result, now);
  for (const ClaimedDelivery& d : job.deliveries) {
    AttemptOutcome outcome = base;
    outcome.count_endpoint = &d == &first;
    absl::StatusOr<pb::Delivery::State> state = store_.RecordOutcome(d, outcome, now);
    if (!state.ok()) {
      // The lease runs out and the delivery is tried again: at least once holds.
      log::Warning("delivery outcome not recorded",
                   {{"delivery", std::to_string(d.id)}, {"error", state.status().ToString()}});
      continue;
    }
    if (*state == pb::Delivery::STATE_UNSPECIFIED) continue;  // Fenced out: claimed again since.
    const bool delivered = *state == pb::Delivery::STATE_DELIVERED, failed = *state == pb::Delivery::STATE_FAILED;
    metrics_.Delivery(d.channel, delivered ? "delivered" : failed ? "failed" : "retry").Increment();
    if (delivered) metrics_.delivery_latency.Observe(std::max(0.0, absl::ToDoubleSeconds(now - d.due_time)));
    if (!delivered && !failed) metrics_.retries.Increment();
    if (failed) {
      log::Warning("delivery failed for good", {{"delivery", std::to_string(d.id)}, {"address", d.address},
                                                {"error", outcome.error}});
    }
  }
}

void Dispatcher::SenderLoop() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      std::deque<Job>::iterator pick;
      work_.wait(lock, [&] {
        if (stopping_) return true;
        pick = std::find_if(queue_.begin(), queue_.end(), [&](const Job& j) {
          return busy_[j.deliveries.front().address] < options_.per_endpoint;
        });
        return pick != queue_.end();
      });
      if (stopping_) return;
      job = std::move(*pick);
      queue_.erase(pick);
      ++busy_[job.deliveries.front().address];
      ++in_flight_;
    }
    Send(job);
    {
      std::lock_guard lock(mu_);
      if (--busy_[job.deliveries.front().address] == 0) busy_.erase(job.deliveries.front().address);
      --in_flight_;
    }
    work_.notify_all();
    wake_.notify_all();
  }
}

void Dispatcher::UpdateQueueMetrics(absl::Time now) {
  absl::StatusOr<NotificationStore::QueueStats> q = store_.Queue(now);
  if (!q.ok()) return;
  metrics_.queue_depth.Set(static_cast<double>(q->pending));
  metrics_.oldest_pending_age.Set(q->oldest_due ? std::max(0.0, absl::ToDoubleSeconds(now - *q->oldest_due)) : 0);
}

void Dispatcher::Loop() {
  absl::Time last_metrics = absl::InfinitePast();
  for (;;) {
    bool busy = false;
    const absl::Time now = clock_.Now();
    absl::StatusOr<bool> open = options_.window.IsOpen(now, calendar_);
    if (!open.ok()) log::Warning("no calendar data for today: nothing is sent", {{"error", open.status().ToString()}});
    if (open.ok() && *open) {
      absl::StatusOr<int> fired = FireOnce(now);
      if (!fired.ok()) log::Warning("firing due notices failed; trying again", {{"error", fired.status().ToString()}});
      busy = fired.ok() && *fired > 0;
      // Room for more, counting only addresses below their share (queued and in flight
      // at most twice their concurrency): one slow receiver's backlog neither grows
      // without bound here nor keeps the others waiting.
      int room = options_.senders * 4;
      std::vector<std::string> saturated;
      {
        std::lock_guard lock(mu_);
        std::map<std::string, int> load = busy_;
        for (const Job& j : queue_) ++load[j.deliveries.front().address];
        for (const auto& [address, n] : load) {
          if (n >= 2 * options_.per_endpoint) {
            saturated.push_back(address);
          } else {
            room -= n;
          }
        }
      }
      if (room > 0) {
        absl::StatusOr<std::vector<Job>> jobs = Claim(now, room, saturated);
        if (!jobs.ok()) log::Warning("claiming deliveries failed", {{"error", jobs.status().ToString()}});
        if (jobs.ok() && !jobs->empty()) {
          busy = true;
          {
            std::lock_guard lock(mu_);
            for (Job& j : *jobs) queue_.push_back(std::move(j));
          }
          work_.notify_all();
        }
      }
    }
    if (absl::Now() - last_metrics > absl::Seconds(5)) {
      UpdateQueueMetrics(now);
      last_metrics = absl::Now();
    }
    std::unique_lock lock(mu_);
    if (stopping_) return;
    // Busy: go round at once while there is room; idle: poll every tick.
    const absl::Duration wait = busy ? absl::Milliseconds(5) : options_.tick;
    // A sender that finishes wakes this loop early (there is room to claim again).
    wake_.wait_for(lock, absl::ToChronoNanoseconds(wait));
    if (stopping_) return;
  }
}

absl::Status Dispatcher::Drain() {
  for (int round = 0; round < 10000; ++round) {
    const absl::Time now = clock_.Now();
    ASSIGN_OR_RETURN(bool open, options_.window.IsOpen(now, calendar_));
    if (!open) return absl::OkStatus();
    ASSIGN_OR_RETURN(int fired, FireOnce(now));
    ASSIGN_OR_RETURN(std::vector<Job> jobs, Claim(now, 100, {}));
    for (const Job& j : jobs) Send(j);
    if (fired == 0 && jobs.empty()) return absl::OkStatus();
  }
  return absl::InternalError("Drain did not settle");
}

}  // namespace p06::notification
