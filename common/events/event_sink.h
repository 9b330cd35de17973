// What a consumer of the task service's event stream writes into: its own derived
// state (a read model, a schedule) and, in the same transaction, its cursor. The
// EventConsumer (event_consumer.h) drives it; each service's store implements it, on
// the tables that consumer_tables.h reads and writes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "p06/task/v1/task.pb.h"

namespace p06::events {

namespace tpb = ::p06::task::v1;

// Where the consumer stands, as committed.
struct ConsumerState {
  std::string cursor;  // After the last event applied; "" before the first.
  int64_t events_applied = 0;
  std::optional<absl::Time> last_commit_time;  // Of the last event applied.
  bool caught_up = false;                      // The stream said so with the last batch.
  std::optional<absl::Time> caught_up_time;    // When it last said so.
};

class EventSink {
 public:
  virtual ~EventSink() = default;

  virtual absl::StatusOr<ConsumerState> State() = 0;
  // Applies `events` (in stream order, all after `expected_cursor`) and moves the
  // cursor to the last one's, in one transaction; `caught_up` (the stream said so)
  // is recorded as of `now`, the service's clock. ABORTED when the stored cursor is
  // not `expected_cursor` (another consumer moved it): nothing is applied. A status
  // of INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS or OUT_OF_RANGE says
  // the data itself cannot be taken: the consumer then applies the batch one event
  // at a time and skips the one that fails.
  virtual absl::Status Apply(const std::string& expected_cursor, const std::vector<tpb::Event>& events,
                             bool caught_up, absl::Time now) = 0;
  // Moves the cursor from `expected_cursor` past `event` without applying it, keeping
  // it and `error` in skipped_events. ABORTED as for Apply.
  virtual absl::Status Skip(const std::string& expected_cursor, const tpb::Event& event, const std::string& error,
                            absl::Time now) = 0;
  // The rebuild after OUT_OF_RANGE, in one transaction: replaces the derived state
  // with `current` (the state the List RPCs gave, as synthetic events) and moves the
  // cursor from `expected_cursor` back to the start, no longer caught up (the
  // retained events replay after it). ABORTED as for Apply.
  virtual absl::Status Rebuild(const std::string& expected_cursor, const std::vector<tpb::Event>& current) = 0;
};

}  // namespace p06::events
