#include "common/server/run_service.h"

#include "absl/synchronization/mutex.h"

#include <prometheus/registry.h>
#include <signal.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc/internal_proof.h"
#include "common/log/log.h"
#include "common/metrics/metrics.h"
#include "common/server/readiness.h"
#include "common/server/server.h"

namespace p06 {
namespace {

sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

// Applies migrations, retrying while the database is unreachable (it may still be
// starting) for at most `wait`.
absl::Status MigrateWhenReachable(const ServerConfig& config, std::span<const db::Migration> migrations) {
  const std::string conninfo = db::BuildConnectionString(config.db);
  const absl::Time give_up = absl::Now() + config.startup_db_wait;
  absl::Duration backoff = absl::Milliseconds(100);
  for (;;) {
    absl::Status status = db::ApplyMigrations(conninfo, config.db.schema, migrations);
    if (status.code() != absl::StatusCode::kUnavailable || absl::Now() + backoff > give_up) return status;
    log::Info("waiting for the database", {{"retry_in", absl::FormatDuration(backoff)}});
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Seconds(2));
  }
}

int Fail(absl::string_view what, const absl::Status& status) {
  log::Error(what, {{"error", status.ToString()}});
  return 1;
}

}  // namespace

int RunServiceMain(int argc, char** argv, const ServiceSpec& spec) {
  // Before any thread exists, so that every thread inherits the mask.
  sigset_t signals = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // Debian builds Abseil without NDEBUG, so every absl::Mutex lock would also be
  // recorded in a lock-order graph for deadlock detection: a debugging aid with a cost on
  // every request (the gateway's profile showed it). Tests keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  log::Init(spec.defaults.service);
  absl::StatusOr<ServerConfig> config = LoadServerConfig(argc, argv, spec.defaults);
  if (!config.ok()) return Fail("invalid configuration", config.status());
  log::Init(config->service, config->log_level);
  log::Info("starting", {{"config", config->ToLogString()}});
  if (absl::Status s = InstallInternalKeys(config->internal_keys_dir, config->service); !s.ok()) {
    return Fail("invalid configuration", s);
  }

  auto metrics = metrics::MetricsServer::Start(config->listen_host, config->metrics_port, config->service);
  if (!metrics.ok()) return Fail("cannot start metrics", metrics.status());

  if (absl::Status s = MigrateWhenReachable(*config, spec.migrations); !s.ok()) {
    return Fail("cannot migrate the database", s);
  }
  db::Pool pool(config->db, &(*metrics)->registry());
  ServiceContext context{*config, pool, (*metrics)->registry(), SystemClock::Get()};
  absl::StatusOr<std::unique_ptr<ServiceBundle>> bundle = spec.make_bundle(context);
  if (!bundle.ok()) return Fail("cannot build services", bundle.status());

  ServerOptions server_options{
      .host = config->listen_host, .port = config->grpc_port, .max_message_bytes = config->max_message_bytes};
  (*bundle)->ConfigureServer(server_options);
  auto server = Server::Start(server_options, (*bundle)->GrpcServices(), (*metrics)->registry());
  if (!server.ok()) return Fail("cannot start gRPC", server.status());
  log::Info("serving", {{"grpc", absl::StrCat(config->listen_host, ":", (*server)->port())},
                        {"metrics", absl::StrCat(config->listen_host, ":", (*metrics)->port())}});
  if ((*server)->secure_port() != 0) {
    log::Info("serving", {{"grpc_tls", absl::StrCat(config->listen_host, ":", (*server)->secure_port())}});
  }
  // When the database is back, the pool's idle connections are from before the outage:
  // dropped, so that the first calls after it do not fail on them.
  ReadinessWatcher readiness(db::BuildConnectionString(ProbeOptions(config->db)), [&server = **server, &pool](bool serving) {
    if (serving) pool.DropIdle();
    server.SetServing(serving);
  });

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  log::Info("draining", {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"},
                         {"deadline", absl::FormatDuration(config->drain_deadline)}});
  (*bundle)->PrepareForShutdown();
  (*server)->Shutdown(config->drain_deadline);
  log::Info("stopped");
  return 0;
}

}  // namespace p06
