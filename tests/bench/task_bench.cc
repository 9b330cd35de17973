// Benchmarks of the task service, each beside a baseline measured in the same run on
// the same machine, at 16 concurrent clients:
//   - reads: GetTask requests/s against a bare gRPC server (grpc.health.v1 Check, no
//     interceptor, no database), and against the same Check on the task server;
//   - writes: ReportProgress (report row + task or occurrence update + outbox event +
//     request log; committed before the call returns, with the reports of other
//     callers waiting at the same time) against plain single-row INSERTs, one per
//     transaction, on the same PostgreSQL with the same durability: PostgreSQL's
//     defaults (fsync and synchronous_commit on), as production runs.
// Figures, not assertions. P06_BENCH_CLIENTS overrides the number of clients.
#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

#include "absl/time/clock.h"
#include "common/db/migrations.h"
#include "common/grpc/client.h"
#include "common/grpc/principal.h"
#include "common/server/server.h"
#include "services/directory/directory_bundle.h"
#include "services/p06ctl/health.h"
#include "services/task/task_bundle.h"
#include "tests/harness/internal_key.h"
#include "tests/harness//pg_cluster.h"

namespace {

namespace tpb = ::p06::task::v1;
const int kClients = std::getenv("P06_BENCH_CLIENTS") ? std::atoi(std::getenv("P06_BENCH_CLIENTS")) : 16;
constexpr absl::Duration kDuration = absl::Seconds(3);

// Runs `call(client, i)` from kClients threads for kDuration; returns calls/s.
template <typename Call>
double Load(Call call) {
  std::atomic<int64_t> done{0}, failed{0};
  const absl::Time end = absl::Now() + kDuration;
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      for (int64_t i = 0; absl::Now() < end; ++i) (call(c, i) ? done : failed)++;
    });
  }
  for (auto& t : threads) t.join();
  if (failed > 0) std::printf("    (%lld calls failed)\n", static_cast<long long>(failed.load()));
  return static_cast<double>(done) / absl::ToDoubleSeconds(kDuration);
}

std::string ReadPlan() {
  std::ifstream in(P06_SOURCE_DIR "/deploy/plans/qd-910-btp-2025.txt", std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int Run() {
  auto cluster = p06::testing::PgCluster::Create(/*durable=*/true);
  if (!cluster.ok()) return std::fprintf(stderr, "%s\n", cluster.status().ToString().c_str()), 1;
  auto url = (*cluster)->CreateDatabase();
  if (!url.ok()) return 1;
  prometheus::Registry registry;
  p06::ServerConfig dir_config, task_config;
  dir_config.db = {.url = *url, .schema = "directory", .size = 4};
  task_config.db = {.url = *url, .schema = "task", .size = 16};
  if (!p06::db::ApplyMigrations(p06::db::BuildConnectionString(dir_config.db), "directory", DirectoryMigrations())
           .ok() ||
      !p06::db::ApplyMigrations(p06::db::BuildConnectionString(task_config.db), "task", TaskMigrations()).ok()) {
    return 1;
  }
  p06::db::Pool dir_pool(dir_config.db), task_pool(task_config.db);
  p06::ServiceContext dir_ctx{dir_config, dir_pool, registry, p06::SystemClock::Get()};
  auto directory = p06::directory::DirectoryBundle::Create(dir_ctx);
  if (!directory.ok()) return 1;
  auto dir_server = p06::Server::Start({}, (*directory)->GrpcServices(), registry);
  if (!dir_server.ok()) return 1;
  p06::ServiceContext task_ctx{task_config, task_pool, registry, p06::SystemClock::Get()};
  auto bundle = p06::task::TaskBundle::Create(task_ctx, {.directory_target = "127.0.0.1:" + std::to_string((*dir_server)->port())});
  if (!bundle.ok()) return 1;
  p06::task::TaskBundle& tasks = **bundle;
  auto server = p06::Server::Start({}, tasks.GrpcServices(), registry);
  if (!server.ok()) return 1;
  const std::string target = "127.0.0.1:" + std::to_string((*server)->port());

  tpb::ImportPlanRequest import;
  import.set_text(ReadPlan());
  const p06::Principal office{.subject = "bench", .unit = "units/van-phong-bo", .roles = {"office"}};
  if (!tasks.service().ImportPlan(import, office, {.request_id = "bench"}).ok()) return 1;

  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int c = 0; c < kClients; ++c) {
    // A connection per client, as separate callers have; proving its principal, as the
    // suite's channels do.
    channels.push_back(p06::MakeChannel(target, c + 1));
  }
  std::printf("task service benchmark: %d concurrent clients, %s per measurement\n", kClients,
              absl::FormatDuration(kDuration).c_str());

  // The bare server: gRPC's own health service and nothing else.
  grpc::EnableDefaultHealthCheckService(true);
  int bare_port = 0;
  std::unique_ptr<grpc::Server> bare =
      grpc::ServerBuilder()
          .AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &bare_port)
          .BuildAndStart();
  std::vector<std::shared_ptr<grpc::Channel>> bare_channels;
  for (int c = 0; c < kClients; ++c) {
    // Made as the task service's clients are, so that the two differ only in the server.
    bare_channels.push_back(p06::MakeChannel("127.0.0.1:" + std::to_string(bare_port), c + 1));
  }
  auto check = [](const std::shared_ptr<grpc::Channel>& channel) {
    grpc::Status s = p06::ctl::CheckHealth(channel, "", absl::Seconds(5));
    if (!s.ok()) std::fprintf(stderr, "health: %s\n", s.error_message().c_str());
    return s.ok();
  };
  const double echo = Load([&](int c, int64_t) { return check(bare_channels[c]); });
  bare->Shutdown();
  const double health = Load([&](int c, int64_t) { return check(channels[c]); });
  std::vector<std::unique_ptr<tpb::TaskService::Stub>> stubs;
  for (auto& ch : channels) stubs.push_back(tpb::TaskService::NewStub(ch));
  const double get_task = Load([&](int c, int64_t i) {
    tpb::GetTaskRequest r;
    r.set_name("plans/910-qd-btp-2025/tasks/" + std::to_string(1 + (i * 7 + c) % 49));
    tpb::Task t;
    grpc::ClientContext ctx;
    p06::AttachPrincipal(ctx, office);
    return stubs[c]->GetTask(&ctx, r, &t).ok();
  });
  std::printf("  reads   baseline: bare gRPC server, health Check %7.0f req/s\n", echo);
  std::printf("          task server, health Check (no database) %7.0f req/s  = %.0f%% of the baseline\n", health,
              100 * health / echo);
  std::printf("          GetTask                                 %7.0f req/s  = %.0f%% of the baseline\n", get_task,
              100 * get_task / echo);

  {
    pqxx::connection setup(*url);
    pqxx::work tx(setup);
    tx.exec0("CREATE TABLE bench_insert (id bigserial PRIMARY KEY, v text NOT NULL)");
    tx.commit();
  }
  std::vector<std::unique_ptr<pqxx::connection>> conns;
  for (int c = 0; c < kClients; ++c) conns.push_back(std::make_unique<pqxx::connection>(*url));
  const double insert = Load([&](int c, int64_t) {
    pqxx::nontransaction tx(*conns[c]);
    tx.exec_params("INSERT INTO bench_insert (v) VALUES ($1)", "x");
    return true;
  });
  const double report = Load([&](int c, int64_t i) {
    tpb::ReportProgressRequest r;
    r.set_parent("plans/910-qd-btp-2025/tasks/" + std::to_string(6 + c % 8));  // Tasks Văn phòng Bộ leads.
    r.set_request_id("bench-" + std::to_string(c) + "-" + std::to_string(i));
    r.mutable_report()->set_status(tpb::TASK_STATUS_IN_PROGRESS);
    r.mutable_report()->set_percent_complete(static_cast<int>(i % 100));
    tpb::ProgressReport out;
    grpc::ClientContext ctx;
    p06::AttachPrincipal(ctx, office);
    return stubs[c]->ReportProgress(&ctx, r, &out).ok();
  });
  std::printf("  writes  baseline: single-row INSERT, durable      %7.0f rows/s\n", insert);
  std::printf("          ReportProgress, durable on return       %7.0f req/s  = %.0f%% of the baseline\n", report,
              100 * report / insert);
  (*server)->Shutdown(absl::Seconds(1));
  (*dir_server)->Shutdown(absl::Seconds(1));
  return 0;
}

}  // namespace

int main() {
  p06::testing::InstallTestInternalKeys();
  return Run();
}
