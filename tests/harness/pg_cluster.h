// A throwaway PostgreSQL cluster for tests: initdb into a temporary folder, a free
// loopback port, started as the `postgres` OS user when the caller is root (PostgreSQL
// refuses to run as root). Removed on destruction, and also when the test binary is
// interrupted or crashes (signal handlers stop the server and delete the folder).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "tests/harness/subprocess.h"

namespace p06::testing {

class PgCluster {
 public:
  // Finds the server binaries (P06_PG_BIN, else the newest /usr/lib/postgresql/*/bin).
  // Tests trade durability for speed (no fsync); `durable` keeps PostgreSQL's
  // defaults, as production runs, for benchmarks that compare write rates.
  static absl::StatusOr<std::unique_ptr<PgCluster>> Create(bool durable = false);
  ~PgCluster();

  int port() const { return port_; }
  // "postgresql://postgres@127.0.0.1:PORT/DB".
  std::string UrlFor(const std::string& database) const;

  // A new empty database with a unique name; returns its URL.
  absl::StatusOr<std::string> CreateDatabase();
  absl::Status DropDatabase(const std::string& url);

  // Stops the server (fast shutdown: sessions are disconnected) / starts it (again) on
  // the same port and data.
  absl::Status Stop();
  absl::Status Start();

 private:
  PgCluster() = default;
  SpawnOptions Tool(const std::string& tool, std::vector<std::string> args) const;
  absl::Status Execute(const std::string& sql) const;

  std::string bin_dir_;
  std::string dir_;
  std::string server_options_;
  int port_ = 0;
  int next_db_ = 0;
  bool running_ = false;
  std::optional<std::pair<uid_t, gid_t>> user_;
};

}  // namespace p06::testing
