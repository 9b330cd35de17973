// Progress reports and the event stream.
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/db/bytea.h"
#include "common/db/idempotency.h"
#include "common/db/transaction.h"
#include "common/grpc/proto_time.h"
#include "services/task/storage/pg_events.h"
#include "services/task/storage/pg_task_store.h"

namespace p06::task {
namespace {

constexpr char kUnitOnTask[] = "SELECT 1 FROM task_units WHERE plan_id = $1 AND number = $2 AND unit = $3";
constexpr char kLockTask[] =
    "SELECT status, definition FROM tasks WHERE plan_id = $1 AND number = $2 AND removed_in IS NULL FOR UPDATE";
constexpr char kInsertMeasurement[] = R"sql(
INSERT INTO target_measurements (plan_id, number, target, reporting_unit, measurement, reported_by)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id, (extract(epoch FROM create_time) * 1000000)::bigint
)sql";
constexpr char kOccurrenceExists[] = R"sql(
SELECT 1 FROM occurrences WHERE plan_id = $1 AND number = $2 AND due_date = $3::date AND sub_activity = $4
)sql";
constexpr char kInsertReport[] = R"sql(
INSERT INTO progress_reports (plan_id, number, occurrence_due, occurrence_sub, reporting_unit, report, reported_by)
VALUES ($1, $2, nullif($3, '')::date, $4, $5, $6, $7)
RETURNING id, (extract(epoch FROM create_time) * 1000000)::bigint
)sql";
constexpr char kSetTaskStatus[] = R"sql(
UPDATE tasks SET status = $3, percent_complete = $4, version = version + 1, update_time = now()
WHERE plan_id = $1 AND number = $2
)sql";
constexpr char kSetOccurrenceStatus[] = R"sql(
UPDATE occurrences SET status = $5, submission_count = submission_count + 1
WHERE plan_id = $1 AND number = $2 AND due_date = $3::date AND sub_activity = $4
)sql";
constexpr char kReadEvents[] = R"sql(
SELECT seq, payload, (extract(epoch FROM commit_time) * 1000000)::bigint FROM events
WHERE seq > $1 AND ($3 = '' OR resource = $3 OR resource LIKE $3 || '/%')
ORDER BY seq LIMIT $2
)sql";

// May `reporter` report on the task? PERMISSION_DENIED before NOT_FOUND: a stranger
// learns nothing, not even whether the task exists. FAILED_PRECONDITION for a
// cancelled task. Returns the task's definition, locked for the rest of the work.
absl::StatusOr<pb::Task> CheckReporter(pqxx::work& tx, const std::string& plan_id, int number,
                                       const Reporter& reporter) {
  const std::string task_name = absl::StrCat("plans/", plan_id, "/tasks/", number);
  const bool on_task = !tx.exec_params(kUnitOnTask, plan_id, number, reporter.unit).empty();
  if (!on_task && !reporter.on_behalf) {
    return absl::PermissionDeniedError(
        absl::StrCat(reporter.unit, " neither leads nor coordinates ", task_name, "; it cannot report on it"));
  }
  pqxx::result task = tx.exec_params(kLockTask, plan_id, number);
  if (task.empty()) return absl::NotFoundError(absl::StrCat(task_name, " not found"));
  if (!on_task) {
    return absl::PermissionDeniedError(
        absl::StrCat(reporter.unit, " neither leads nor coordinates ", task_name, "; report for one that does"));
  }
  if (task[0][0].as<int>() == pb::TASK_STATUS_CANCELLED) {
    return absl::FailedPreconditionError(absl::StrCat(task_name, " is cancelled; progress can no longer be reported"));
  }
  return db::ProtoFromBytea<pb::Task>(task[0][1]);
}

}  // namespace

absl::StatusOr<pb::ProgressReport> PgTaskStore::ReportProgress(const std::string& plan_id, int number,
                                                               const std::optional<OccurrenceKey>& occurrence,
                                                               const pb::ProgressReport& report,
                                                               const Reporter& reporter,
                                                               const pb::ReportProgressRequest& request) {
  const std::string task_name = absl::StrCat("plans/", plan_id, "/tasks/", number);
  return db::RunInTransaction(pool_, "ReportProgress", [&](pqxx::work& tx) -> absl::StatusOr<pb::ProgressReport> {
    return db::Idempotent<pb::ProgressReport>(
        tx, request.request_id(), "ReportProgress", request, [&]() -> absl::StatusOr<pb::ProgressReport> {
          RETURN_IF_ERROR(CheckReporter(tx, plan_id, number, reporter).status());
          std::string due;
          if (occurrence) {
            due = FormatIsoDate(occurrence->due);
            if (tx.exec_params(kOccurrenceExists, plan_id, number, due, occurrence->sub_activity).empty()) {
              return absl::NotFoundError(absl::StrCat("report.occurrence: ", report.occurrence(), " not found"));
            }
          }
          pb::ProgressReport stored = report;
          stored.set_reporting_unit(reporter.unit);
          stored.set_reported_by(reporter.subject);
          pqxx::row row =
              tx.exec_params1(kInsertReport, plan_id, number, due, occurrence ? occurrence->sub_activity : 0,
                              reporter.unit, pqxx::binarystring(stored.SerializeAsString()), reporter.subject);
          stored.set_name(absl::StrCat(task_name, "/progress/", row[0].as<int64_t>()));
          *stored.mutable_create_time() = MicrosToProtoTimestamp(row[1].as<int64_t>());
          if (occurrence) {
            tx.exec_params(kSetOccurrenceStatus, plan_id, number, due, occurrence->sub_activity,
                           static_cast<int>(report.status()));
          } else {
            tx.exec_params(kSetTaskStatus, plan_id, number, static_cast<int>(report.status()),
                           report.percent_complete());
          }
          pb::Event event;
          event.set_kind(pb::Event::KIND_PROGRESS_REPORTED);
          event.set_resource(stored.name());
          *event.mutable_progress() = stored;
          pg::AppendEvent(tx, event, request.request_id());  // Last, see pg_events.h.
          return stored;
        });
  });
}

absl::StatusOr<pb::TargetMeasurement> PgTaskStore::RecordTargetMeasurement(
    const std::string& plan_id, int number, int target, const pb::TargetMeasurement& measurement,
    const Reporter& reporter, const pb::RecordTargetMeasurementRequest& request) {
  return db::RunInTransaction(
      pool_, "RecordTargetMeasurement", [&](pqxx::work& tx) -> absl::StatusOr<pb::TargetMeasurement> {
        return db::Idempotent<pb::TargetMeasurement>(
            tx, request.request_id(), "RecordTargetMeasurement", request,
            [&]() -> absl::StatusOr<pb::TargetMeasurement> {
              ASSIGN_OR_RETURN(pb::Task task, CheckReporter(tx, plan_id, number, reporter));
              if (target > task.targets_size()) {
                return absl::NotFoundError(absl::StrCat("parent: ", request.parent(), " not found; the task has ",
                                                        task.targets_size(), " targets"));
              }
              pb::TargetMeasurement stored = measurement;
              stored.set_reporting_unit(reporter.unit);
              pqxx::row row = tx.exec_params1(kInsertMeasurement, plan_id, number, target, reporter.unit,
                                              pqxx::binarystring(stored.SerializeAsString()), reporter.subject);
              stored.set_name(absl::StrCat(request.parent(), "/measurements/", row[0].as<int64_t>()));
              *stored.mutable_create_time() = MicrosToProtoTimestamp(row[1].as<int64_t>());
              pb::Event event;
              event.set_kind(pb::Event::KIND_TARGET_MEASURED);
              event.set_resource(stored.name());
              *event.mutable_measurement() = stored;
              pg::AppendEvent(tx, event, request.request_id());  // Last, see pg_events.h.
              return stored;
            });
      });
}

absl::StatusOr<std::vector<pb::Event>> PgTaskStore::ReadEvents(int64_t after_seq, int limit,
                                                               const std::string& resource_prefix) {
  return db::RunSingleStatement(
      pool_, "ReadEvents", [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::vector<pb::Event>> {
        std::vector<pb::Event> events;
        for (const auto& row : tx.exec_params(kReadEvents, after_seq, limit, resource_prefix)) {
          pb::Event e = db::ProtoFromBytea<pb::Event>(row[1]);
          e.set_cursor(row[0].c_str());
          *e.mutable_commit_time() = MicrosToProtoTimestamp(row[2].as<int64_t>());
          events.push_back(std::move(e));
        }
        return events;
      });
}

}  // namespace p06::task
