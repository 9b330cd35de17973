// Storage of the reporting service: its read model (fed by the event consumer) and
// its frozen reports. The interface the logic depends on; SQL lives only in
// pg_reporting_store.cc. Every method is one transaction.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "p06/reporting/v1/reporting.pb.h"
#include "p06/task/v1/task.pb.h"
#include "services/reporting/counting/plan_model.h"

namespace p06::reporting {

namespace pb = ::p06::reporting::v1;

// Where the consumer stands, as committed.
struct ConsumerState {
  std::string cursor;  // After the last event applied; "" before the first.
  int64_t events_applied = 0;
  std::optional<absl::Time> last_commit_time;  // Of the last event applied.
  bool caught_up = false;                      // The stream said so with the last batch.
  std::optional<absl::Time> caught_up_time;    // When it last said so.
};

// A plan's read model and where the consumer stood, read in one snapshot.
struct LoadedPlan {
  PlanModel model;
  ConsumerState state;
};

// Builds the report to store, given the previous one of its plan and kind (if any).
using ReportFn = std::function<absl::StatusOr<pb::Report>(const pb::Report* previous)>;

class ReportingStore {
 public:
  virtual ~ReportingStore() = default;

  virtual absl::StatusOr<ConsumerState> State() = 0;
  // Applies `events` (in stream order, all after `expected_cursor`) and moves the
  // cursor to the last one's, in one transaction; `caught_up` (the stream said so)
  // is recorded as of `now`, the service's clock. ABORTED when the stored cursor is
  // not `expected_cursor` (another consumer moved it): nothing is applied.
  virtual absl::Status Apply(const std::string& expected_cursor, const std::vector<tpb::Event>& events,
                             bool caught_up, absl::Time now) = 0;
  // Moves the cursor from `expected_cursor` past `event` without applying it, keeping
  // it and `error` in skipped_events: for an event whose data the model cannot take.
  // ABORTED as for Apply.
  virtual absl::Status Skip(const std::string& expected_cursor, const tpb::Event& event, const std::string& error,
                            absl::Time now) = 0;
  // The rebuild after OUT_OF_RANGE, in one transaction: replaces plans, tasks and
  // occurrences with `current` (the state the List RPCs gave), keeps the progress
  // and measurements already held (the task service cannot list them again; replaying
  // the retained events adds the rest once), and moves the cursor from
  // `expected_cursor` back to the start, no longer caught up. ABORTED as for Apply.
  virtual absl::Status Rebuild(const std::string& expected_cursor, const std::vector<tpb::Event>& current) = 0;

  // The plan as the read model has it; NOT_FOUND.
  virtual absl::StatusOr<LoadedPlan> LoadPlan(const std::string& plan_id) = 0;

  // Stores the report `build` makes, in one transaction with its request log entry
  // (a retry by `caller` with the same request_id returns the first report).
  virtual absl::StatusOr<pb::Report> SaveReport(const std::string& plan_id, const pb::CreateReportRequest& request,
                                                const std::string& caller, const ReportFn& build) = 0;
  // NOT_FOUND.
  virtual absl::StatusOr<pb::Report> GetReport(int64_t id) = 0;
  // Newest first; ids below `before_id` (0: from the newest); of `plan_id` unless "".
  virtual absl::StatusOr<std::vector<pb::Report>> ListReports(const std::string& plan_id, int64_t before_id,
                                                              int limit) = 0;
};

}  // namespace p06::reporting
