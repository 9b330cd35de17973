// Feeds the read model from the task service's WatchEvents, with the cursor stored
// in the same transaction as what each batch changed (ReportingStore::Apply): a crash
// or a restart anywhere neither loses nor double-applies an event. It starts where the
// stored cursor is (the oldest retained event on a new schema), follows live changes,
// reconnects by itself with jittered exponential back-off. An event whose data the
// model cannot take is kept in skipped_events and passed, not retried for ever. On
// OUT_OF_RANGE (its cursor fell behind the task service's retention) it rebuilds the
// read model from the List RPCs and replays what is retained.
//
// Thread-safe; one thread of its own between Start() and Stop().
#pragma once

#include <grpcpp/channel.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/time/time.h"
#include "common/base/clock.h"
#include <prometheus/counter.h>
#include <prometheus/gauge.h>

#include "p06/task/v1/task.grpc.pb.h"
#include "services/reporting/consumer/read_model_status.h"
#include "services/reporting/storage/reporting_store.h"

namespace p06::reporting {

// The consumer's metrics (part of the service's ReportingMetrics).
struct ConsumerMetrics {
  prometheus::Counter& events_applied;  // reporting_events_applied_total
  prometheus::Gauge& lag_seconds;       // reporting_event_lag_seconds: since last caught up; 0 when it is
  prometheus::Gauge& lag_events;        // reporting_event_lag_events: not yet applied, as last counted
  prometheus::Gauge& caught_up;         // reporting_event_stream_caught_up: 1 or 0
  prometheus::Counter& reconnects;      // reporting_event_stream_reconnects_total
  prometheus::Counter& rebuilds;        // reporting_read_model_rebuilds_total
  prometheus::Counter& events_skipped;  // reporting_events_skipped_total: kept in skipped_events
};

class EventConsumer final : public ReadModelStatus {
 public:
  EventConsumer(ReportingStore& store, std::shared_ptr<grpc::Channel> task_channel, const Clock& clock,
                ConsumerMetrics& metrics);
  ~EventConsumer();

  void Start();
  void Stop();

  // Now while the stream is open and caught up; else when it last was (the store's).
  std::optional<absl::Time> CompleteAsOf() override;
  pb::Lag Lag() override;

 private:
  void Run();
  // One connection: reads until the stream ends; returns its status.
  absl::Status Follow();
  // After a batch failed on its data: applies its events one by one from `cursor`,
  // skipping (and keeping) the one the model cannot take.
  absl::Status ApplyAroundPoison(const std::string& cursor, const std::vector<tpb::Event>& events, bool caught_up);
  // Rebuilds the read model from the task service's List RPCs (after OUT_OF_RANGE).
  absl::Status Rebuild();
  void Backoff(absl::Duration* delay);
  // Behind by how long it has been since the model was last known complete (every
  // event committed since may be missing), on the service's clock alone; 0 if never.
  double SecondsSince(const std::optional<absl::Time>& complete_at) const;

  ReportingStore& store_;
  std::unique_ptr<tpb::TaskService::Stub> tasks_;
  const Clock& clock_;
  ConsumerMetrics& metrics_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;                    // Guarded by mu_.
  std::shared_ptr<grpc::ClientContext> ctx_;  // Of the open stream; guarded by mu_.
  std::atomic<bool> live_{false};            // Stream open and caught up.
  std::atomic<int64_t> behind_{-1};          // Events not yet applied, as last counted; -1: unknown.
  std::thread thread_;
};

}  // namespace p06::reporting
