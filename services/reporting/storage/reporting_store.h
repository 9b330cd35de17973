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
#include "common/events/event_sink.h"
#include "p06/task/v1/task.pb.h"
#include "services/reporting/counting/plan_model.h"

namespace p06::reporting {

namespace pb = ::p06::reporting::v1;

using events::ConsumerState;

// A plan's read model and where the consumer stood, read in one snapshot.
struct LoadedPlan {
  PlanModel model;
  ConsumerState state;
};

// Builds the report to store, given the previous one of its plan and kind (if any).
using ReportFn = std::function<absl::StatusOr<pb::Report>(const pb::Report* previous)>;

class ReportingStore : public events::EventSink {
 public:
  virtual ~ReportingStore() = default;

  // EventSink: the read model's plans, tasks, occurrences, progress and
  // measurements. Rebuild keeps the progress and measurements already held (the
  // task service cannot list them again; replaying the retained events adds the
  // rest once).

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
