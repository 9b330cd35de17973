#include "services/reporting/storage/pg_reporting_store.h"

#include <pqxx/pqxx>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/base/status_macros.h"
#include "common/db/bytea.h"
#include "common/db/idempotency.h"
#include "common/db/transaction.h"
#include "common/events/consumer_tables.h"
#include "common/grpc/proto_time.h"
#include "services/reporting/storage/report_view.h"

namespace p06::reporting {
namespace {

constexpr char kUpsertPlan[] = R"sql(
INSERT INTO plans (plan_id, year, plan) VALUES ($1, $2, $3)
ON CONFLICT (plan_id) DO UPDATE SET year = excluded.year, plan = excluded.plan
)sql";
constexpr char kUpsertTask[] = R"sql(
INSERT INTO tasks (plan_id, number, removed, task) VALUES ($1, $2, false, $3)
ON CONFLICT (plan_id, number) DO UPDATE SET removed = false, task = excluded.task
)sql";
constexpr char kRemoveTask[] = "UPDATE tasks SET removed = true WHERE plan_id = $1 AND number = $2";
constexpr char kDeleteOccurrences[] = "DELETE FROM occurrences WHERE plan_id = $1 AND number = $2";
constexpr char kInsertOccurrences[] = "INSERT INTO occurrences (plan_id, number, name, due_date) VALUES ";
// Appended rows (progress, measurements) of a batch, written by one multi-row
// INSERT each: they are most of the stream, and one statement a row would make
// catching up a round trip per event. The day of a report is its day in Hà Nội,
// what "reported by the cut-off" compares.
struct AppendRows {
  std::string progress_sql, measurement_sql;
  std::vector<std::string> progress_params, measurement_params;
};

constexpr char kProgressInsert[] = "INSERT INTO progress (name, plan_id, number, report_day, create_time, report) VALUES ";
constexpr char kMeasurementInsert[] =
    "INSERT INTO measurements (name, plan_id, number, target, report_day, measurement) VALUES ";
constexpr char kDayOf[] = "(to_timestamp($%d::double precision / 1000000) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date";

std::string Hex(const google::protobuf::Message& m) { return absl::StrCat("\\x", absl::BytesToHexString(m.SerializeAsString())); }

void AddProgress(AppendRows& rows, const std::string& plan, int number, const tpb::ProgressReport& report) {
  const size_t p = rows.progress_params.size();
  absl::StrAppend(&rows.progress_sql, p == 0 ? kProgressInsert : ", ",
                  absl::StrFormat("($%d, $%d, $%d::int, ", p + 1, p + 2, p + 3), absl::StrFormat(kDayOf, p + 4),
                  absl::StrFormat(", to_timestamp($%d::double precision / 1000000), $%d::bytea)", p + 4, p + 5));
  for (std::string v : {report.name(), plan, absl::StrCat(number), absl::StrCat(ProtoTimestampToMicros(report.create_time())),
                        Hex(report)}) {
    rows.progress_params.push_back(std::move(v));
  }
}

void AddMeasurement(AppendRows& rows, const std::string& plan, int number, int target,
                    const tpb::TargetMeasurement& m) {
  const size_t p = rows.measurement_params.size();
  absl::StrAppend(&rows.measurement_sql, p == 0 ? kMeasurementInsert : ", ",
                  absl::StrFormat("($%d, $%d, $%d::int, $%d::int, ", p + 1, p + 2, p + 3, p + 4),
                  absl::StrFormat(kDayOf, p + 5), absl::StrFormat(", $%d::bytea)", p + 6));
  for (std::string v : {m.name(), plan, absl::StrCat(number), absl::StrCat(target),
                        absl::StrCat(ProtoTimestampToMicros(m.create_time())), Hex(m)}) {
    rows.measurement_params.push_back(std::move(v));
  }
}

void WriteAppended(pqxx::work& tx, const AppendRows& rows) {
  if (!rows.progress_params.empty()) {
    tx.exec_params(rows.progress_sql + " ON CONFLICT (name) DO NOTHING",
                   pqxx::prepare::make_dynamic_params(rows.progress_params));
  }
  if (!rows.measurement_params.empty()) {
    tx.exec_params(rows.measurement_sql + " ON CONFLICT (name) DO NOTHING",
                   pqxx::prepare::make_dynamic_params(rows.measurement_params));
  }
}

// "plans/{plan}/tasks/{n}[/…]" → (plan, n); n = 0 for "plans/{plan}".
bool ParseTaskResource(const std::string& resource, std::string* plan, int* number, int* target = nullptr) {
  std::vector<std::string> parts = absl::StrSplit(resource, '/');
  if (parts.size() < 2 || parts[0] != "plans") return false;
  *plan = parts[1];
  *number = 0;
  if (parts.size() >= 4 && (parts[2] != "tasks" || !absl::SimpleAtoi(parts[3], number))) return false;
  if (target != nullptr && (parts.size() < 6 || parts[4] != "targets" || !absl::SimpleAtoi(parts[5], target))) {
    return false;
  }
  return true;
}


// One event into the read model (appended rows into `rows`, written after the
// batch's other changes: nothing else reads them). Events of kinds this binary does
// not know, or whose resource it cannot read, are skipped: the cursor still moves
// past them.
void ApplyEvent(pqxx::work& tx, const tpb::Event& e, AppendRows& rows) {
  std::string plan;
  int number = 0;
  if (!ParseTaskResource(e.resource(), &plan, &number)) return;
  switch (e.kind()) {
    case tpb::Event::KIND_PLAN_IMPORTED:
      if (e.has_plan()) tx.exec_params(kUpsertPlan, plan, e.plan().year(), db::Bytes(e.plan()));
      break;
    case tpb::Event::KIND_TASK_CHANGED:
      if (!e.has_task()) {
        tx.exec_params(kRemoveTask, plan, number);
        break;
      }
      tx.exec_params(kUpsertTask, plan, number, db::Bytes(e.task()));
      tx.exec_params(kDeleteOccurrences, plan, number);
      if (e.occurrences_size() > 0) {  // One statement for all of the task's occurrences.
        std::string sql = kInsertOccurrences;
        std::vector<std::string> params = {plan, absl::StrCat(number)};
        for (const tpb::Occurrence& o : e.occurrences()) {
          absl::StrAppend(&sql, params.size() == 2 ? "" : ", ",
                          absl::StrFormat("($1, $2::int, $%d, $%d::date)", params.size() + 1, params.size() + 2));
          params.push_back(o.name());
          params.push_back(
              FormatIsoDate(CivilDayOf(o.due_date())));
        }
        tx.exec_params(sql + " ON CONFLICT DO NOTHING", pqxx::prepare::make_dynamic_params(params));
      }
      break;
    case tpb::Event::KIND_PROGRESS_REPORTED:
      if (e.has_progress()) {
        AddProgress(rows, plan, number, e.progress());
      }
      break;
    case tpb::Event::KIND_TARGET_MEASURED: {
      int target = 0;
      if (e.has_measurement() && ParseTaskResource(e.resource(), &plan, &number, &target)) {
        AddMeasurement(rows, plan, number, target, e.measurement());
      }
      break;
    }
    default:
      break;
  }
}


}  // namespace

absl::StatusOr<ConsumerState> PgReportingStore::State() {
  return db::RunSingleStatement(pool_, "ConsumerState", [&](pqxx::nontransaction& tx) -> absl::StatusOr<ConsumerState> {
    return events::ReadConsumerState(tx);
  });
}

absl::Status PgReportingStore::Apply(const std::string& expected_cursor, const std::vector<tpb::Event>& events,
                                     bool caught_up, absl::Time now) {
  return db::RunInTransaction(pool_, "ApplyEvents", [&](pqxx::work& tx) -> absl::Status {
    AppendRows rows;
    for (const tpb::Event& e : events) ApplyEvent(tx, e, rows);
    WriteAppended(tx, rows);
    return events::MoveCursor(tx, expected_cursor, events, caught_up, now);
  });
}

absl::Status PgReportingStore::Skip(const std::string& expected_cursor, const tpb::Event& event,
                                    const std::string& error, absl::Time now) {
  return db::RunInTransaction(pool_, "SkipEvent", [&](pqxx::work& tx) -> absl::Status {
    return events::SkipEvent(tx, expected_cursor, event, error, now);
  });
}

absl::Status PgReportingStore::Rebuild(const std::string& expected_cursor, const std::vector<tpb::Event>& current) {
  return db::RunInTransaction(pool_, "RebuildReadModel", [&](pqxx::work& tx) -> absl::Status {
    RETURN_IF_ERROR(events::RewindCursor(tx, expected_cursor));
    tx.exec0("TRUNCATE plans, tasks, occurrences");
    AppendRows rows;
    for (const tpb::Event& e : current) ApplyEvent(tx, e, rows);
    WriteAppended(tx, rows);
    return absl::OkStatus();
  });
}

absl::StatusOr<LoadedPlan> PgReportingStore::LoadPlan(const std::string& plan_id) {
  return db::RunReadOnly(pool_, "LoadPlan", [&](pqxx::read_transaction& tx) -> absl::StatusOr<LoadedPlan> {
    tx.exec0("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");  // One snapshot for every read below.
    LoadedPlan loaded;
    loaded.state = events::ReadConsumerState(tx);
    pqxx::result plan = tx.exec_params("SELECT plan FROM plans WHERE plan_id = $1", plan_id);
    if (plan.empty()) return absl::NotFoundError(absl::StrCat("plans/", plan_id, " not found in the read model"));
    PlanModel& m = loaded.model;
    m.plan = db::ProtoFromBytea<tpb::Plan>(plan[0][0]);
    std::map<int, size_t> index;
    for (const auto& r : tx.exec_params(
             "SELECT number, task FROM tasks WHERE plan_id = $1 AND NOT removed ORDER BY number", plan_id)) {
      index[r[0].as<int>()] = m.tasks.size();
      m.tasks.push_back({.task = db::ProtoFromBytea<tpb::Task>(r[1])});
    }
    for (const auto& r : tx.exec_params(
             "SELECT number, name, due_date::text FROM occurrences WHERE plan_id = $1 ORDER BY number, due_date, name",
             plan_id)) {
      auto found = index.find(r[0].as<int>());
      absl::CivilDay due;
      if (found == index.end() || !ParseIsoDate(r[2].c_str(), &due)) continue;
      m.tasks[found->second].occurrences.push_back({.name = r[1].as<std::string>(), .due = due});
    }
    for (const auto& r : tx.exec_params(
             "SELECT number, report_day::text, report FROM progress WHERE plan_id = $1 ORDER BY number, create_time, name",
             plan_id)) {
      absl::CivilDay day;
      if (!ParseIsoDate(r[1].c_str(), &day)) continue;
      m.reports[r[0].as<int>()].push_back({.report = db::ProtoFromBytea<tpb::ProgressReport>(r[2]), .day = day});
    }
    for (const auto& r : tx.exec_params("SELECT number, target, report_day::text, measurement FROM measurements "
                                        "WHERE plan_id = $1 ORDER BY number, report_day, "
                                        "(regexp_replace(name, '^.*/', ''))::bigint",
                                        plan_id)) {
      absl::CivilDay day;
      if (!ParseIsoDate(r[2].c_str(), &day)) continue;
      m.measurements[r[0].as<int>()].push_back(
          {.measurement = db::ProtoFromBytea<tpb::TargetMeasurement>(r[3]), .target = r[1].as<int>(), .day = day});
    }
    return loaded;
  });
}

absl::StatusOr<pb::Report> PgReportingStore::SaveReport(const std::string& plan_id,
                                                        const pb::CreateReportRequest& request,
                                                        const std::string& caller, const ReportFn& build) {
  return db::RunInTransaction(pool_, "CreateReport", [&](pqxx::work& tx) -> absl::StatusOr<pb::Report> {
    return db::Idempotent<pb::Report>(
        tx, caller, request.request_id(), "CreateReport", request, [&]() -> absl::StatusOr<pb::Report> {
          const pb::ReportPeriod& period = request.period();
          const std::string window_end = FormatIsoDate(CivilDayOf(period.window_end()));
          // The previous report of the same plan and kind: the newest whose window ends earlier.
          pqxx::result prior = tx.exec_params(
              "SELECT report FROM reports WHERE plan_id = $1 AND kind = $2 AND window_end < $3::date "
              "ORDER BY window_end DESC, id DESC LIMIT 1",
              plan_id, static_cast<int>(period.kind()), window_end);
          std::optional<pb::Report> previous;
          if (!prior.empty()) previous = db::ProtoFromBytea<pb::Report>(prior[0][0]);
          ASSIGN_OR_RETURN(pb::Report report, build(previous ? &*previous : nullptr));
          const pqxx::row row = tx.exec_params1(
              "INSERT INTO reports (plan_id, kind, label, window_end, report) VALUES ($1, $2, $3, $4::date, '') "
              "RETURNING id, (extract(epoch FROM create_time) * 1000000)::bigint",
              plan_id, static_cast<int>(report.period().kind()), report.period().label(), window_end);
          report.set_name(absl::StrCat("reports/", row[0].as<int64_t>()));
          *report.mutable_create_time() = MicrosToProtoTimestamp(row[1].as<int64_t>());
          tx.exec_params("UPDATE reports SET report = $2, summary = $3 WHERE id = $1", row[0].as<int64_t>(),
                         db::Bytes(report), db::Bytes(BasicView(report)));
          return report;
        });
  });
}

absl::StatusOr<pb::Report> PgReportingStore::GetReport(int64_t id) {
  return db::RunSingleStatement(pool_, "GetReport", [&](pqxx::nontransaction& tx) -> absl::StatusOr<pb::Report> {
    pqxx::result r = tx.exec_params("SELECT report FROM reports WHERE id = $1", id);
    if (r.empty()) return absl::NotFoundError(absl::StrCat("reports/", id, " not found"));
    return db::ProtoFromBytea<pb::Report>(r[0][0]);
  });
}

absl::StatusOr<std::vector<pb::Report>> PgReportingStore::ListReports(const std::string& plan_id, int64_t before_id,
                                                                      int limit) {
  return db::RunSingleStatement(pool_, "ListReports", [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::vector<pb::Report>> {
    std::vector<pb::Report> out;
    for (const auto& r : tx.exec_params("SELECT CASE WHEN length(summary) > 0 THEN summary ELSE report END "
                                        "FROM reports WHERE ($1 = '' OR plan_id = $1) "
                                        "AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3",
                                        plan_id, before_id, limit)) {
      out.push_back(BasicView(db::ProtoFromBytea<pb::Report>(r[0])));
    }
    return out;
  });
}

}  // namespace p06::reporting
