// Benchmarks of the reporting service's two heavy paths, each figure beside a baseline
// or a ratio measured in the same run, on a durable PostgreSQL (fsync and
// synchronous_commit on, as production runs):
//   - a monthly report of plans of 1,000, 10,000 and 100,000 tasks × 12 monthly
//     occurrences with progress from 100 units (two reports a task): the read-model
//     load, the counting, the stored snapshot and the XLSX export, in seconds, with
//     the process's peak memory, and the ratio between sizes (linear growth: ×10);
//   - catching up on 1,000,000 events through the consumer's own write path
//     (ReportingStore::Apply, 500 events a transaction with the cursor), in events/s,
//     beside plain INSERTs of rows of the same size in transactions of 500.
// The events are built in process rather than streamed from a task service, so the
// figures are the reporting service's own cost. Figures, not assertions.
// P06_BENCH_TASKS (e.g. "1000,10000") and P06_BENCH_EVENTS override the sizes.
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <pqxx/pqxx>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/db/migrations.h"
#include "common/server/server_config.h"
#include "common/grpc/proto_time.h"
#include "services/reporting/counting/report_builder.h"
#include "services/reporting/export/exporters.h"
#include "services/reporting/periods/regime.h"
#include "services/reporting/storage/pg_reporting_store.h"
#include "tests/harness/internal_key.h"
#include "tests/harness//pg_cluster.h"

std::span<const p06::db::Migration> ReportingMigrations();

namespace {

namespace rpb = ::p06::reporting::v1;
namespace tpb = ::p06::task::v1;
using p06::reporting::PgReportingStore;

constexpr int kBatch = 500;
constexpr int kUnits = 100;

std::vector<int> Sizes(const char* env, std::vector<int> fallback) {
  if (std::getenv(env) == nullptr) return fallback;
  std::vector<int> out;
  for (absl::string_view s : absl::StrSplit(std::getenv(env), ',')) {
    int n = 0;
    if (absl::SimpleAtoi(s, &n) && n > 0) out.push_back(n);
  }
  return out;
}

double PeakMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024;
}

google::protobuf::Timestamp At(absl::CivilDay day) {
  return p06::ToProtoTimestamp(absl::FromCivil(absl::CivilSecond(day) + 3 * 3600, absl::UTCTimeZone()));
}

// The events of a plan of `tasks` tasks: the plan, each task with its 12 monthly
// occurrences, and two progress reports a task from its lead unit (one on March's
// occurrence, done on time or late; one on the whole task).
std::vector<tpb::Event> PlanEvents(const std::string& plan_id, int tasks) {
  std::vector<tpb::Event> events;
  tpb::Event plan;
  plan.set_kind(tpb::Event::KIND_PLAN_IMPORTED);
  plan.set_resource("plans/" + plan_id);
  plan.mutable_plan()->set_name("plans/" + plan_id);
  plan.mutable_plan()->set_year(2025);
  plan.mutable_plan()->set_title("Kế hoạch thử tải");
  for (int s = 1; s <= 7; ++s) {
    tpb::Section* section = plan.mutable_plan()->add_sections();
    section->set_ordinal(s);
    section->set_label(absl::StrCat(s));
    section->set_title(absl::StrCat("Phần ", s));
  }
  events.push_back(plan);
  int64_t report_id = 0;
  for (int n = 1; n <= tasks; ++n) {
    const std::string name = absl::StrCat("plans/", plan_id, "/tasks/", n);
    tpb::Event e;
    e.set_kind(tpb::Event::KIND_TASK_CHANGED);
    e.set_resource(name);
    tpb::Task* t = e.mutable_task();
    t->set_name(name);
    t->set_number(n);
    t->set_section_ordinal(1 + n % 7);
    t->set_title(absl::StrCat("Nhiệm vụ số ", n, " về triển khai ứng dụng dữ liệu dân cư, định danh và xác thực điện tử"));
    tpb::UnitRef* lead = t->add_lead_units();
    lead->set_unit(absl::StrCat("units/u", n % kUnits));
    lead->set_primary(true);
    t->add_coordinating_units()->set_unit(absl::StrCat("units/u", (n + 1) % kUnits));
    t->mutable_schedule()->set_kind(tpb::Schedule::KIND_MONTHLY);
    for (int m = 1; m <= 12; ++m) {
      const absl::CivilDay due = absl::CivilDay(2025, m + 1, 1) - 1;
      tpb::Occurrence* o = e.add_occurrences();
      o->set_name(absl::StrCat(name, "/occurrences/", p06::FormatIsoDate(due)));
      *o->mutable_due_date() = p06::ToProtoDate(due);
    }
    events.push_back(std::move(e));
    for (int r = 0; r < 2; ++r) {
      tpb::Event p;
      p.set_kind(tpb::Event::KIND_PROGRESS_REPORTED);
      tpb::ProgressReport* report = p.mutable_progress();
      report->set_name(absl::StrCat(name, "/progress/", ++report_id));
      p.set_resource(report->name());
      report->set_reporting_unit(absl::StrCat("units/u", n % kUnits));
      if (r == 0) {
        report->set_occurrence(absl::StrCat(name, "/occurrences/2025-03-31"));
        report->set_status(tpb::TASK_STATUS_COMPLETED);
        report->set_percent_complete(100);
        *report->mutable_create_time() = At(absl::CivilDay(2025, 3, n % 2 ? 20 : 10));
      } else {
        report->set_status(n % 5 ? tpb::TASK_STATUS_IN_PROGRESS : tpb::TASK_STATUS_BLOCKED);
        report->set_percent_complete(n % 100);
        report->set_summary("Đã triển khai theo kế hoạch");
        if (n % 5 == 0) report->set_difficulties("Chưa có hướng dẫn kết nối dữ liệu");
        *report->mutable_create_time() = At(absl::CivilDay(2025, 2, 20));
      }
      events.push_back(std::move(p));
    }
  }
  return events;
}

// Applies `events` as the consumer does, kBatch a transaction with the cursor.
bool ApplyAll(PgReportingStore& store, std::vector<tpb::Event>& events, std::string* cursor, int64_t* seq) {
  for (size_t i = 0; i < events.size(); i += kBatch) {
    std::vector<tpb::Event> batch(events.begin() + i, events.begin() + std::min(events.size(), i + kBatch));
    for (tpb::Event& e : batch) e.set_cursor(absl::StrCat("1.", ++*seq));
    if (!store.Apply(*cursor, batch, false, absl::Now()).ok()) return false;
    *cursor = batch.back().cursor();
  }
  return true;
}

int Run() {
  auto cluster = p06::testing::PgCluster::Create(/*durable=*/true);
  if (!cluster.ok()) return std::fprintf(stderr, "%s\n", cluster.status().ToString().c_str()), 1;
  auto url = (*cluster)->CreateDatabase();
  if (!url.ok()) return 1;
  p06::ServerConfig config;
  config.db = {.url = *url, .schema = "reporting", .size = 4};
  if (!p06::db::ApplyMigrations(p06::db::BuildConnectionString(config.db), "reporting", ReportingMigrations()).ok()) {
    return 1;
  }
  p06::db::Pool pool(config.db);
  PgReportingStore store(pool);
  std::string cursor;
  int64_t seq = 0;
  absl::StatusOr<rpb::ReportPeriod> march = p06::reporting::Regime::Default().Find(
      rpb::PERIOD_KIND_MONTHLY, "2025-03", p06::calendar::WorkingCalendar::Vietnam());
  if (!march.ok()) return 1;

  std::printf("reporting benchmark: a monthly report (DESIGN.md: 10,000 tasks under 1 s, linear growth)\n");
  std::printf("  %8s %9s %8s %8s %8s %8s %8s %9s %10s\n", "tasks", "items", "load s", "count s", "store s",
              "report s", "xlsx s", "xlsx MiB", "peak MiB");
  double previous_report = 0, previous_xlsx = 0;
  for (int tasks : Sizes("P06_BENCH_TASKS", {1000, 10000, 100000})) {
    const std::string plan_id = absl::StrCat("bench-", tasks);
    std::vector<tpb::Event> events = PlanEvents(plan_id, tasks);
    if (!ApplyAll(store, events, &cursor, &seq)) return std::fprintf(stderr, "apply failed\n"), 1;
    events.clear();
    events.shrink_to_fit();
    absl::Time t0 = absl::Now();
    absl::StatusOr<p06::reporting::LoadedPlan> loaded = store.LoadPlan(plan_id);
    if (!loaded.ok()) return 1;
    absl::Time t1 = absl::Now();
    rpb::Report built = p06::reporting::BuildReport(loaded->model, *march, nullptr);
    absl::Time t2 = absl::Now();
    rpb::CreateReportRequest request;
    request.set_plan("plans/" + plan_id);
    *request.mutable_period() = *march;
    absl::StatusOr<rpb::Report> saved =
        store.SaveReport(plan_id, request, "bench", [&](const rpb::Report*) -> absl::StatusOr<rpb::Report> { return built; });
    if (!saved.ok()) return std::fprintf(stderr, "%s\n", saved.status().ToString().c_str()), 1;
    absl::Time t3 = absl::Now();
    absl::StatusOr<p06::reporting::Document> xlsx = p06::reporting::Export(*saved, rpb::EXPORT_FORMAT_XLSX);
    if (!xlsx.ok()) return 1;
    absl::Time t4 = absl::Now();
    const double report_s = absl::ToDoubleSeconds(t3 - t0), xlsx_s = absl::ToDoubleSeconds(t4 - t3);
    std::printf("  %8d %9d %8.3f %8.3f %8.3f %8.3f %8.3f %9.1f %10.0f", tasks, built.totals().total(),
                absl::ToDoubleSeconds(t1 - t0), absl::ToDoubleSeconds(t2 - t1), absl::ToDoubleSeconds(t3 - t2),
                report_s, xlsx_s, static_cast<double>(xlsx->content.size()) / (1 << 20), PeakMiB());
    if (previous_report > 0) std::printf("   ×%.1f report, ×%.1f xlsx", report_s / previous_report, xlsx_s / previous_xlsx);
    std::printf("\n");
    previous_report = report_s;
    previous_xlsx = xlsx_s;
  }

  // Catch-up: events through Apply, against plain INSERTs of rows of the same size.
  const int total = Sizes("P06_BENCH_EVENTS", {1000000}).front();
  std::vector<tpb::Event> events;
  events.reserve(kBatch);
  int64_t applied = 0;
  absl::Time start = absl::Now();
  std::vector<tpb::Event> plan = PlanEvents("bench-catch-up", 100);
  if (!ApplyAll(store, plan, &cursor, &seq)) return 1;
  applied += static_cast<int64_t>(plan.size());
  for (int64_t i = 0; applied < total; ++i) {
    tpb::Event p;
    p.set_kind(tpb::Event::KIND_PROGRESS_REPORTED);
    tpb::ProgressReport* report = p.mutable_progress();
    report->set_name(absl::StrCat("plans/bench-catch-up/tasks/", 1 + i % 100, "/progress/", 1000000 + i));
    p.set_resource(report->name());
    report->set_reporting_unit(absl::StrCat("units/u", i % kUnits));
    report->set_status(tpb::TASK_STATUS_IN_PROGRESS);
    report->set_percent_complete(static_cast<int>(i % 100));
    report->set_summary("Đã triển khai theo kế hoạch");
    *report->mutable_create_time() = At(absl::CivilDay(2025, 3, 1));
    events.push_back(std::move(p));
    if (events.size() == kBatch || applied + static_cast<int64_t>(events.size()) >= total) {
      if (!ApplyAll(store, events, &cursor, &seq)) return 1;
      applied += static_cast<int64_t>(events.size());
      events.clear();
    }
  }
  const double apply_rate = static_cast<double>(applied) / absl::ToDoubleSeconds(absl::Now() - start);

  pqxx::connection conn(p06::db::BuildConnectionString(config.db));
  pqxx::nontransaction(conn).exec0("CREATE TABLE reporting.baseline (name text PRIMARY KEY, number integer, payload bytea)");
  start = absl::Now();
  for (int64_t i = 0; i < applied; i += kBatch) {
    pqxx::work tx(conn);
    std::string sql = "INSERT INTO reporting.baseline VALUES ";
    for (int64_t j = i; j < std::min<int64_t>(applied, i + kBatch); ++j) {
      absl::StrAppend(&sql, j == i ? "" : ",", "('row-", j, "', ", j % 100, ", '\\x", std::string(240, 'a'), "')");
    }
    tx.exec0(sql);
    tx.commit();
  }
  const double baseline_rate = static_cast<double>(applied) / absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("catch-up of %lld events: %.0f events/s through the consumer's Apply; plain INSERTs %.0f rows/s; "
              "ratio %.0f%%\n",
              static_cast<long long>(applied), apply_rate, baseline_rate, 100 * apply_rate / baseline_rate);
  return 0;
}

}  // namespace

int main() {
  p06::testing::InstallTestInternalKeys();
  return Run();
}
