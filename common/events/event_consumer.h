// Follows the task service's WatchEvents into an EventSink, with the cursor stored in
// the same transaction as what each batch changed: a crash or a restart anywhere
// neither loses nor double-applies an event. It starts where the stored cursor is
// (the oldest retained event on a new schema), follows live changes, and reconnects
// by itself with jittered exponential back-off. An event whose data the sink cannot
// take is kept in skipped_events and passed, not retried for ever. On OUT_OF_RANGE
// (its cursor fell behind the task service's retention) it rebuilds the sink from
// the List RPCs and replays what is retained.
//
// One class for every consumer (reporting's read model, notification's schedule).
// Thread-safe; one thread of its own between Start() and Stop().
#pragma once

#include <grpcpp/channel.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/time/time.h"
#include "common/base/clock.h"
#include "common/events/event_sink.h"
#include "p06/task/v1/task.grpc.pb.h"

namespace p06::events {

// A consumer's metrics, named "<service>_…" (e.g. reporting_events_applied_total).
struct ConsumerMetrics {
  prometheus::Counter& events_applied;  // <service>_events_applied_total
  prometheus::Gauge& lag_seconds;       // <service>_event_lag_seconds: since last caught up; 0 when it is
  prometheus::Gauge& lag_events;        // <service>_event_lag_events: not yet applied, as last counted
  prometheus::Gauge& caught_up;         // <service>_event_stream_caught_up: 1 or 0
  prometheus::Counter& reconnects;      // <service>_event_stream_reconnects_total
  prometheus::Counter& rebuilds;        // <service>_read_model_rebuilds_total
  prometheus::Counter& events_skipped;  // <service>_events_skipped_total: kept in skipped_events

  static ConsumerMetrics Register(prometheus::Registry& registry, const std::string& service);
};

// How far behind the consumer is, for a service's status answers.
struct ConsumerLag {
  std::string cursor;
  int64_t events_applied = 0;
  bool caught_up = false;                      // Stream open and caught up.
  std::optional<int64_t> events_behind;        // As last counted; 0 when caught up.
  std::optional<absl::Time> last_commit_time;  // Of the last event applied.
  double seconds_behind = 0;                   // Since last complete; 0 when caught up or never.
};

class EventConsumer {
 public:
  // `service` names the caller to the task service ("reporting", "notification").
  EventConsumer(EventSink& sink, std::shared_ptr<grpc::Channel> task_channel, const Clock& clock,
                ConsumerMetrics& metrics, std::string service);
  ~EventConsumer();

  void Start();
  void Stop();

  // Now while the stream is open and caught up; else when it last was (the sink's).
  std::optional<absl::Time> CompleteAsOf();
  ConsumerLag Lag();

 private:
  void Run();
  // One connection: reads until the stream ends; returns its status.
  absl::Status Follow();
  // After a batch failed on its data: applies its events one by one from `cursor`,
  // skipping (and keeping) the one the sink cannot take.
  absl::Status ApplyAroundPoison(const std::string& cursor, const std::vector<tpb::Event>& events, bool caught_up);
  // Rebuilds the sink from the task service's List RPCs (after OUT_OF_RANGE).
  absl::Status Rebuild();
  void Backoff(absl::Duration* delay);
  // Behind by how long it has been since the sink was last known complete (every
  // event committed since may be missing), on the service's clock alone; 0 if never.
  double SecondsSince(const std::optional<absl::Time>& complete_at) const;

  EventSink& sink_;
  std::unique_ptr<tpb::TaskService::Stub> tasks_;
  const Clock& clock_;
  ConsumerMetrics& metrics_;
  const std::string service_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;                    // Guarded by mu_.
  std::shared_ptr<grpc::ClientContext> ctx_;  // Of the open stream; guarded by mu_.
  std::atomic<bool> live_{false};            // Stream open and caught up.
  std::atomic<int64_t> behind_{-1};          // Events not yet applied, as last counted; -1: unknown.
  std::thread thread_;
};

}  // namespace p06::events
