// Concurrent ReportProgress writes committed together: one statement, one round
// trip, one commit and one WAL flush for every report that arrived while the
// previous batch was being written. Group commit in the service, as PostgreSQL does
// it for its WAL: the first caller that finds no batch in flight writes one at once
// (no thread, no timer, no delay when idle); the others wait for it and then form
// the next.
//
// Each report stays one call of the report_progress SQL function, with its own
// checks, request log and answer; calls run in task order, so that batches take
// their task locks in one order and cannot deadlock. If the statement fails for one
// report (a SQL error), each report of the batch is written alone, so that only that
// one fails. A connection lost while the batch commits leaves every report of it in
// doubt: each is UNAVAILABLE, settled by its retry with the same request_id.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/pool.h"
#include "services/task/storage/report_call.h"

namespace p06::task {

// What report_progress answered: the refusal (kNone when written, kReplay for a
// retry) and the response bytes.
struct ReportAnswer {
  ReportRefusal refusal = ReportRefusal::kNone;
  std::string response;
};

class ReportBatcher {
 public:
  // `batch_written` (optional) hears the size of every batch committed (a metric).
  explicit ReportBatcher(db::Pool& pool, std::function<void(size_t)> batch_written = nullptr, size_t max_batch = 64)
      : pool_(pool), batch_written_(std::move(batch_written)), max_batch_(max_batch) {}

  // Writes `call` (with whatever else is waiting); returns when it is committed.
  absl::StatusOr<ReportAnswer> Run(const ReportCall& call);

  // Calls waiting for the batch being written to finish; and the largest batch
  // written so far. What a test waits on and checks, and what metrics show.
  size_t Waiting();
  size_t LargestBatch() const { return largest_batch_.load(std::memory_order_relaxed); }

 private:
  struct Waiter {
    const ReportCall* call;
    std::optional<absl::StatusOr<ReportAnswer>> answer;  // Guarded by mu_.
    std::condition_variable wake;
  };
  // Writes `calls` in one statement; one answer per call, in the same order.
  std::vector<absl::StatusOr<ReportAnswer>> Write(const std::vector<const ReportCall*>& calls);

  db::Pool& pool_;
  const std::function<void(size_t)> batch_written_;
  const size_t max_batch_;
  std::mutex mu_;
  std::deque<Waiter*> queue_;  // Guarded by mu_.
  bool writing_ = false;       // Guarded by mu_.
  std::atomic<size_t> largest_batch_{0};
};

}  // namespace p06::task
