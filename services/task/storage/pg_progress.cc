// Progress reports and the event stream.
#include <algorithm>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/db/bytea.h"
#include "common/db/idempotency.h"
#include "common/db/transaction.h"
#include "common/grpc/proto_time.h"
#include "common/grpc/status_mapping.h"
#include "services/task/storage/pg_events.h"
#include "services/task/storage/pg_task_store.h"

namespace p06::task {
namespace {

constexpr char kPlanYear[] = "SELECT year FROM plans WHERE id = $1";
constexpr char kTaskDefinition[] = "SELECT definition FROM tasks WHERE plan_id = $1 AND number = $2";
constexpr char kInsertMeasurement[] = R"sql(
INSERT INTO target_measurements (plan_id, number, target, reporting_unit, measurement, reported_by, create_time)
VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7::double precision / 1000000))
RETURNING id, (extract(epoch FROM create_time) * 1000000)::bigint
)sql";
constexpr char kTakeReportIds[] = "SELECT nextval('progress_reports_ids') FROM generate_series(1, 64)";
// Rows of events in stream order, each with whether it must wait for an older
// transaction still running (see schema/004_outbox_by_transaction.sql). Those come
// last: they have the highest xids. The first column tells whether the cursor lies
// before the pruned part of the outbox; then no event is read, and one row comes back.
constexpr char kReadEvents[] = R"sql(
SELECT r.behind, e.xid_text, e.seq, e.payload, e.commit_us, e.held
FROM (SELECT ($1::text::xid8, $2::bigint) > ('0'::xid8, 0::bigint)
             AND ($1::text::xid8, $2::bigint) < (pruned_xid, pruned_seq) AS behind
      FROM event_retention WHERE singleton) r  -- One row, as the planner then knows.
LEFT JOIN LATERAL (
  SELECT e.xid, e.xid::text AS xid_text, e.seq, e.payload,
         (extract(epoch FROM e.commit_time) * 1000000)::bigint AS commit_us,
         e.xid >= pg_snapshot_xmin(pg_current_snapshot()) AS held
  FROM events e
  WHERE NOT r.behind AND (e.xid, e.seq) > ($1::text::xid8, $2)
    AND ($4 = '' OR e.resource = $4 OR e.resource LIKE $4 || '/%')
  ORDER BY e.xid, e.seq LIMIT $3) e ON true
ORDER BY e.xid, e.seq  -- The xid8, not its text: that would put 1000 before 998.
)sql";
// Deletes the oldest events, up to the newest one committed before the cut-off whose
// transaction has ended, so that what is left is the stream after one position; and
// records that position. Concurrent prunes never move it back.
constexpr char kPruneEvents[] = R"sql(
WITH cut AS (
  SELECT xid, seq FROM events
  WHERE commit_time < now() - $1 * interval '1 second' AND xid < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY xid DESC, seq DESC LIMIT 1),
moved AS (
  UPDATE event_retention r SET pruned_xid = cut.xid, pruned_seq = cut.seq FROM cut
  WHERE (r.pruned_xid, r.pruned_seq) < (cut.xid, cut.seq) RETURNING 1),
gone AS (DELETE FROM events e USING cut WHERE (e.xid, e.seq) <= (cut.xid, cut.seq) RETURNING 1)
SELECT count(*) FROM gone
)sql";

// reporter_refusal (schema/functions/report_progress.sql): may `reporter` report on the task?
ReportRefusal ReporterRefusal(pqxx::work& tx, const std::string& plan_id, int number, const Reporter& reporter) {
  return ParseReportRefusal(
      tx.exec_params1("SELECT reporter_refusal($1, $2, $3, $4)", plan_id, number, reporter.unit, reporter.on_behalf)[0]
          .as<std::string>());
}

RefusalContext ContextOf(const std::string& plan_id, int number, const Reporter& reporter) {
  return {.task_name = absl::StrCat("plans/", plan_id, "/tasks/", number), .unit = reporter.unit};
}

// May `reporter` report on the task at all? Checked before an earlier answer is
// replayed, so that a request id cannot carry a caller past the check.
absl::Status CheckMayReport(pqxx::work& tx, const std::string& plan_id, int number, const Reporter& reporter) {
  const ReportRefusal refusal = ReporterRefusal(tx, plan_id, number, reporter);
  if (refusal != ReportRefusal::kNotOnTask && refusal != ReportRefusal::kNotOnTaskBehalf) return absl::OkStatus();
  return RefusalStatus(refusal, ContextOf(plan_id, number, reporter));
}

// May `reporter` report on the task now? PERMISSION_DENIED before NOT_FOUND: a
// stranger learns nothing, not even whether the task exists. FAILED_PRECONDITION for
// a cancelled task. Takes the task's write lock first; returns its definition.
absl::StatusOr<pb::Task> CheckReporter(pqxx::work& tx, const std::string& plan_id, int number,
                                       const Reporter& reporter) {
  pg::LockTaskForWrite(tx, plan_id, number);
  RETURN_IF_ERROR(RefusalStatus(ReporterRefusal(tx, plan_id, number, reporter), ContextOf(plan_id, number, reporter)));
  return db::ProtoFromBytea<pb::Task>(tx.exec_params1(kTaskDefinition, plan_id, number)[0]);
}

// A measurement must fit its target: a percentage is 0..100, and the period measured
// ends within a year of the plan's year (a plan of 2025 is measured from 2024 to 2026).
absl::Status CheckMeasurementFits(pqxx::work& tx, const std::string& plan_id, const pb::Target& target,
                                  const pb::TargetMeasurement& m) {
  if (target.unit_of_measure() == "%" && m.value() > 100) {
    return InvalidField("measurement.value", absl::StrCat("the target is a percentage: 0..100, not ", m.value()));
  }
  const int year = tx.exec_params1(kPlanYear, plan_id)[0].as<int>();
  if (m.period_end().year() < year - 1 || m.period_end().year() > year + 1) {
    return InvalidField("measurement.period_end", absl::StrCat("must lie in ", year - 1, "..", year + 1,
                                                               " for a plan of ", year));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int64_t> PgTaskStore::NextReportId() {
  std::lock_guard lock(ids_mu_);
  if (free_report_ids_.empty()) {
    absl::Status taken = db::RunSingleStatement(pool_, "TakeReportIds", [&](pqxx::nontransaction& tx) {
      for (const auto& row : tx.exec(kTakeReportIds)) free_report_ids_.push_back(row[0].as<int64_t>());
      return absl::OkStatus();
    });
    if (!taken.ok()) return taken;
    std::reverse(free_report_ids_.begin(), free_report_ids_.end());  // Smallest first.
  }
  const int64_t id = free_report_ids_.back();
  free_report_ids_.pop_back();
  return id;
}

// One call of the report_progress SQL function, written with the reports of other
// callers waiting at the same time (ReportBatcher): the report, its response and its
// event are built here first.
absl::StatusOr<pb::ProgressReport> PgTaskStore::ReportProgress(const std::string& plan_id, int number,
                                                               const std::optional<OccurrenceKey>& occurrence,
                                                               const pb::ProgressReport& report,
                                                               const Reporter& reporter,
                                                               const pb::ReportProgressRequest& request) {
  RefusalContext context = ContextOf(plan_id, number, reporter);
  context.occurrence = report.occurrence();
  ASSIGN_OR_RETURN(const int64_t id, NextReportId());
  const int64_t create_micros = absl::ToUnixMicros(clock_.Now());
  pb::ProgressReport stored = report;
  stored.set_name(absl::StrCat(context.task_name, "/progress/", id));
  stored.set_reporting_unit(reporter.unit);
  stored.set_reported_by(reporter.subject);
  *stored.mutable_create_time() = MicrosToProtoTimestamp(create_micros);
  pb::Event event;
  event.set_kind(pb::Event::KIND_PROGRESS_REPORTED);
  event.set_resource(stored.name());
  event.set_request_id(request.request_id());
  *event.mutable_progress() = stored;
  const ReportCall call{
      .request_id = request.request_id(),
      .fingerprint = db::RequestFingerprint(request),
      .plan = plan_id,
      .number = number,
      .occurrence_due = occurrence ? std::optional(occurrence->due) : std::nullopt,
      .occurrence_sub = occurrence ? occurrence->sub_activity : 0,
      .unit = reporter.unit,
      .on_behalf = reporter.on_behalf,
      .subject = reporter.subject,
      .status = static_cast<int>(report.status()),
      .percent = report.percent_complete(),
      .report_id = id,
      .create_micros = create_micros,
      .report = stored.SerializeAsString(),
      .event_resource = event.resource(),
      .event = event.SerializeAsString(),
  };
  ASSIGN_OR_RETURN(ReportAnswer answer, Notifying(batcher_.Run(call)));
  RETURN_IF_ERROR(RefusalStatus(answer.refusal, context));
  pb::ProgressReport posted;
  if (!posted.ParseFromString(answer.response)) return absl::InternalError("stored report unreadable");
  return posted;
}

absl::StatusOr<pb::TargetMeasurement> PgTaskStore::RecordTargetMeasurement(
    const std::string& plan_id, int number, int target, const pb::TargetMeasurement& measurement,
    const Reporter& reporter, const pb::RecordTargetMeasurementRequest& request) {
  return Notifying(db::RunInTransaction(
      pool_, "RecordTargetMeasurement", [&](pqxx::work& tx) -> absl::StatusOr<pb::TargetMeasurement> {
        RETURN_IF_ERROR(CheckMayReport(tx, plan_id, number, reporter));
        return db::Idempotent<pb::TargetMeasurement>(
            tx, reporter.subject, request.request_id(), "RecordTargetMeasurement", request,
            [&]() -> absl::StatusOr<pb::TargetMeasurement> {
              ASSIGN_OR_RETURN(pb::Task task, CheckReporter(tx, plan_id, number, reporter));  // Locks first.
              if (target > task.targets_size()) {
                return absl::NotFoundError(absl::StrCat("parent: ", request.parent(), " not found; the task has ",
                                                        task.targets_size(), " targets"));
              }
              RETURN_IF_ERROR(CheckMeasurementFits(tx, plan_id, task.targets(target - 1), measurement));
              pb::TargetMeasurement stored = measurement;
              stored.set_reporting_unit(reporter.unit);
              pqxx::row row = tx.exec_params1(kInsertMeasurement, plan_id, number, target, reporter.unit,
                                              pqxx::binarystring(stored.SerializeAsString()), reporter.subject,
                                              absl::ToUnixMicros(clock_.Now()));
              stored.set_name(absl::StrCat(request.parent(), "/measurements/", row[0].as<int64_t>()));
              *stored.mutable_create_time() = MicrosToProtoTimestamp(row[1].as<int64_t>());
              pb::Event event;
              event.set_kind(pb::Event::KIND_TARGET_MEASURED);
              event.set_resource(stored.name());
              *event.mutable_measurement() = stored;
              RETURN_IF_ERROR(pg::AppendEvent(tx, event, request.request_id()));
              return stored;
            });
      }));
}

absl::StatusOr<EventBatch> PgTaskStore::ReadEvents(const EventPosition& after, int limit,
                                                   const std::string& resource_prefix) {
  return db::RunSingleStatement(pool_, "ReadEvents", [&](pqxx::nontransaction& tx) -> absl::StatusOr<EventBatch> {
    EventBatch batch{.last = after};
    for (const auto& row : tx.exec_params(kReadEvents, std::to_string(after.xid), after.seq, limit, resource_prefix)) {
      if (row[0].as<bool>()) {
        return absl::OutOfRangeError(
            absl::StrCat("cursor ", FormatCursor(after),
                         " is older than the oldest event kept; read the current state and start again from an "
                         "empty cursor"));
      }
      if (row[1].is_null()) break;  // No event after the cursor.
      if (row[5].as<bool>()) {
        batch.held_back = true;
        break;
      }
      pb::Event e = db::ProtoFromBytea<pb::Event>(row[3]);
      batch.last = {.xid = row[1].as<int64_t>(), .seq = row[2].as<int64_t>()};
      e.set_cursor(FormatCursor(batch.last));
      *e.mutable_commit_time() = MicrosToProtoTimestamp(row[4].as<int64_t>());
      batch.events.push_back(std::move(e));
    }
    return batch;
  });
}

absl::StatusOr<int64_t> PgTaskStore::CountEventsAfter(const EventPosition& after, int64_t limit) {
  return db::RunSingleStatement(pool_, "CountEventsAfter", [&](pqxx::nontransaction& tx) -> absl::StatusOr<int64_t> {
    return tx
        .exec_params1("SELECT count(*) FROM (SELECT 1 FROM events WHERE (xid, seq) > ($1::text::xid8, $2) LIMIT $3) e",
                      std::to_string(after.xid), after.seq, limit)[0]
        .as<int64_t>();
  });
}

absl::StatusOr<int64_t> PgTaskStore::PruneEvents(absl::Duration older_than) {
  return db::RunSingleWrite(pool_, "PruneEvents", [&](pqxx::nontransaction& tx) -> absl::StatusOr<int64_t> {
    return tx.exec_params1(kPruneEvents, absl::ToInt64Seconds(older_than))[0].as<int64_t>();
  });
}

}  // namespace p06::task
