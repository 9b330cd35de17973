// Feeds the read model from the task service's WatchEvents, with the cursor stored
// in the same transaction as what each batch changed (ReportingStore::Apply): a crash
// or a restart anywhere neither loses nor double-applies an event. It starts where the
// stored cursor is (the oldest retained event on a new schema), follows live changes,
// reconnects by itself with jittered exponential back-off, and on OUT_OF_RANGE (its
// cursor fell behind the task service's retention) rebuilds the read model from the
// List RPCs and replays what is retained.
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
#include "p06/task/v1/task.grpc.pb.h"
#include "services/reporting/reporting_metrics.h"
#include "services/reporting/storage/reporting_store.h"

namespace p06::reporting {

class EventConsumer {
 public:
  EventConsumer(ReportingStore& store, std::shared_ptr<grpc::Channel> task_channel, const Clock& clock,
                ReportingMetrics& metrics);
  ~EventConsumer();

  void Start();
  void Stop();

  // Up to when the read model holds every event: now while the stream is open and
  // caught up; else when it last was (from the store). Unset: never caught up.
  std::optional<absl::Time> CompleteAsOf();
  // The lag as reports state it.
  pb::Lag Lag();

 private:
  void Run();
  // One connection: reads until the stream ends; returns its status.
  absl::Status Follow();
  // Rebuilds the read model from the task service's List RPCs (after OUT_OF_RANGE).
  absl::Status Rebuild();
  void Backoff(absl::Duration* delay);

  ReportingStore& store_;
  std::unique_ptr<tpb::TaskService::Stub> tasks_;
  const Clock& clock_;
  ReportingMetrics& metrics_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;                    // Guarded by mu_.
  std::shared_ptr<grpc::ClientContext> ctx_;  // Of the open stream; guarded by mu_.
  std::atomic<bool> live_{false};            // Stream open and caught up.
  std::atomic<int64_t> behind_{-1};          // Events not yet applied, as last counted; -1: unknown.
  std::thread thread_;
};

}  // namespace p06::reporting
