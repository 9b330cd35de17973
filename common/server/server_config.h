// One typed configuration for every service binary.
//
// Precedence, highest first: command-line flag (--grpc_port=7101), environment
// variable (P06_GRPC_PORT=7101: "P06_" + the flag name in upper case), the service's
// own default, the common default. Validated before anything starts serving.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/pool.h"
#include "common/log/log.h"

namespace p06 {

struct ServerConfig {
  std::string service;  // "directory", …
  std::string listen_host = "127.0.0.1";
  int grpc_port = 0;  // 0 picks a free port (tests).
  int metrics_port = 0;
  db::PoolOptions db;  // db.url from --database_url.
  absl::Duration drain_deadline = absl::Seconds(10);
  absl::Duration startup_db_wait = absl::Seconds(30);  // How long to wait for the database at start.
  int max_message_bytes = 16 << 20;
  std::string internal_keys_dir;  // common/grpc/internal_proof.h; required.
  log::Level log_level = log::Level::kInfo;

  // INVALID_ARGUMENT naming the first bad setting.
  absl::Status Validate() const;
  // One line for the start-up log, secrets redacted.
  std::string ToLogString() const;
};

struct ServiceDefaults {
  std::string service;
  int grpc_port;
  int metrics_port;
};

// Parses flags and environment overrides for `defaults.service`. Exits with usage on
// --help; INVALID_ARGUMENT for a malformed environment value or an invalid setting.
absl::StatusOr<ServerConfig> LoadServerConfig(int argc, char** argv, const ServiceDefaults& defaults);

// Applies P06_<FLAG> environment variables to every registered flag; exposed so that
// command-line tools share the convention.
absl::Status ApplyEnvironmentToFlags();

}  // namespace p06
