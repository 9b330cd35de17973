#include "common/server/server_config.h"

#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "common/base/invalid_field.h"

ABSL_FLAG(std::string, listen_host, "127.0.0.1", "Address the gRPC and metrics servers listen on.");
ABSL_FLAG(int, grpc_port, 0, "gRPC port (0: the service's default).");
ABSL_FLAG(int, metrics_port, 0, "Prometheus metrics port (0: the service's default).");
ABSL_FLAG(std::string, database_url, "", "PostgreSQL URL or connection string (required).");
ABSL_FLAG(int, db_pool_size, 16, "Most PostgreSQL connections open at once.");
ABSL_FLAG(absl::Duration, db_acquire_timeout, absl::Seconds(2), "Longest wait for a pooled connection.");
ABSL_FLAG(absl::Duration, db_statement_timeout, absl::Seconds(10), "PostgreSQL statement_timeout.");
ABSL_FLAG(absl::Duration, db_lock_timeout, absl::Seconds(5), "PostgreSQL lock_timeout.");
ABSL_FLAG(absl::Duration, drain_deadline, absl::Seconds(10),
          "On SIGTERM, how long in-flight calls may take before they are cancelled.");
ABSL_FLAG(absl::Duration, startup_db_wait, absl::Seconds(30),
          "How long to wait for the database at start before giving up.");
ABSL_FLAG(int, max_message_bytes, 16 << 20, "Largest request or response message.");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warning or error.");
ABSL_FLAG(std::string, internal_keys_dir, "",
          "Directory with this process's internal key ({service}.key) and the public keys ({issuer}.pub) "
          "of the processes it believes: they prove principals between the gateway and the services.");

namespace p06 {

absl::Status ApplyEnvironmentToFlags() {
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    std::string env_name = absl::StrCat("P06_", absl::AsciiStrToUpper(name));
    const char* value = std::getenv(env_name.c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return InvalidField(env_name, error);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ServerConfig> LoadServerConfig(int argc, char** argv, const ServiceDefaults& defaults) {
  absl::SetProgramUsageMessage(
      absl::StrCat("p06 ", defaults.service, " service. Flags may also be set as P06_<FLAG> environment variables."));
  RETURN_IF_ERROR(ApplyEnvironmentToFlags());
  absl::ParseCommandLine(argc, argv);

  ServerConfig c;
  c.service = defaults.service;
  c.listen_host = absl::GetFlag(FLAGS_listen_host);
  c.grpc_port = absl::GetFlag(FLAGS_grpc_port) != 0 ? absl::GetFlag(FLAGS_grpc_port) : defaults.grpc_port;
  c.metrics_port = absl::GetFlag(FLAGS_metrics_port) != 0 ? absl::GetFlag(FLAGS_metrics_port) : defaults.metrics_port;
  c.db.url = absl::GetFlag(FLAGS_database_url);
  c.db.schema = defaults.service;
  c.db.application_name = absl::StrCat("p06-", defaults.service);
  c.db.size = absl::GetFlag(FLAGS_db_pool_size);
  c.db.acquire_timeout = absl::GetFlag(FLAGS_db_acquire_timeout);
  c.db.statement_timeout = absl::GetFlag(FLAGS_db_statement_timeout);
  c.db.lock_timeout = absl::GetFlag(FLAGS_db_lock_timeout);
  c.drain_deadline = absl::GetFlag(FLAGS_drain_deadline);
  c.startup_db_wait = absl::GetFlag(FLAGS_startup_db_wait);
  c.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  c.internal_keys_dir = absl::GetFlag(FLAGS_internal_keys_dir);
  if (!log::ParseLevel(absl::GetFlag(FLAGS_log_level), &c.log_level)) {
    return InvalidField("log_level", "must be debug, info, warning or error");
  }
  RETURN_IF_ERROR(c.Validate());
  return c;
}

absl::Status ServerConfig::Validate() const {
  auto port_ok = [](int p) { return p >= 0 && p <= 65535; };
  if (service.empty()) return InvalidField("service", "must not be empty");
  if (listen_host.empty()) return InvalidField("listen_host", "must not be empty");
  if (!port_ok(grpc_port)) return InvalidField("grpc_port", "must be 0..65535");
  if (!port_ok(metrics_port)) return InvalidField("metrics_port", "must be 0..65535");
  if (db.url.empty()) return InvalidField("database_url", "required (flag --database_url or P06_DATABASE_URL)");
  if (db.size < 1 || db.size > 1000) return InvalidField("db_pool_size", "must be 1..1000");
  if (db.acquire_timeout <= absl::ZeroDuration()) return InvalidField("db_acquire_timeout", "must be positive");
  if (db.statement_timeout <= absl::ZeroDuration()) return InvalidField("db_statement_timeout", "must be positive");
  if (db.lock_timeout <= absl::ZeroDuration()) return InvalidField("db_lock_timeout", "must be positive");
  if (drain_deadline < absl::ZeroDuration()) return InvalidField("drain_deadline", "must not be negative");
  if (max_message_bytes < 1024) return InvalidField("max_message_bytes", "must be at least 1024");
  if (internal_keys_dir.empty()) {
    return InvalidField("internal_keys_dir", "required (flag --internal_keys_dir or P06_INTERNAL_KEYS_DIR)");
  }
  return absl::OkStatus();
}

std::string ServerConfig::ToLogString() const {
  return absl::StrCat("listen_host=", listen_host, " grpc_port=", grpc_port, " metrics_port=", metrics_port,
                      " database_url=", db::RedactUrl(db.url), " db_pool_size=", db.size,
                      " drain_deadline=", absl::FormatDuration(drain_deadline),
                      " max_message_bytes=", max_message_bytes, " internal_keys_dir=", internal_keys_dir);
}

}  // namespace p06
